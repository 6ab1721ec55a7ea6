package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Go;
import io.gmp4j.tck.fixtures.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.gmp4j.patterns.GoTests.POLL;
import static io.gmp4j.patterns.GoTests.inGoroutine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Port of Go's {@code sync/waitgroup_test.go} (WaitGroup is not in x/sync, but ErrGroup is
 * built on it). TestWaitGroupMisuse2/3 (opportunistic detection of Add concurrent with Wait
 * and of early reuse) and TestWaitGroupAlign (64-bit field alignment) have no counterpart in
 * the Java API and are not ported.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WaitGroupTest {

    /** Go: testWaitGroup, the barrier helper of TestWaitGroup. */
    private static void barrier(WaitGroup wg1, WaitGroup wg2) {
        int n = 16;
        wg1.add(n);
        wg2.add(n);
        Chan<Boolean> exited = Chan.make(n);
        for (int i = 0; i != n; i++) {
            Go.go(() -> {
                wg1.done();
                wg2.await();
                exited.send(true);
            });
        }
        wg1.await();
        for (int i = 0; i != n; i++) {
            assertNull(exited.tryRecv(), "WaitGroup released group too soon");
            wg2.done();
        }
        for (int i = 0; i != n; i++) {
            assertEquals(Boolean.TRUE, exited.recv()); // blocks (until the test's timeout) if the barrier fails to unlock someone
        }
    }

    /** Go: TestWaitGroup — the same two WaitGroups reused as a barrier 8 times. */
    @Test
    void waitGroupIsAReusableBarrier() throws Exception {
        inGoroutine(() -> {
            WaitGroup wg1 = new WaitGroup();
            WaitGroup wg2 = new WaitGroup();
            for (int i = 0; i != 8; i++) {
                barrier(wg1, wg2);
            }
        });
    }

    /** Go: TestWaitGroupMisuse — Add(1), Done(), Done() panics "sync: negative WaitGroup counter". */
    @Test
    void doneMoreOftenThanAddThrows() {
        WaitGroup wg = new WaitGroup();
        wg.add(1);
        wg.done();
        IllegalStateException e = assertThrows(IllegalStateException.class, wg::done);
        assertTrue(e.getMessage().startsWith("sync: negative WaitGroup counter"), e.getMessage());
        // The counter is left at zero: await returns at once and the group is still usable.
        wg.await();
        wg.add(2);
        wg.done();
        wg.done();
        wg.await();
        IllegalStateException e2 = assertThrows(IllegalStateException.class, () -> new WaitGroup().add(-1));
        assertTrue(e2.getMessage().startsWith("sync: negative WaitGroup counter"), e2.getMessage());
    }

    /** Go: TestWaitGroupRace — Wait must not return before both Done calls ("spurious wakeup"). */
    @Test
    void waitDoesNotWakeSpuriously() throws Exception {
        inGoroutine(() -> {
            for (int i = 0; i < 1000; i++) {
                WaitGroup wg = new WaitGroup();
                AtomicInteger n = new AtomicInteger();
                wg.add(1);
                Go.go(() -> {
                    n.incrementAndGet();
                    wg.done();
                });
                wg.add(1);
                Go.go(() -> {
                    n.incrementAndGet();
                    wg.done();
                });
                wg.await();
                assertEquals(2, n.get(), "Spurious wakeup from Wait");
            }
        });
    }

    /** Wait on a zero counter returns at once (Go: Wait with nothing added), also off the runtime. */
    @Test
    void awaitOnZeroCounterReturnsAtOnce() {
        WaitGroup wg = new WaitGroup();
        wg.await();
        wg.add(3);
        wg.add(-3);
        wg.await();
    }

    /**
     * Several waiters stay blocked while the counter is above zero (also after partial
     * decrements) and are all released when it reaches zero.
     */
    @Test
    void waitersBlockUntilCounterReachesZero() throws Exception {
        inGoroutine(() -> {
            WaitGroup wg = new WaitGroup();
            wg.add(3);
            AtomicBoolean released = new AtomicBoolean();
            Chan<Boolean> out = Chan.make(4);
            List<Thread> waiters = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                waiters.add(Go.go(() -> {
                    wg.await();
                    out.send(released.get()); // false: await returned before the counter reached zero
                }));
            }
            for (Thread t : waiters) {
                Await.parked(t, POLL, "waiter blocks");
            }
            wg.done();
            wg.add(-1);
            for (Thread t : waiters) {
                Await.parked(t, POLL, "waiter after partial decrement blocks");
            }
            assertNull(out.tryRecv(), "a waiter returned while the counter was 1");
            released.set(true);
            wg.done();
            for (int i = 0; i < 4; i++) {
                assertEquals(Boolean.TRUE, out.recv(), "await returned before the counter reached zero");
            }
        });
    }

    /** Leak check: once Wait has returned, the goroutines that called Done all end (NumGoroutine back to its start value). */
    @Test
    void noGoroutineLeftAfterWait() throws Exception {
        inGoroutine(() -> {
            int start = Go.numGoroutine();
            WaitGroup wg = new WaitGroup();
            for (int i = 0; i < 100; i++) {
                wg.add(1);
                Go.go(wg::done);
            }
            wg.await();
            assertTrue(Await.holds(() -> Go.numGoroutine() == start, POLL),
                    "goroutines: " + Go.numGoroutine() + ", want " + start);
        });
    }
}
