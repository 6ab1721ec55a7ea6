package io.gmp4j.runtime;

import io.gmp4j.tck.fixtures.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No lost wake-ups: work submitted while every processor is idle always gets a machine. */
@Timeout(value = 120, unit = SECONDS)
class WakeupTest {

    private static void awaitIdle(GoRuntime rt) {
        Await.until(() -> {
            RuntimeStats s = rt.stats();
            return s.idleProcs() == s.maxProcs() && s.spinningThreads() == 0;
        }, Duration.ofSeconds(10), () -> "the runtime is idle: " + rt.stats());
    }

    @Test
    void aGoroutineStartedFromAPlatformThreadOnAnIdleRuntimeAlwaysRuns() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            for (int i = 0; i < 2000; i++) {
                if (i % 2 == 0) {
                    awaitIdle(rt); // half the rounds start from fully idle, half from going-idle
                }
                CountDownLatch ran = new CountDownLatch(1);
                rt.go(ran::countDown);
                assertTrue(ran.await(10, SECONDS), "round " + i + ": lost wake-up, " + rt.stats());
            }
        }
    }

    @Test
    void aParkedGoroutineUnparkedFromOutsideAnIdleRuntimeAlwaysRuns() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            for (int i = 0; i < 1000; i++) {
                AtomicBoolean go = new AtomicBoolean();
                CountDownLatch parked = new CountDownLatch(1);
                CountDownLatch ran = new CountDownLatch(1);
                Thread g = rt.go(() -> {
                    parked.countDown();
                    while (!go.get()) {
                        LockSupport.park();
                    }
                    ran.countDown();
                });
                assertTrue(parked.await(10, SECONDS));
                if (i % 2 == 0) {
                    awaitIdle(rt);
                }
                go.set(true);
                LockSupport.unpark(g);
                assertTrue(ran.await(10, SECONDS), "round " + i + ": lost wake-up, " + rt.stats());
            }
        }
    }

    @Test
    void chainsOfGoroutinesReadyingEachOtherAcrossProcessorsNeverStall() throws Exception {
        // Each goroutine wakes the next one and parks: readied goroutines land in runnext and
        // other processors must steal or be woken; a lost wake-up stalls the chain.
        int n = 64;
        int laps = 200;
        int total = n * laps;
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            Thread[] ring = new Thread[n];
            AtomicReference<Integer>[] tokens = newTokens(n);
            CountDownLatch finished = new CountDownLatch(1);
            CountDownLatch created = new CountDownLatch(1);
            for (int i = 0; i < n; i++) {
                int me = i;
                ring[i] = rt.go(() -> {
                    try {
                        created.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    while (true) {
                        Integer t;
                        while ((t = tokens[me].getAndSet(null)) == null) {
                            LockSupport.park();
                        }
                        int next = (me + 1) % n;
                        tokens[next].set(t + 1);
                        LockSupport.unpark(ring[next]);
                        if (t >= total) { // the final token and its n-1 followers end the ring
                            if (t == total) {
                                finished.countDown();
                            }
                            return;
                        }
                    }
                });
            }
            created.countDown();
            tokens[0].set(1);
            LockSupport.unpark(ring[0]);
            assertTrue(finished.await(60, SECONDS), "the ring stalled: " + rt.stats());
            for (Thread t : ring) {
                t.join();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static AtomicReference<Integer>[] newTokens(int n) {
        AtomicReference<Integer>[] a = new AtomicReference[n];
        for (int i = 0; i < n; i++) {
            a[i] = new AtomicReference<>();
        }
        return a;
    }
}
