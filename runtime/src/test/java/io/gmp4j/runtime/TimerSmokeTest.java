package io.gmp4j.runtime;

import io.gmp4j.tck.fixtures.EveryScheduler;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = SECONDS)
class TimerSmokeTest {
    @EveryScheduler
    void manySleepersAllWake(String sched) throws Exception {
        int n = 100_000;
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).scheduler(sched).build()) {
            CountDownLatch done = new CountDownLatch(n);
            Random r = new Random(42);
            for (int i = 0; i < n; i++) {
                long us = r.nextInt(2000);
                rt.go(() -> {
                    Go.sleep(Duration.ofNanos(us * 1000));
                    done.countDown();
                });
            }
            assertTrue(done.await(30, SECONDS), "sleepers left: " + done.getCount());
            assertEquals(0, rt.pendingTimers());
        }
    }

    @EveryScheduler
    void earlierTimerFiresFirst(String sched) throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).scheduler(sched).build()) {
            Chan<Integer> out = Chan.make(1);
            rt.go(() -> {
                var late = Timer.after(Duration.ofMillis(200));
                var early = Timer.after(Duration.ofMillis(5));
                int[] which = new int[1];
                Select.builder().recv(late, t -> which[0] = 2).recv(early, t -> which[0] = 1).run();
                out.send(which[0]);
            });
            assertEquals(1, out.recv());
        }
    }
}
