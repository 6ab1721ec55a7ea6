package io.gmp4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Go's TestGoroutineParallelism idea, and the maxProcs bound. */
@Timeout(value = 60, unit = SECONDS)
class ParallelismTest {

    @Test
    void twoCpuBoundGoroutinesRunInParallelOnTwoProcessors() throws Exception {
        // Each goroutine spins (never blocks) until the shared counter says it is its turn.
        // Progress is only possible if both run at the same time on different machines.
        int rounds = 2000;
        AtomicInteger turn = new AtomicInteger();
        AtomicLong failures = new AtomicLong();
        CountDownLatch done = new CountDownLatch(2);
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            for (int me = 0; me < 2; me++) {
                int self = me;
                rt.go(() -> {
                    long deadline = System.nanoTime() + SECONDS.toNanos(20);
                    for (int i = 0; i < rounds; i++) {
                        int want = 2 * i + self;
                        while (turn.get() != want) {
                            if (System.nanoTime() > deadline) {
                                failures.incrementAndGet();
                                done.countDown();
                                return;
                            }
                            Thread.onSpinWait();
                        }
                        turn.incrementAndGet();
                    }
                    done.countDown();
                });
            }
            assertTrue(done.await(30, SECONDS));
        }
        assertEquals(0, failures.get(), "the two goroutines did not run in parallel");
        assertEquals(2 * rounds, turn.get());
    }

    @Test
    void neverMoreThanMaxProcsGoroutinesRunAtOnce() throws Exception {
        for (int procs : new int[] {1, 2, 3}) {
            AtomicInteger running = new AtomicInteger();
            AtomicInteger max = new AtomicInteger();
            int n = 3000;
            CountDownLatch all = new CountDownLatch(n);
            try (GoRuntime rt = GoRuntime.builder().maxProcs(procs).build()) {
                rt.go(() -> {
                    for (int i = 0; i < n; i++) {
                        Go.go(() -> {
                            int now = running.incrementAndGet();
                            max.accumulateAndGet(now, Math::max);
                            long x = 0;
                            for (int k = 0; k < 5_000; k++) {
                                x += k ^ now;
                            }
                            running.decrementAndGet();
                            if (x == -1) {
                                System.out.print("");
                            }
                            Go.gosched();
                            all.countDown();
                        });
                    }
                });
                assertTrue(all.await(30, SECONDS));
            }
            assertTrue(max.get() <= procs, "maxProcs=" + procs + " but " + max.get() + " ran at once");
            assertTrue(max.get() >= 1);
        }
    }
}
