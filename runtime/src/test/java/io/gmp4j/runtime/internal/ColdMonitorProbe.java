package io.gmp4j.runtime.internal;

import io.gmp4j.runtime.spi.MonitoredScheduler;
import io.gmp4j.runtime.spi.SchedulerConfig;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run in a fresh JVM by {@code ColdPathTest}: the monitor's first preemption request and first
 * hand-off, and steals, with JFR not started (or started, in the second test). Prints how long each monitor call took (for a
 * person reading the output; the test checks which classes were loaded, not times).
 */
public final class ColdMonitorProbe {
    private ColdMonitorProbe() {}

    /** Loaded right before the first preemption request (see {@code ColdPathTest}). */
    static final class Monitoring {}

    public static void main(String[] args) throws Exception {
        GmpScheduler sched = new GmpScheduler(new SchedulerConfig(2, 100), "cold-probe-");
        AtomicBoolean release = new AtomicBoolean();
        AtomicInteger proc = new AtomicInteger(-1);
        CountDownLatch spawned = new CountDownLatch(1);
        CountDownLatch ran = new CountDownLatch(200);
        try {
            sched.newThread(() -> {
                for (int i = 0; i < 200; i++) {
                    sched.newThread(ran::countDown).start(); // the other processor steals some
                }
                proc.set(sched.currentProcessorId());
                spawned.countDown();
                while (!release.get()) {
                    Thread.onSpinWait();
                }
            }).start();
            if (!spawned.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the spawner never ran");
            }
            int id = proc.get();
            // A marker in the class-load log: what loads after it, loads on the monitor's path.
            Class.forName(ColdMonitorProbe.class.getName() + "$Monitoring");
            MonitoredScheduler ms = sched.monitored();
            long t0 = System.nanoTime();
            boolean requested = ms.preempt(id);
            long t1 = System.nanoTime();
            boolean retaken = ms.retakeRunning(id, ms.schedtick(id));
            long t2 = System.nanoTime();
            release.set(true);
            if (!ran.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("goroutines left: " + ran.getCount());
            }
            System.out.printf("preempt=%b in %.3f ms, retake=%b in %.3f ms, steals=%d%n", requested,
                    (t1 - t0) / 1e6, retaken, (t2 - t1) / 1e6, sched.stats().steals());
            System.out.println("probe: ok");
        } finally {
            release.set(true);
            sched.shutdown();
            sched.awaitTermination(Duration.ofSeconds(10));
        }
    }
}
