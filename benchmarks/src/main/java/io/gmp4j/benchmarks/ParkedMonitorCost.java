package io.gmp4j.benchmarks;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.DeadlockHandler;
import io.gmp4j.runtime.GoRuntime;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * CPU the system monitor spends while N goroutines sit parked on a channel receive and every
 * processor is idle, with the deadlock check on or off, and what the deadlock report costs.
 * Not a JMH benchmark (it measures one thread's CPU time over a window, not an operation).
 *
 * <p>Modes:
 * <ul>
 *   <li>{@code off}: {@code DeadlockHandler.OFF}, no check at all (the baseline).
 *   <li>{@code sleeper}: the default handler and rule; {@code main} — a platform thread that
 *       could still close the channel — sleeps through the window, so no report may fire
 *       (the shape of a program that starts goroutines, sleeps, then wakes them).
 *   <li>{@code deadlock}: the default rule; {@code main} waits in {@code GoRuntime.close()} and
 *       a daemon thread measures, so the runtime is really deadlocked: the report fires once
 *       (its cost to the monitor is printed), then the window measures the monitor afterwards.
 *       The measurer closes the channel at the end, so close() returns.
 * </ul>
 *
 * <p>Run (10 M goroutines need a heap of about 12–14 GB; the program prints the heap it used):
 * {@code java @benchmarks/gmp4j-bench.args -Xmx4g -cp benchmarks/target/gmp4j-benchmarks.jar
 * io.gmp4j.benchmarks.ParkedMonitorCost 1000000 sleeper 10}
 *
 * <p>Arguments: goroutines (default 1,000,000), mode (default {@code sleeper}), window in
 * seconds (default 10), processors (default: available processors).
 */
public final class ParkedMonitorCost {
    private ParkedMonitorCost() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
        String mode = args.length > 1 ? args[1] : "sleeper";
        long windowSeconds = args.length > 2 ? Long.parseLong(args[2]) : 10;
        int procs = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
        if (!mode.equals("off") && !mode.equals("sleeper") && !mode.equals("deadlock")) {
            throw new IllegalArgumentException("mode: " + mode + " (expected: off, sleeper or deadlock)");
        }
        System.out.printf("goroutines=%,d mode=%s window=%d s procs=%d max heap=%,d MB java=%s%n", n, mode,
                windowSeconds, procs, Runtime.getRuntime().maxMemory() >> 20, Runtime.version());

        CountDownLatch reported = new CountDownLatch(1);
        AtomicReference<String> report = new AtomicReference<>();
        AtomicLong reportedAt = new AtomicLong();
        AtomicLong reports = new AtomicLong();
        DeadlockHandler handler = mode.equals("off") ? DeadlockHandler.OFF : (rt, text) -> {
            reportedAt.set(System.nanoTime());
            reports.incrementAndGet();
            report.compareAndSet(null, text);
            reported.countDown();
        };
        Chan<Integer> ch = Chan.make();
        GoRuntime rt = GoRuntime.builder().maxProcs(procs).deadlockHandler(handler).build();
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long heapBefore = usedAfterGc(mem);
        long t0 = System.nanoTime();
        Thread[] gs = new Thread[n];
        for (int i = 0; i < n; i++) {
            gs[i] = rt.go(ch::recv);
        }
        for (Thread g : gs) {
            while (g.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
        }
        long parkedAt = System.nanoTime();
        Thread sysmon = sysmonThread();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sysmonCpuAtPark = threads.getThreadCpuTime(sysmon.threadId());
        System.out.printf("started and parked in %.1f s%n", (parkedAt - t0) / 1e9);

        Runnable measure = () -> {
            try {
                long heap = usedAfterGc(mem) - heapBefore;
                System.out.printf("heap used by the parked goroutines after GC: %,d MB (%,d bytes each; "
                        + "10,000,000 would need about %,d MB)%n", heap >> 20, heap / n, heap / n * 10_000_000L >> 20);
                if (mode.equals("deadlock")) {
                    if (!reported.await(300, TimeUnit.SECONDS)) {
                        System.out.println("no deadlock report within 300 s");
                    } else {
                        long cpu = threads.getThreadCpuTime(sysmon.threadId()) - sysmonCpuAtPark;
                        String text = report.get();
                        System.out.printf("report: delivered %.2f s after the goroutines parked; monitor CPU from "
                                + "parked to now (census, stacks, report; GC not included) %.0f ms; %,d chars, "
                                + "%d lines%n", (reportedAt.get() - parkedAt) / 1e9, cpu / 1e6, text.length(),
                                text.lines().count());
                        text.lines().filter(l -> l.contains("goroutines") || l.contains("goroutine profile")
                                || l.startsWith("\"")).forEach(l -> System.out.println("  | " + l));
                    }
                } else {
                    settle(rt);
                }
                long dumpWall = System.nanoTime();
                long dumpCpu = threads.getCurrentThreadCpuTime();
                StringBuilder sb = new StringBuilder();
                rt.dumpGoroutineProfile(sb);
                System.out.printf("dumpGoroutineProfile (the report's dump) from this thread: %.0f ms wall, %.0f ms "
                        + "CPU, %,d chars%n", (System.nanoTime() - dumpWall) / 1e6,
                        (threads.getCurrentThreadCpuTime() - dumpCpu) / 1e6, sb.length());
                settle(rt);
                var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                long ticks0 = rt.stats().sysmonTicks();
                long mon0 = threads.getThreadCpuTime(sysmon.threadId());
                long proc0 = os.getProcessCpuTime();
                long w0 = System.nanoTime();
                Thread.sleep(TimeUnit.SECONDS.toMillis(windowSeconds)); // the measurement window
                long w1 = System.nanoTime();
                long mon1 = threads.getThreadCpuTime(sysmon.threadId());
                long proc1 = os.getProcessCpuTime();
                long ticks1 = rt.stats().sysmonTicks();
                double wall = (w1 - w0) / 1e9;
                System.out.printf("monitor thread %s: %.2f ms CPU in %.2f s = %.3f %% of one core; %d monitor "
                        + "cycles%n", sysmon.getName(), (mon1 - mon0) / 1e6, wall, (mon1 - mon0) / 1e7 / wall,
                        ticks1 - ticks0);
                System.out.printf("process: %.0f ms CPU in %.2f s = %.2f %% of one core%n", (proc1 - proc0) / 1e6,
                        wall, (proc1 - proc0) / 1e7 / wall);
                System.out.printf("deadlock reports: %d; live goroutines %,d%n", reports.get(), rt.numGoroutine());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ch.close();
            }
        };
        if (mode.equals("deadlock")) {
            // main must not be a possible waker: it waits in close(); a daemon thread measures.
            Thread.ofPlatform().daemon().name("measurer").start(measure);
            rt.close();
        } else {
            measure.run(); // main sleeps through the window: a platform thread that could wake them
            rt.close();
        }
    }

    /** Lets the monitor reach its idle sleep: a few cycles with every processor idle. */
    private static void settle(GoRuntime rt) throws InterruptedException {
        long ticks = rt.stats().sysmonTicks();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (rt.stats().sysmonTicks() < ticks + 3 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static Thread sysmonThread() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().endsWith("-sysmon")) {
                return t;
            }
        }
        throw new IllegalStateException("no *-sysmon thread: is io.gmp4j.sysmon on the class path?");
    }

    private static long usedAfterGc(MemoryMXBean mem) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50); // let the collector finish; a measurement harness, not a test
            used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
