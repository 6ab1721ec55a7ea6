package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Go;
import io.gmp4j.tck.fixtures.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.gmp4j.patterns.GoTests.POLL;
import static io.gmp4j.patterns.GoTests.inGoroutine;
import static io.gmp4j.patterns.GoTests.recvWithin;
import static io.gmp4j.patterns.GoTests.wouldBlock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Port of golang.org/x/sync {@code singleflight/singleflight_test.go} to {@link Singleflight}.
 * Go's panics in the function become exceptions delivered in every caller's
 * {@link Singleflight.Result#error()} (the very instance: no wrapping, which is what
 * TestPanicErrorUnwrap checks for Go's panicError); where Go crashes the process
 * (TestPanicDoChan, TestPanicDoSharedByDoChan) the Java API delivers the exception on the
 * channel instead, and that is what is tested. TestGoexitDo has no Java counterpart
 * (runtime.Goexit) and is not ported.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SingleflightTest {

    /** Go: TestDo. */
    @Test
    void doCall() throws Exception {
        inGoroutine(() -> {
            Singleflight<String, Object> g = new Singleflight<>();
            Singleflight.Result<Object> r = g.doCall("key", () -> "bar");
            assertEquals("bar", r.value());
            assertEquals(String.class, r.value().getClass());
            assertNull(r.error(), "Do error");
            assertFalse(r.shared(), "a lone call is not shared");
        });
    }

    /** Go: TestDoErr — the error is the very instance returned, the value nil. */
    @Test
    void doCallError() throws Exception {
        inGoroutine(() -> {
            Singleflight<String, Object> g = new Singleflight<>();
            Exception someErr = new Exception("Some error");
            Singleflight.Result<Object> r = g.doCall("key", () -> {
                throw someErr;
            });
            assertSame(someErr, r.error(), "Do error");
            assertNull(r.value(), "unexpected non-null value");
            // The key is free again: the next call runs anew.
            assertEquals("again", g.doCall("key", () -> "again").value());
        });
    }

    /**
     * Go: TestDoDupSuppress — 10 concurrent callers of one key; fewer than 10 executions. Go
     * sleeps 10 ms inside fn "to let more goroutines enter Do"; here the release waits until
     * every caller is parked (in fn, or waiting for the execution in flight).
     */
    @Test
    void doDupSuppress() throws Exception {
        inGoroutine(() -> {
            Singleflight<String, String> g = new Singleflight<>();
            WaitGroup wg1 = new WaitGroup();
            WaitGroup wg2 = new WaitGroup();
            Chan<String> c = Chan.make(1);
            AtomicInteger calls = new AtomicInteger();
            java.util.concurrent.Callable<String> fn = () -> {
                if (calls.incrementAndGet() == 1) {
                    // First invocation.
                    wg1.done();
                }
                String v = c.recv();
                c.send(v); // pump; make available for any future calls
                return v;
            };

            int n = 10;
            Queue<Singleflight.Result<String>> results = new ConcurrentLinkedQueue<>();
            List<Thread> callers = new ArrayList<>();
            wg1.add(1);
            for (int i = 0; i < n; i++) {
                wg1.add(1);
                wg2.add(1);
                callers.add(Go.go(() -> {
                    try {
                        wg1.done();
                        results.add(g.doCall("key", fn));
                    } finally {
                        wg2.done();
                    }
                }));
            }
            wg1.await();
            // At least one goroutine is in fn now and all of them have at least reached the
            // line before the Do. Let them all block (in fn or on the call in flight).
            assertTrue(Await.holds(() -> callers.stream().allMatch(GoTests::isBlocked), POLL),
                    "callers did not all block");
            c.send("bar");
            wg2.await();
            int got = calls.get();
            assertTrue(got > 0 && got < n, "number of calls = " + got + "; want over 0 and less than " + n);
            assertEquals(n, results.size());
            long shared = 0;
            for (Singleflight.Result<String> r : results) {
                assertEquals("bar", r.value());
                assertNull(r.error());
                if (r.shared()) {
                    shared++;
                }
            }
            // Every execution with more than one caller is shared by all of them, so at most
            // one result per execution is unshared.
            assertTrue(shared >= n - got, shared + " shared results for " + got + " executions of " + n + " calls");
        });
    }

    /** Go: TestForget (go.dev/issue/31420) — Forget while in flight; the next call runs anew. */
    @Test
    void forget() throws Exception {
        inGoroutine(() -> {
            Singleflight<String, Integer> g = new Singleflight<>();

            Chan<Boolean> firstStarted = Chan.make();
            Chan<Boolean> unblockFirst = Chan.make();
            Chan<Boolean> firstFinished = Chan.make();
            Chan<Singleflight.Result<Integer>> firstResult = Chan.make(1);

            Go.go(() -> firstResult.send(g.doCall("key", () -> {
                firstStarted.close();
                unblockFirst.recv();
                firstFinished.close();
                return null;
            })));
            firstStarted.recv();
            g.forget("key");

            Chan<Boolean> unblockSecond = Chan.make();
            Chan<Singleflight.Result<Integer>> secondResult = g.doChan("key", () -> {
                unblockSecond.recv();
                return 2;
            });

            unblockFirst.close();
            firstFinished.recv();

            AtomicBoolean thirdRan = new AtomicBoolean();
            Chan<Singleflight.Result<Integer>> thirdResult = g.doChan("key", () -> {
                thirdRan.set(true);
                return 3;
            });

            unblockSecond.close();
            Singleflight.Result<Integer> second = recvWithin(secondResult, Duration.ofSeconds(5), "second");
            Singleflight.Result<Integer> r = recvWithin(thirdResult, Duration.ofSeconds(5), "third");
            assertEquals(2, r.value(), "We should receive result produced by second call");
            assertFalse(thirdRan.get(), "the third call must join the second, not run");
            assertEquals(2, second.value());
            assertTrue(second.shared() && r.shared(), "second and third share one execution");

            Singleflight.Result<Integer> first = recvWithin(firstResult, Duration.ofSeconds(5), "first");
            assertNull(first.value());
            assertFalse(first.shared(), "the forgotten execution had only its own caller");
        });
    }

    /** Go: TestDoChan — plus: capacity 1, one result, never closed. */
    @Test
    void doChan() throws Exception {
        inGoroutine(() -> {
            Singleflight<String, Object> g = new Singleflight<>();
            Chan<Singleflight.Result<Object>> ch = g.doChan("key", () -> "bar");
            assertEquals(1, ch.cap());

            Singleflight.Result<Object> res = recvWithin(ch, Duration.ofSeconds(5), "DoChan");
            assertEquals("bar", res.value());
            assertEquals(String.class, res.value().getClass());
            assertNull(res.error(), "Do error");
            assertFalse(res.shared());
            assertTrue(wouldBlock(ch), "DoChan's channel must receive exactly one result and never be closed");
        });
    }

    /** DoChan runs fn in a new goroutine: doChan returns while fn is still blocked. */
    @Test
    void doChanRunsFnInANewGoroutine() throws Exception {
        inGoroutine(() -> {
            Singleflight<String, String> g = new Singleflight<>();
            Chan<Boolean> unblock = Chan.make();
            Thread caller = Thread.currentThread();
            AtomicBoolean ranInCaller = new AtomicBoolean();
            Chan<Singleflight.Result<String>> ch = g.doChan("key", () -> {
                ranInCaller.set(Thread.currentThread() == caller);
                unblock.recv();
                return "v";
            });
            assertTrue(wouldBlock(ch), "no result before fn returns");
            unblock.send(true); // fn is running elsewhere: this send is received
            assertEquals("v", recvWithin(ch, Duration.ofSeconds(5), "DoChan").value());
            assertFalse(ranInCaller.get(), "fn ran in the calling goroutine");
        });
    }

    /**
     * Go: TestPanicDo (go.dev/issue/41133) — fn panics for 5 concurrent callers; no caller
     * hangs and each sees the panic (here: the same exception instance in error()). Also: the
     * key is usable again afterwards.
     */
    @Test
    void panicDo() throws Exception {
        inGoroutine(() -> {
            Singleflight<String, Object> g = new Singleflight<>();
            RuntimeException panic = new NullPointerException("invalid memory address or nil pointer dereference");
            java.util.concurrent.Callable<Object> fn = () -> {
                throw panic;
            };

            int n = 5;
            Chan<Singleflight.Result<Object>> done = Chan.make(n);
            for (int i = 0; i < n; i++) {
                Go.go(() -> done.send(g.doCall("key", fn)));
            }
            for (int i = 0; i < n; i++) {
                Singleflight.Result<Object> r = recvWithin(done, Duration.ofSeconds(5), "Do hangs");
                assertSame(panic, r.error(), "Expect the panic in every caller's result");
                assertNull(r.value());
            }
            assertEquals("ok", g.doCall("key", () -> "ok").value(), "the key is stuck after a panic");
        });
    }

    /**
     * Go: TestPanicDo/TestPanicErrorUnwrap, deterministic — a caller waiting on the execution
     * in flight gets the very exception its fn threw (checked, not wrapped), marked shared.
     */
    @Test
    void exceptionIsSharedWithWaitingCallers() throws Exception {
        inGoroutine(() -> {
            Singleflight<String, String> g = new Singleflight<>();
            IOException boom = new IOException("boom");
            Chan<Boolean> started = Chan.make();
            Chan<Boolean> unblock = Chan.make();
            Chan<Singleflight.Result<String>> firstResult = Chan.make(1);
            Go.go(() -> firstResult.send(g.doCall("key", () -> {
                started.close();
                unblock.recv();
                throw boom;
            })));
            started.recv();
            AtomicBoolean secondRan = new AtomicBoolean();
            Chan<Singleflight.Result<String>> secondResult = Chan.make(1);
            Thread second = Go.go(() -> secondResult.send(g.doCall("key", () -> {
                secondRan.set(true);
                return "second";
            })));
            Await.parked(second, POLL, "second caller blocks");
            unblock.close();
            Singleflight.Result<String> r1 = recvWithin(firstResult, Duration.ofSeconds(5), "first");
            Singleflight.Result<String> r2 = recvWithin(secondResult, Duration.ofSeconds(5), "second");
            assertFalse(secondRan.get(), "the waiting caller's fn must not run");
            assertSame(boom, r1.error());
            assertSame(boom, r2.error());
            assertNull(r1.value());
            assertNull(r2.value());
            assertTrue(r1.shared() && r2.shared());
        });
    }

    /**
     * Go: TestPanicDoChan — Go crashes the process; here the exception arrives on the channel,
     * and nothing escapes the goroutine to the uncaught-exception handler.
     */
    @Test
    void panicDoChan() throws Exception {
        Queue<Throwable> uncaught = new ConcurrentLinkedQueue<>();
        inGoroutine((t, e) -> uncaught.add(e), () -> {
            Singleflight<String, Object> g = new Singleflight<>();
            RuntimeException panic = new IllegalStateException("Panicking in DoChan");
            Chan<Singleflight.Result<Object>> ch = g.doChan("", () -> {
                throw panic;
            });
            Singleflight.Result<Object> r = recvWithin(ch, Duration.ofSeconds(5), "DoChan");
            assertSame(panic, r.error());
            assertNull(r.value());
            assertFalse(r.shared());
        });
        assertEquals(List.of(), new ArrayList<>(uncaught), "exceptions escaped to the uncaught-exception handler");
    }

    /**
     * Go: TestPanicDoSharedByDoChan — a DoChan joining a Do that panics gets the panic and its
     * own callback never runs.
     */
    @Test
    void panicDoSharedByDoChan() throws Exception {
        inGoroutine(() -> {
            Chan<Boolean> blocked = Chan.make();
            Chan<Boolean> unblock = Chan.make();
            RuntimeException panic = new IllegalStateException("Panicking in Do");

            Singleflight<String, Object> g = new Singleflight<>();
            Chan<Singleflight.Result<Object>> doResult = Chan.make(1);
            Go.go(() -> doResult.send(g.doCall("", () -> {
                blocked.close();
                unblock.recv();
                throw panic;
            })));

            blocked.recv();
            AtomicBoolean callbackRan = new AtomicBoolean();
            Chan<Singleflight.Result<Object>> ch = g.doChan("", () -> {
                callbackRan.set(true);
                throw new AssertionError("DoChan unexpectedly executed callback");
            });
            unblock.close();
            Singleflight.Result<Object> r = recvWithin(ch, Duration.ofSeconds(5), "DoChan");
            assertFalse(callbackRan.get(), "DoChan unexpectedly executed callback");
            assertSame(panic, r.error(), "the DoChan result must carry the panic of the shared Do");
            assertTrue(r.shared());
            Singleflight.Result<Object> d = recvWithin(doResult, Duration.ofSeconds(5), "Do");
            assertSame(panic, d.error());
            assertTrue(d.shared());
        });
    }

    /** Different keys are independent: fn for "a" can wait for fn for "b" to run. */
    @Test
    void differentKeysDoNotShare() throws Exception {
        inGoroutine(() -> {
            Singleflight<String, String> g = new Singleflight<>();
            Chan<Boolean> bRan = Chan.make(1);
            Chan<Singleflight.Result<String>> a = g.doChan("a", () -> {
                bRan.recv();
                return "A";
            });
            Singleflight.Result<String> b = g.doCall("b", () -> {
                bRan.send(true);
                return "B";
            });
            assertEquals("B", b.value());
            assertFalse(b.shared());
            Singleflight.Result<String> ra = recvWithin(a, Duration.ofSeconds(5), "a");
            assertEquals("A", ra.value());
            assertFalse(ra.shared());
        });
    }

    /** Null keys are rejected. */
    @Test
    void nullKeysAreRejected() {
        Singleflight<String, String> g = new Singleflight<>();
        assertThrows(NullPointerException.class, () -> g.doCall(null, () -> "x"));
        assertThrows(NullPointerException.class, () -> g.doChan(null, () -> "x"));
        assertThrows(NullPointerException.class, () -> g.forget(null));
    }

    /** Leak check: the goroutines DoChan starts end once their results are delivered. */
    @Test
    void noGoroutineLeftAfterDoChan() throws Exception {
        inGoroutine(() -> {
            int start = Go.numGoroutine();
            Singleflight<Integer, Integer> g = new Singleflight<>();
            List<Chan<Singleflight.Result<Integer>>> chans = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int k = i % 10;
                chans.add(g.doChan(k, () -> k * k));
            }
            for (int i = 0; i < 100; i++) {
                assertEquals((i % 10) * (i % 10), recvWithin(chans.get(i), Duration.ofSeconds(5), "DoChan " + i).value());
            }
            assertTrue(Await.holds(() -> Go.numGoroutine() == start, POLL),
                    "goroutines: " + Go.numGoroutine() + ", want " + start);
        });
    }
}
