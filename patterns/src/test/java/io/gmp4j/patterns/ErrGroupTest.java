package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.Go;
import io.gmp4j.tck.fixtures.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.gmp4j.patterns.GoTests.POLL;
import static io.gmp4j.patterns.GoTests.inGoroutine;
import static io.gmp4j.patterns.GoTests.isClosedAndDrained;
import static io.gmp4j.patterns.GoTests.recvWithin;
import static io.gmp4j.patterns.GoTests.wouldBlock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Port of golang.org/x/sync {@code errgroup/errgroup_test.go} to {@link ErrGroup}. Go's
 * {@code func() error} returning {@code err} is a task that throws {@code err} (or returns
 * normally for nil); Go's {@code g.Wait() == err} is "await throws an ExecutionException
 * whose cause is that very instance". ExampleGroup_justErrors (real HTTP fetches) is covered
 * by the zero-group cases and not ported.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ErrGroupTest {

    /** A Go {@code func() error { return err }}: throws {@code err} unless it is null. */
    private static ErrGroup.Task returning(Exception err) {
        return () -> {
            if (err != null) {
                throw err;
            }
        };
    }

    /** Go's {@code g.Wait()}: null, or the first failure (the ExecutionException's cause). */
    private static Throwable await(ErrGroup g) {
        try {
            g.await();
            return null;
        } catch (ExecutionException e) {
            assertTrue(e.getCause() != null, "ExecutionException without a cause");
            return e.getCause();
        }
    }

    /** Go: TestZeroGroup — Wait returns the first error, after each Go, on a reused group. */
    @Test
    void zeroGroup() throws Exception {
        inGoroutine(() -> {
            Exception err1 = new Exception("errgroup_test: 1");
            Exception err2 = new Exception("errgroup_test: 2");

            List<List<Exception>> cases = List.of(
                    List.of(),
                    Arrays.asList((Exception) null),
                    List.of(err1),
                    Arrays.asList(err1, null),
                    Arrays.asList(err1, null, err2));

            for (List<Exception> errs : cases) {
                ErrGroup g = new ErrGroup();

                Exception firstErr = null;
                for (int i = 0; i < errs.size(); i++) {
                    Exception err = errs.get(i);
                    g.go(returning(err));

                    if (firstErr == null && err != null) {
                        firstErr = err;
                    }

                    Throwable gErr = await(g);
                    assertSame(firstErr, gErr, "after go(return err) for err in " + errs.subList(0, i + 1)
                            + ": await() = " + gErr + "; want " + firstErr);
                }
                // The zero group has no context of its own: background, never cancelled.
                assertSame(Context.background(), g.context());
                assertNull(g.context().err());
            }
        });
    }

    /** Go: TestWithContext — Wait returns the first error and the derived context is done afterwards. */
    @Test
    void withContext() throws Exception {
        inGoroutine(() -> {
            Exception errDoom = new Exception("group_test: doomed");

            record Case(List<Exception> errs, Exception want) {}
            List<Case> cases = List.of(
                    new Case(List.of(), null),
                    new Case(Arrays.asList((Exception) null), null),
                    new Case(List.of(errDoom), errDoom),
                    new Case(Arrays.asList(errDoom, null), errDoom));

            for (Case tc : cases) {
                ErrGroup g = ErrGroup.withContext(Context.background());
                Context ctx = g.context();

                for (Exception err : tc.errs()) {
                    g.go(returning(err));
                }

                Throwable err = await(g);
                assertSame(tc.want(), err, "after go(return err) for err in " + tc.errs() + ": await() = " + err
                        + "; want " + tc.want());

                assertTrue(isClosedAndDrained(ctx.done()),
                        "after go(return err) for err in " + tc.errs() + ": ctx.done() was not closed");
                assertSame(Context.CANCELED, ctx.err());
            }
        });
    }

    /** Go: TestTryGo — TryGo with limits 42, 1 and 0. */
    @Test
    void tryGo() throws Exception {
        inGoroutine(() -> {
            ErrGroup g = new ErrGroup();
            int n = 42;
            g.setLimit(42);
            Chan<Boolean> ch = Chan.make();
            ErrGroup.Task fn = () -> ch.send(true);
            for (int i = 0; i < n; i++) {
                assertTrue(g.tryGo(fn), "TryGo should succeed but got fail at " + i + "-th call.");
            }
            assertFalse(g.tryGo(fn), "TryGo is expected to fail but succeeded.");
            Go.go(() -> {
                for (int i = 0; i < n; i++) {
                    ch.recv();
                }
            });
            assertNull(await(g));

            assertTrue(g.tryGo(fn), "TryGo should success but got fail after all goroutines.");
            Go.go(ch::recv);
            assertNull(await(g));

            // Switch limit.
            g.setLimit(1);
            assertTrue(g.tryGo(fn), "TryGo should success but got failed.");
            assertFalse(g.tryGo(fn), "TryGo should fail but succeeded.");
            Go.go(ch::recv);
            assertNull(await(g));

            // Block all calls.
            g.setLimit(0);
            for (int i = 0; i < 1 << 10; i++) {
                assertFalse(g.tryGo(fn), "TryGo should fail but got succeeded.");
            }
            assertNull(await(g));

            // Not in Go's test: a negative limit removes it.
            g.setLimit(-1);
            AtomicInteger ran = new AtomicInteger();
            for (int i = 0; i < 100; i++) {
                assertTrue(g.tryGo(ran::incrementAndGet), "TryGo without a limit failed");
            }
            assertNull(await(g));
            assertEquals(100, ran.get());
        });
    }

    /**
     * As in x/sync (done() frees the limit slot before wg.Done()), a slot is free again as soon
     * as Wait returns: TryGo at the limit right after Wait always succeeds.
     */
    @Test
    void slotIsFreeWhenWaitReturns() throws Exception {
        inGoroutine(() -> {
            ErrGroup g = new ErrGroup();
            g.setLimit(1);
            for (int i = 0; i < 20_000; i++) {
                assertTrue(g.tryGo(() -> {}), "TryGo failed right after Wait (round " + i + ")");
                assertNull(await(g));
            }
        });
    }

    /** Go: TestGoLimit — with SetLimit(10), never more than 10 tasks run at once. */
    @Test
    void goLimit() throws Exception {
        inGoroutine(() -> {
            int limit = 10;
            ErrGroup g = new ErrGroup();
            g.setLimit(limit);
            AtomicInteger active = new AtomicInteger();
            AtomicInteger ran = new AtomicInteger();
            for (int i = 0; i <= 1 << 10; i++) {
                g.go(() -> {
                    int n = active.incrementAndGet();
                    if (n > limit) {
                        throw new IllegalStateException("saw " + n + " active goroutines; want <= " + limit);
                    }
                    Go.gosched(); // give other goroutines a chance to increment active (Go: sleep 1µs)
                    active.decrementAndGet();
                    ran.incrementAndGet();
                });
            }
            Throwable err = await(g);
            if (err != null) {
                fail(err);
            }
            assertEquals((1 << 10) + 1, ran.get());
        });
    }

    /** Go: TestCancelCause — the derived context's cause is the first error, or context.Canceled. */
    @Test
    void cancelCause() throws Exception {
        inGoroutine(() -> {
            Exception errDoom = new Exception("group_test: doomed");

            record Case(List<Exception> errs, Exception want) {}
            List<Case> cases = List.of(
                    new Case(List.of(), null),
                    new Case(Arrays.asList((Exception) null), null),
                    new Case(List.of(errDoom), errDoom),
                    new Case(Arrays.asList(errDoom, null), errDoom));

            for (Case tc : cases) {
                ErrGroup g = ErrGroup.withContext(Context.background());
                Context ctx = g.context();

                for (Exception err : tc.errs()) {
                    assertTrue(g.tryGo(returning(err)), "TryGo without a limit failed");
                }

                Throwable err = await(g);
                assertSame(tc.want(), err, "after tryGo(return err) for err in " + tc.errs() + ": await() = "
                        + err + "; want " + tc.want());

                Throwable want = tc.want() == null ? Context.CANCELED : tc.want();
                assertSame(want, ctx.cause(), "after tryGo(return err) for err in " + tc.errs()
                        + ": ctx.cause() = " + ctx.cause() + "; want " + want);
                assertSame(Context.CANCELED, ctx.err());
            }
        });
    }

    /** Go: ExampleGroup_parallel — "Google Search 2.0" with a context and error handling. */
    @Test
    void exampleParallel() throws Exception {
        inGoroutine(() -> {
            interface Search {
                String search(Context ctx, String query) throws Exception;
            }
            java.util.function.Function<String, Search> fakeSearch =
                    kind -> (ctx, query) -> kind + " result for \"" + query + "\"";
            List<Search> searches = List.of(fakeSearch.apply("web"), fakeSearch.apply("image"),
                    fakeSearch.apply("video"));

            ErrGroup g = ErrGroup.withContext(Context.background());
            String[] results = new String[searches.size()];
            for (int i = 0; i < searches.size(); i++) {
                int idx = i;
                g.go(() -> results[idx] = searches.get(idx).search(g.context(), "golang"));
            }
            g.await();
            assertEquals(List.of("web result for \"golang\"", "image result for \"golang\"",
                    "video result for \"golang\""), List.of(results));
        });
    }

    /**
     * The derived context is cancelled as soon as the first task fails, with that failure as its
     * cause — before Wait — and a later failure is dropped.
     */
    @Test
    void firstFailureCancelsContextAtOnceAndLaterFailuresAreDropped() throws Exception {
        inGoroutine(() -> {
            ErrGroup g = ErrGroup.withContext(Context.background());
            Exception boom = new IOException("boom"); // checked: reported as is
            Exception later = new IllegalStateException("later");
            AtomicReference<Throwable> seenCause = new AtomicReference<>();
            Chan<Boolean> failNow = Chan.make();
            g.go(() -> {
                g.context().done().recv(); // a sibling's failure ends the wait
                seenCause.set(g.context().cause());
                throw later;
            });
            g.go(() -> {
                failNow.recv();
                throw boom;
            });
            assertTrue(wouldBlock(g.context().done()), "context cancelled before any failure");
            failNow.send(true);
            assertTrue(Await.holds(() -> g.context().err() != null, POLL), "the failure did not cancel the context");
            assertSame(boom, g.context().cause());

            assertSame(boom, await(g), "await reports the first failure");
            assertSame(boom, seenCause.get());
            assertSame(boom, g.context().cause(), "await keeps the first failure as the cause");
        });
    }

    /** Go blocks while the limit is reached and starts the task when a slot frees up. */
    @Test
    void goBlocksAtTheLimit() throws Exception {
        inGoroutine(() -> {
            ErrGroup g = new ErrGroup();
            g.setLimit(2);
            Chan<Boolean> release = Chan.make();
            g.go(release::recv);
            g.go(release::recv);
            AtomicBoolean thirdStarted = new AtomicBoolean();
            Chan<Boolean> goReturned = Chan.make(1);
            Thread caller = Go.go(() -> {
                g.go(() -> thirdStarted.set(true));
                goReturned.send(true);
            });
            Await.parked(caller, POLL, "g.go at the limit blocks");
            assertNull(goReturned.tryRecv(), "g.go returned although 2 of 2 tasks are active");
            assertFalse(thirdStarted.get(), "a third task ran although the limit is 2");

            release.send(true); // one task ends: a slot frees up
            assertEquals(Boolean.TRUE, recvWithin(goReturned, Duration.ofSeconds(5), "g.go after a slot freed"));
            release.send(true);
            assertNull(await(g));
            assertTrue(thirdStarted.get());
            Await.state(caller, POLL, "caller ends", Thread.State.TERMINATED);
        });
    }

    /** SetLimit while tasks are active panics in Go ("errgroup: modify limit while ..."). */
    @Test
    void setLimitWhileActiveThrows() throws Exception {
        inGoroutine(() -> {
            ErrGroup g = new ErrGroup();
            g.setLimit(1);
            Chan<Boolean> release = Chan.make();
            assertTrue(g.tryGo(release::recv));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.setLimit(5));
            assertTrue(e.getMessage().contains("errgroup: modify limit while"), e.getMessage());
            assertFalse(g.tryGo(() -> {}), "the limit must still be 1");
            release.send(true);
            assertNull(await(g));
            g.setLimit(5); // fine once no task is active
            for (int i = 0; i < 5; i++) {
                assertTrue(g.tryGo(release::recv));
            }
            assertFalse(g.tryGo(() -> {}));
            for (int i = 0; i < 5; i++) {
                release.send(true);
            }
            assertNull(await(g));
        });
    }

    /** Cancelling the parent cancels the group's context, which the tasks can watch. */
    @Test
    void parentCancellationReachesTasks() throws Exception {
        inGoroutine(() -> {
            Context parent = Context.withCancel(Context.background());
            ErrGroup g = ErrGroup.withContext(parent);
            Chan<Boolean> started = Chan.make(3);
            for (int i = 0; i < 3; i++) {
                g.go(() -> {
                    started.send(true);
                    g.context().done().recv();
                    throw g.context().err();
                });
            }
            for (int i = 0; i < 3; i++) {
                started.recv();
            }
            assertNull(g.context().err());
            parent.cancel();
            assertSame(Context.CANCELED, await(g));
            assertSame(Context.CANCELED, g.context().err());
        });
    }

    /** Leak check: after Wait, every task goroutine ends (NumGoroutine back to its start value). */
    @Test
    void noGoroutineLeftAfterWait() throws Exception {
        inGoroutine(() -> {
            int start = Go.numGoroutine();
            ErrGroup g = ErrGroup.withContext(Context.background());
            g.setLimit(8);
            for (int i = 0; i < 200; i++) {
                int k = i;
                g.go(() -> {
                    if (k == 100) {
                        throw new Exception("one failure");
                    }
                });
            }
            assertTrue(await(g) instanceof Exception);
            assertTrue(Await.holds(() -> Go.numGoroutine() == start, POLL),
                    "goroutines: " + Go.numGoroutine() + ", want " + start);
        });
    }
}
