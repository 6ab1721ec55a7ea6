package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.ContextException;
import io.gmp4j.runtime.Go;
import io.gmp4j.tck.fixtures.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.gmp4j.patterns.GoTests.POLL;
import static io.gmp4j.patterns.GoTests.inGoroutine;
import static io.gmp4j.patterns.GoTests.recvWithin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Port of golang.org/x/sync {@code semaphore/semaphore_test.go} to {@link Semaphore}. Go's
 * {@code time.Sleep} "to let the goroutine block" is replaced by observing the block (the
 * goroutine's thread parks, or {@code TryAcquire} starts failing because a waiter is queued);
 * Go's "hold for a random time" by a short random spin.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SemaphoreTest {

    private static final Context BG = Context.background();

    /** Whether a waiter is queued: TryAcquire(0) succeeds unless somebody waits (x/sync). */
    private static boolean waiterQueued(Semaphore sem) {
        return !sem.tryAcquire(0);
    }

    /** Go: HammerWeighted, with a check that the tokens held never exceed the size. */
    private static void hammer(Semaphore sem, long size, long n, int loops, AtomicLong held, Queue<String> errors) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = 0; i < loops; i++) {
            sem.acquire(BG, n);
            long h = held.addAndGet(n);
            if (h > size) {
                errors.add("held " + h + " tokens of a semaphore of size " + size);
            }
            int spins = rnd.nextInt(64);
            for (int s = 0; s < spins; s++) {
                Thread.onSpinWait();
            }
            if (rnd.nextInt(8) == 0) {
                Go.gosched();
            }
            held.addAndGet(-n);
            sem.release(n);
        }
    }

    /** Go: TestWeighted — n goroutines, goroutine i acquiring and releasing i tokens of n. */
    @Test
    void weighted() throws Exception {
        inGoroutine(() -> {
            int n = 4;
            int loops = 10000 / n;
            Semaphore sem = new Semaphore(n);
            AtomicLong held = new AtomicLong();
            Queue<String> errors = new ConcurrentLinkedQueue<>();
            WaitGroup wg = new WaitGroup();
            wg.add(n);
            for (int i = 0; i < n; i++) {
                long weight = i;
                Go.go(() -> {
                    try {
                        hammer(sem, n, weight, loops, held, errors);
                    } catch (Throwable t) {
                        errors.add(t.toString());
                    } finally {
                        wg.done();
                    }
                });
            }
            wg.await();
            assertEquals(List.of(), new ArrayList<>(errors));
            assertEquals(0, held.get());
            assertTrue(sem.tryAcquire(n), "every token is free again");
        });
    }

    /** Go: TestWeightedPanic — release of an unacquired weighted semaphore panics. */
    @Test
    void releaseOfUnacquiredThrows() {
        Semaphore w = new Semaphore(1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.release(1));
        assertTrue(e.getMessage().startsWith("semaphore: released more than held"), e.getMessage());
        // Nothing changed: exactly one token can be taken.
        assertTrue(w.tryAcquire(1));
        assertFalse(w.tryAcquire(1), "the failed release must not have added a token");
        IllegalStateException e2 = assertThrows(IllegalStateException.class, () -> w.release(2));
        assertTrue(e2.getMessage().startsWith("semaphore: released more than held"), e2.getMessage());
        w.release(1);
        assertTrue(w.tryAcquire(1));
    }

    /** Go: TestWeightedTryAcquire. */
    @Test
    void weightedTryAcquire() throws Exception {
        inGoroutine(() -> {
            Semaphore sem = new Semaphore(2);
            List<Boolean> tries = new ArrayList<>();
            sem.acquire(BG, 1);
            tries.add(sem.tryAcquire(1));
            tries.add(sem.tryAcquire(1));

            sem.release(2);

            tries.add(sem.tryAcquire(1));
            sem.acquire(BG, 1);
            tries.add(sem.tryAcquire(1));

            assertEquals(List.of(true, false, true, false), tries);
        });
    }

    /** Go: TestWeightedAcquire — Acquire with a 10 ms timeout as the "try". */
    @Test
    void weightedAcquire() throws Exception {
        inGoroutine(() -> {
            Semaphore sem = new Semaphore(2);
            List<ContextException> errs = new ArrayList<>();
            java.util.function.LongPredicate tryAcquire = n -> {
                Context ctx = Context.withTimeout(BG, Duration.ofMillis(10));
                try {
                    sem.acquire(ctx, n);
                    return true;
                } catch (ContextException e) {
                    errs.add(e);
                    return false;
                } finally {
                    ctx.cancel();
                }
            };

            List<Boolean> tries = new ArrayList<>();
            sem.acquire(BG, 1);
            tries.add(tryAcquire.test(1));
            tries.add(tryAcquire.test(1));

            sem.release(2);

            tries.add(tryAcquire.test(1));
            sem.acquire(BG, 1);
            tries.add(tryAcquire.test(1));

            assertEquals(List.of(true, false, true, false), tries);
            assertEquals(2, errs.size());
            for (ContextException e : errs) {
                assertContextErr(Context.DEADLINE_EXCEEDED, e, "a timed-out Acquire throws ctx.err()");
            }
            // The timed-out waiters left nothing behind: the two held tokens are all that is taken.
            sem.release(2);
            assertTrue(sem.tryAcquire(2));
        });
    }

    /**
     * Go: TestWeightedDoesntBlockIfTooBig — an Acquire of more than the size, pending, does not
     * keep 6 goroutines (in an errgroup) from acquiring 1 each.
     */
    @Test
    void weightedDoesntBlockIfTooBig() throws Exception {
        inGoroutine(() -> {
            int n = 2;
            Semaphore sem = new Semaphore(n);
            Context bigCtx = Context.withCancel(BG);
            Chan<Object> bigOutcome = Chan.make(1);
            Thread big = Go.go(() -> {
                try {
                    sem.acquire(bigCtx, n + 1);
                    bigOutcome.send("acquired");
                } catch (ContextException e) {
                    bigOutcome.send(e);
                }
            });
            Await.parked(big, POLL, "Acquire(_, n+1) blocks");
            assertFalse(waiterQueued(sem), "a request larger than the size must not queue");

            ErrGroup g = ErrGroup.withContext(BG);
            for (int i = n * 3; i > 0; i--) {
                g.go(() -> {
                    sem.acquire(g.context(), 1);
                    Go.gosched();
                    sem.release(1);
                });
            }
            try {
                g.await();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError("Semaphore(" + n + ") failed to acquire(_, 1) with acquire(_, " + (n + 1)
                        + ") pending", e.getCause());
            }
            assertNull(bigOutcome.tryRecv(), "Acquire(_, n+1) must wait for its context only");
            bigCtx.cancel();
            assertContextErr(Context.CANCELED, recvWithin(bigOutcome, Duration.ofSeconds(5), "Acquire(_, n+1) after cancel"));
            assertTrue(sem.tryAcquire(n), "nothing is held");
        });
    }

    /** A request larger than the size fails with the context's deadline error and holds nothing. */
    @Test
    void tooBigRequestWaitsForContextOnly() throws Exception {
        inGoroutine(() -> {
            Semaphore sem = new Semaphore(2);
            Context ctx = Context.withTimeout(BG, Duration.ofMillis(20));
            ContextException e = assertThrows(ContextException.class, () -> sem.acquire(ctx, 3));
            assertContextErr(Context.DEADLINE_EXCEEDED, e);
            assertTrue(sem.tryAcquire(2));
        });
    }

    /**
     * Go: TestLargeAcquireDoesntStarve — n goroutines keep releasing and re-acquiring one token
     * each; an Acquire of all n must still get through (Go: the test times out otherwise; here
     * the large Acquire has a 10 s deadline so that a starved one fails instead of hanging).
     */
    @Test
    void largeAcquireDoesntStarve() throws Exception {
        inGoroutine(() -> {
            int n = 4;
            Semaphore sem = new Semaphore(n);
            AtomicBoolean running = new AtomicBoolean(true);
            WaitGroup wg = new WaitGroup();
            wg.add(n);
            for (int i = n; i > 0; i--) {
                sem.acquire(BG, 1);
                Go.go(() -> {
                    try {
                        while (running.get()) {
                            Go.gosched();
                            sem.release(1);
                            sem.acquire(BG, 1);
                        }
                    } finally {
                        sem.release(1);
                        wg.done();
                    }
                });
            }

            Context ctx = Context.withTimeout(BG, Duration.ofSeconds(10));
            try {
                sem.acquire(ctx, n);
            } catch (ContextException e) {
                running.set(false);
                wg.await();
                throw new AssertionError("Acquire(_, " + n + ") starved: " + e.getMessage());
            } finally {
                ctx.cancel();
            }
            running.set(false);
            sem.release(n);
            wg.await();
            assertTrue(sem.tryAcquire(n), "every token is free again");
        });
    }

    /**
     * Go: TestAllocCancelDoesntStarve (current version) — an Acquire(_, 1) queued behind a large
     * Acquire that is cancelled concurrently must get through.
     */
    @Test
    void allocCancelDoesntStarve() throws Exception {
        inGoroutine(() -> {
            Semaphore sem = new Semaphore(10);
            // Block off a portion of the semaphore so that Acquire(_, 10) can eventually succeed.
            sem.acquire(BG, 1);

            Context ctx = Context.withCancel(BG);
            Chan<Object> bigOutcome = Chan.make(1);
            Go.go(() -> {
                try {
                    sem.acquire(ctx, 10);
                    bigOutcome.send("acquired");
                } catch (ContextException e) {
                    bigOutcome.send(e);
                }
            });

            // Wait until the Acquire(_, 10) call blocks.
            assertTrue(Await.holds(() -> {
                if (sem.tryAcquire(1)) {
                    sem.release(1);
                    return false;
                }
                return true;
            }, POLL), "Acquire(_, 10) never queued");

            // Grab a "read lock" while the Acquire(_, 10) is cancelled concurrently.
            Go.go(ctx::cancel);
            sem.acquire(BG, 1);
            sem.release(1);

            // We held one token throughout, so the large request could only end by cancellation.
            assertContextErr(Context.CANCELED, recvWithin(bigOutcome, Duration.ofSeconds(5), "Acquire(_, 10)"));
            sem.release(1);
            assertTrue(sem.tryAcquire(10), "the cancelled waiter left nothing behind");
        });
    }

    /**
     * Go: TestAllocCancelDoesntStarve (original version, with its 100 ms sleep replaced by
     * observing the queue) — cancelling the waiter at the head wakes the one behind it when
     * its tokens are free.
     */
    @Test
    void cancelledHeadWakesWaitersBehindIt() throws Exception {
        inGoroutine(() -> {
            Semaphore sem = new Semaphore(10);
            sem.acquire(BG, 1); // hold 1 "read lock"

            Context ctx = Context.withCancel(BG);
            Chan<Object> bigOutcome = Chan.make(1);
            Thread big = Go.go(() -> {
                try {
                    sem.acquire(ctx, 10); // "write lock" request
                    bigOutcome.send("acquired");
                } catch (ContextException e) {
                    bigOutcome.send(e);
                }
            });
            Await.parked(big, POLL, "Acquire(_, 10) blocks");
            assertTrue(waiterQueued(sem));

            Chan<Boolean> doneCh = Chan.make(1);
            Thread small = Go.go(() -> {
                // Queued behind the large request although 9 tokens are free: no barging.
                sem.acquire(BG, 1);
                sem.release(1);
                doneCh.send(true);
            });
            Await.parked(small, POLL, "Acquire(_, 1) behind Acquire(_, 10) blocks");
            assertNull(doneCh.tryRecv(), "Acquire(_, 1) overtook the queued Acquire(_, 10)");

            ctx.cancel();
            assertEquals(Boolean.TRUE, recvWithin(doneCh, Duration.ofSeconds(5),
                    "Acquire(_, 1) after the head was cancelled"));
            assertContextErr(Context.CANCELED, recvWithin(bigOutcome, Duration.ofSeconds(5), "Acquire(_, 10)"));
            sem.release(1);
            assertTrue(sem.tryAcquire(10));
        });
    }

    /** Go: TestWeightedAcquireCanceled (go.dev/issue/63615). */
    @Test
    void weightedAcquireCanceled() throws Exception {
        inGoroutine(SemaphoreTest::acquireCanceledOnce);
    }

    /**
     * TestWeightedAcquireCanceled repeated: the cancel and the release race with the waiter's
     * wake-up, so that the waiter finds its context done and its tokens granted at once; it
     * must give the tokens back and throw ctx.err() (the go.dev/issue/63615 bug returned
     * success instead).
     */
    @Test
    void weightedAcquireCanceledRepeated() throws Exception {
        inGoroutine(() -> {
            for (int i = 0; i < 500; i++) {
                acquireCanceledOnce();
            }
        });
    }

    private static void acquireCanceledOnce() {
        Semaphore sem = new Semaphore(2);
        Context ctx = Context.withCancel(BG);
        sem.acquire(BG, 1);
        Chan<Boolean> ch = Chan.make();
        Go.go(() -> {
            // Synchronize with the Acquire(2) below: a tight loop, as in Go, so that the
            // cancel and release below follow the waiter's enqueueing as closely as possible
            // (bounded, in case the Acquire never queues).
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() - deadline < 0 && sem.tryAcquire(1)) {
                sem.release(1);
            }
            // Now cancel ctx, and then release the token.
            ctx.cancel();
            sem.release(1);
            ch.close();
        });
        // Since the context closing happens before enough tokens become available, this
        // Acquire must fail.
        ContextException e = assertThrows(ContextException.class, () -> sem.acquire(ctx, 2));
        assertContextErr(Context.CANCELED, e, "Acquire with canceled context returned wrong error");
        // There must always be two tokens in the semaphore after the other goroutine
        // releases the one we held at the start.
        assertNull(ch.recv());
        assertTrue(sem.tryAcquire(2), "TryAcquire after canceled Acquire failed");
        // Additionally verify that we don't acquire with a done context even when we
        // wouldn't need to block to do so.
        sem.release(2);
        ContextException e2 = assertThrows(ContextException.class, () -> sem.acquire(ctx, 1));
        assertContextErr(Context.CANCELED, e2, "Acquire with canceled context returned wrong error");
        assertTrue(sem.tryAcquire(2), "the failed Acquire took nothing");
    }

    /** Waiters are served strictly in arrival order. */
    @Test
    void waitersAreServedInFifoOrder() throws Exception {
        inGoroutine(() -> {
            Semaphore sem = new Semaphore(1);
            sem.acquire(BG, 1);
            Chan<String> order = Chan.make(3);
            for (String name : List.of("A", "B", "C")) {
                Thread t = Go.go(() -> {
                    sem.acquire(BG, 1);
                    order.send(name);
                    sem.release(1);
                });
                Await.parked(t, POLL, "waiter " + name + " blocks"); // queued before the next one arrives
            }
            assertNull(order.tryRecv());
            sem.release(1);
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                got.add(recvWithin(order, Duration.ofSeconds(5), "waiter " + i));
            }
            assertEquals(List.of("A", "B", "C"), got);
            assertTrue(sem.tryAcquire(1));
        });
    }

    /**
     * A large waiter at the head is not overtaken by a small request that would fit, neither by
     * TryAcquire nor by Acquire; when tokens are released both are served.
     */
    @Test
    void noBargingPastAQueuedWaiter() throws Exception {
        inGoroutine(() -> {
            Semaphore sem = new Semaphore(3);
            sem.acquire(BG, 2); // 1 free
            Chan<String> got = Chan.make(2);
            Thread big = Go.go(() -> {
                sem.acquire(BG, 2);
                got.send("big");
            });
            Await.parked(big, POLL, "Acquire(_, 2) blocks");
            assertFalse(sem.tryAcquire(1), "TryAcquire(1) succeeded with 1 free but a waiter queued");
            Thread small = Go.go(() -> {
                sem.acquire(BG, 1);
                got.send("small");
            });
            Await.parked(small, POLL, "Acquire(_, 1) blocks");
            assertNull(got.tryRecv(), "Acquire(1) overtook the queued Acquire(2)");

            sem.release(2); // big takes 2, small the third
            List<String> both = new ArrayList<>();
            both.add(recvWithin(got, Duration.ofSeconds(5), "first waiter"));
            both.add(recvWithin(got, Duration.ofSeconds(5), "second waiter"));
            both.sort(null);
            assertEquals(List.of("big", "small"), both);
            assertFalse(sem.tryAcquire(1), "all 3 tokens are held");
            sem.release(3);
            assertTrue(sem.tryAcquire(3));
        });
    }

    /** Argument checks: negative size or weight is rejected; weight 0 and size 0 work. */
    @Test
    void argumentChecks() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
        inGoroutine(() -> {
            Semaphore sem = new Semaphore(1);
            assertThrows(IllegalArgumentException.class, () -> sem.acquire(BG, -1));
            assertThrows(IllegalArgumentException.class, () -> sem.tryAcquire(-1));
            assertThrows(IllegalArgumentException.class, () -> sem.release(-1));
            assertTrue(sem.tryAcquire(1), "the rejected calls changed nothing");
            sem.release(1);

            Semaphore zero = new Semaphore(0);
            zero.acquire(BG, 0);
            assertTrue(zero.tryAcquire(0));
            assertFalse(zero.tryAcquire(1));
            zero.release(0);
        });
    }

    /**
     * What a Semaphore throws when its context ends: an exception of the context's kind
     * ({@code is}), thrown with a stack trace that says where (not the shared constant, which has none).
     */
    private static void assertContextErr(ContextException kind, Object got, String... why) {
        String what = why.length > 0 ? why[0] : "Acquire's exception";
        ContextException e = assertInstanceOf(ContextException.class, got, what);
        assertTrue(e.is(kind), what + ": " + e + " is not " + kind);
        assertNotSame(kind, e, what + ": the shared constant, with no stack trace, was thrown");
        assertTrue(e.getStackTrace().length > 0, what + ": no stack trace");
    }
}
