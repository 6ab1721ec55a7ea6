package io.gmp4j.runtime;

import io.gmp4j.tck.fixtures.Await;
import io.gmp4j.tck.fixtures.EveryScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Go's context semantics: cancellation trees, deadlines, causes, values and timer release.
 *
 * <p>The timeout runs each test in a separate thread, so that a deadlocked runtime (whose
 * {@code close()} would wait forever) fails its test instead of hanging the suite.
 */
@Timeout(value = 60, unit = SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ContextTest {

    // ---------------------------------------------------------------- helpers

    private static GoRuntime runtime(String scheduler) {
        return GoRuntime.builder().maxProcs(2).scheduler(scheduler).build();
    }

    /**
     * Whether done() is closed, without blocking: nothing is ever sent on a done channel, so
     * its receive case is ready exactly when it is closed.
     */
    private static boolean isClosed(Chan<?> done) {
        return Select.builder().recv(done, v -> { }).orElse(() -> { }).run() == 0;
    }

    private static void assertLive(Context ctx) {
        assertNull(ctx.err(), () -> ctx + " must be live");
        assertNull(ctx.cause(), () -> ctx + " must be live");
        assertFalse(isClosed(ctx.done()), () -> ctx + ": done() closed on a live context");
    }

    private static void assertEnded(Context ctx, ContextException err, Throwable cause) {
        assertSame(err, ctx.err(), () -> ctx + ": err");
        assertSame(cause, ctx.cause(), () -> ctx + ": cause");
        assertTrue(isClosed(ctx.done()), () -> ctx + ": done() must be closed once the context ended");
        assertNull(ctx.done().recv(), "receiving from a closed done channel returns null at once");
    }

    /**
     * Runs body in a goroutine of rt; assertion failures propagate. A goroutine still running
     * after 30 s is interrupted (so that closing the runtime can end) and the test fails.
     */
    private static <T> T inGoroutine(GoRuntime rt, Callable<T> body) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread g = rt.go(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return Await.result(result, Duration.ofSeconds(30), () -> {
            g.interrupt();
            return "the goroutine did not finish within 30 s; " + rt.stats();
        });
    }

    // ---------------------------------------------------------------- background

    @Test
    void backgroundAndTodoNeverEndAndIgnoreCancel() {
        for (Context bg : List.of(Context.background(), Context.todo())) {
            assertNull(bg.err());
            assertNull(bg.cause());
            assertEquals(Optional.empty(), bg.deadline());
            assertNull(bg.value("anything"));
            assertSame(bg.done(), bg.done(), "done() is one channel");
            assertNull(bg.done().tryRecv(), "background's done channel is never ready");
            int taken = Select.builder().recv(bg.done(), v -> { }).orElse(() -> { }).run();
            assertEquals(1, taken, "a select on background's done() must take orElse");

            bg.cancel();
            bg.cancel(new IllegalStateException("ignored"));

            assertNull(bg.err(), "cancel on background must be a no-op");
            assertNull(bg.cause());
            assertLive(bg);
        }
        assertSame(Context.background(), Context.background());
    }

    // ---------------------------------------------------------------- withCancel

    @Test
    void cancelClosesDoneAndReportsCanceledIdempotently() {
        Context ctx = Context.withCancel(Context.background());
        Chan<?> done = ctx.done(); // taken before cancel: closed by it
        assertLive(ctx);
        assertEquals(Optional.empty(), ctx.deadline());

        ctx.cancel();

        assertEnded(ctx, Context.CANCELED, Context.CANCELED);
        assertTrue(isClosed(done));
        assertFalse(Context.CANCELED.isTimeout());
        assertEquals("context canceled", Context.CANCELED.getMessage());

        ctx.cancel();
        ctx.cancel(new IllegalStateException("too late"));
        assertEnded(ctx, Context.CANCELED, Context.CANCELED); // the first cancel wins
        assertSame(done, ctx.done(), "done() stays the same channel");
    }

    @Test
    void doneTakenOnlyAfterCancelIsAlreadyClosed() {
        Context ctx = Context.withCancel(Context.background());
        ctx.cancel(); // done() never asked for before: it must be created closed
        assertEnded(ctx, Context.CANCELED, Context.CANCELED);
    }

    @Test
    void cancellingAParentCancelsEveryDescendantIncludingOnesCreatedLater() throws Exception {
        Context parent = Context.withCancel(Context.background());
        Context child = Context.withCancel(parent);
        Context grandchild = Context.withCancel(child);
        Context valued = Context.withValue(child, "k", "v");
        Context underValue = Context.withCancel(valued);
        Context timed = Context.withTimeout(parent, Duration.ofHours(1));
        Context underTimed = Context.withCancel(timed);
        List<Context> tree = List.of(parent, child, grandchild, valued, underValue, timed, underTimed);
        for (Context c : tree) {
            assertLive(c);
        }
        Chan<?> grandchildDone = grandchild.done();

        parent.cancel();

        for (Context c : tree) {
            assertEnded(c, Context.CANCELED, Context.CANCELED);
        }
        assertTrue(isClosed(grandchildDone));

        // Children created after the parent ended start ended.
        Context late = Context.withCancel(parent);
        Context lateGrand = Context.withCancel(Context.withValue(late, "x", 1));
        Context lateTimed = Context.withTimeout(grandchild, Duration.ofHours(1));
        Context lateDeadline = Context.withDeadline(parent, Instant.now().plusSeconds(3600));
        for (Context c : List.of(late, lateGrand, lateTimed, lateDeadline)) {
            assertEnded(c, Context.CANCELED, Context.CANCELED);
        }
    }

    @Test
    void cancellingAChildLeavesItsParentAndSiblingsAlive() {
        Context parent = Context.withCancel(Context.background());
        Context child = Context.withCancel(parent);
        Context sibling = Context.withCancel(parent);
        Context grandchild = Context.withCancel(child);

        child.cancel();

        assertEnded(child, Context.CANCELED, Context.CANCELED);
        assertEnded(grandchild, Context.CANCELED, Context.CANCELED);
        assertLive(parent);
        assertLive(sibling);

        parent.cancel(); // and the cancelled child was detached: cancelling the parent still works
        assertEnded(parent, Context.CANCELED, Context.CANCELED);
        assertEnded(sibling, Context.CANCELED, Context.CANCELED);
    }

    // ---------------------------------------------------------------- deadlines

    @EveryScheduler
    void withTimeoutEndsWithDeadlineExceededAndClosesDone(String sched) throws Exception {
        try (GoRuntime rt = runtime(sched)) {
            inGoroutine(rt, () -> {
                Instant before = Instant.now();
                Context ctx = Context.withTimeout(Context.background(), Duration.ofMillis(20));
                Context child = Context.withCancel(ctx);
                Context valued = Context.withValue(ctx, "k", 1);
                assertTrue(ctx.deadline().isPresent());
                assertFalse(ctx.deadline().get().isBefore(before.plusMillis(20)), "deadline = now + timeout");
                assertLive(ctx);

                assertNull(ctx.done().recv(), "done closes when the deadline passes"); // bounded by the class timeout
                assertFalse(Instant.now().isBefore(ctx.deadline().get()), "ended before its deadline");

                assertEnded(ctx, Context.DEADLINE_EXCEEDED, Context.DEADLINE_EXCEEDED);
                assertTrue(ctx.err().isTimeout());
                assertEquals("context deadline exceeded", ctx.err().getMessage());
                // As in Go, the parent's done closes before its children are cancelled: wait for the child's.
                assertNull(child.done().recv(), "a child ends with its deadline parent");
                assertEnded(child, Context.DEADLINE_EXCEEDED, Context.DEADLINE_EXCEEDED);
                assertEnded(valued, Context.DEADLINE_EXCEEDED, Context.DEADLINE_EXCEEDED);

                ctx.cancel(new IllegalStateException("too late"));
                assertEnded(ctx, Context.DEADLINE_EXCEEDED, Context.DEADLINE_EXCEEDED);
                assertEquals(0, rt.pendingTimers(), "a fired deadline leaves no timer");
                return null;
            });
        }
    }

    @Test
    void withTimeoutFromAPlatformThreadEndsToo() throws Exception {
        Context ctx = Context.withTimeout(Context.background(), Duration.ofMillis(20));
        CompletableFuture<Object> done = CompletableFuture.supplyAsync(() -> ctx.done().recv(),
                r -> Thread.ofPlatform().start(r));
        assertNull(done.get(10, SECONDS), "done must close within the bounded wait");
        assertEnded(ctx, Context.DEADLINE_EXCEEDED, Context.DEADLINE_EXCEEDED);
    }

    @Test
    void deadlineInThePastIsAlreadyEnded() {
        List<Context> ended = List.of(
                Context.withDeadline(Context.background(), Instant.now().minusSeconds(1)),
                Context.withDeadline(Context.background(), Instant.MIN),
                Context.withTimeout(Context.background(), Duration.ZERO),
                Context.withTimeout(Context.background(), Duration.ofMillis(-5)),
                Context.withTimeout(Context.background(), Duration.ofSeconds(Long.MIN_VALUE)));
        for (Context ctx : ended) {
            // No waiting at all: ended on return.
            assertEnded(ctx, Context.DEADLINE_EXCEEDED, Context.DEADLINE_EXCEEDED);
            assertTrue(ctx.deadline().isPresent());
            assertEnded(Context.withCancel(ctx), Context.DEADLINE_EXCEEDED, Context.DEADLINE_EXCEEDED);
        }
        Context far = Context.withTimeout(Context.background(), Duration.ofSeconds(Long.MAX_VALUE));
        assertLive(far); // saturates instead of overflowing
        far.cancel();
        assertEnded(far, Context.CANCELED, Context.CANCELED);
    }

    @Test
    void theLatestDeadlineAndTheLargestTimeoutArePracticallyNever() {
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999); // beyond Instant.MAX from now
        Context atMax = Context.withDeadline(Context.background(), Instant.MAX);
        Context hugeTimeout = Context.withTimeout(Context.background(), huge);
        for (Context ctx : List.of(atMax, hugeTimeout)) {
            assertLive(ctx);
            assertEquals(Optional.of(Instant.MAX), ctx.deadline(), "saturates at Instant.MAX");
            // A child with a real deadline under it still ends on time, with its own error.
            Context child = Context.withTimeout(ctx, Duration.ofNanos(-1));
            assertEnded(child, Context.DEADLINE_EXCEEDED, Context.DEADLINE_EXCEEDED);
            assertLive(ctx);
            ctx.cancel();
            assertEnded(ctx, Context.CANCELED, Context.CANCELED);
        }
    }

    @Test
    void childDeadlineIsTheEarlierOfItsOwnAndItsParents() {
        Instant parentDeadline = Instant.now().plusSeconds(3600);
        Context parent = Context.withDeadline(Context.background(), parentDeadline);
        try {
            assertEquals(Optional.of(parentDeadline), parent.deadline());
            Context later = Context.withDeadline(parent, parentDeadline.plusSeconds(3600));
            assertEquals(Optional.of(parentDeadline), later.deadline(), "a later child deadline is the parent's");
            Context laterTimeout = Context.withTimeout(parent, Duration.ofHours(5));
            assertEquals(Optional.of(parentDeadline), laterTimeout.deadline());
            Instant sooner = parentDeadline.minusSeconds(1800);
            Context earlier = Context.withDeadline(parent, sooner);
            assertEquals(Optional.of(sooner), earlier.deadline(), "an earlier child deadline is its own");
            assertEquals(Optional.of(parentDeadline), Context.withCancel(parent).deadline());
            assertEquals(Optional.of(parentDeadline), Context.withValue(parent, "k", 1).deadline());
            assertEquals(Optional.of(sooner), Context.withValue(Context.withCancel(earlier), "k", 1).deadline());
            for (Context c : List.of(later, laterTimeout, earlier)) {
                assertLive(c);
            }
        } finally {
            parent.cancel();
        }
    }

    @EveryScheduler
    void cancellingATimeoutContextReleasesItsTimer(String sched) throws Exception {
        // Context arms its timer on GoRuntime.currentOrDefault(): inside a goroutine of rt, that is rt.
        try (GoRuntime rt = runtime(sched)) {
            inGoroutine(rt, () -> {
                int before = rt.pendingTimers();
                Context ctx = Context.withTimeout(Context.background(), Duration.ofHours(1));
                assertEquals(before + 1, rt.pendingTimers(), "a deadline context holds a timer");
                ctx.cancel();
                assertEquals(before, rt.pendingTimers(), "cancel must release the timer at once");

                // Cancelling an ancestor releases a descendant's timer too.
                Context parent = Context.withCancel(Context.background());
                Context timed = Context.withTimeout(Context.withValue(parent, "k", 1), Duration.ofHours(1));
                assertEquals(before + 1, rt.pendingTimers());
                parent.cancel();
                assertEnded(timed, Context.CANCELED, Context.CANCELED);
                assertEquals(before, rt.pendingTimers(), "an ended descendant must release its timer");

                // A child whose parent's deadline is sooner needs no timer of its own.
                Context outer = Context.withTimeout(Context.background(), Duration.ofHours(1));
                Context inner = Context.withTimeout(outer, Duration.ofHours(2));
                assertEquals(before + 1, rt.pendingTimers(), "only the outer deadline needs a timer");
                inner.cancel();
                assertLive(outer);
                outer.cancel();
                assertEquals(before, rt.pendingTimers());

                // An already-expired deadline arms nothing.
                Context.withTimeout(Context.background(), Duration.ZERO);
                assertEquals(before, rt.pendingTimers());
                return null;
            });
        }
    }

    // ---------------------------------------------------------------- causes

    @Test
    void cancelWithCauseRecordsItForTheContextAndItsDescendants() {
        Context parent = Context.withCancel(Context.background());
        Context child = Context.withCancel(parent);
        Context valued = Context.withValue(child, "k", 1);
        Context ownCause = Context.withCancel(parent);
        Throwable own = new IllegalArgumentException("child's own");
        ownCause.cancel(own);
        assertEnded(ownCause, Context.CANCELED, own);

        Throwable boom = new IllegalStateException("boom");
        parent.cancel(boom);

        assertEnded(parent, Context.CANCELED, boom);
        assertEnded(child, Context.CANCELED, boom);
        assertEnded(valued, Context.CANCELED, boom);
        assertEnded(ownCause, Context.CANCELED, own); // ended earlier: keeps its own cause
        assertEnded(Context.withCancel(parent), Context.CANCELED, boom); // created after: inherits it

        parent.cancel(new RuntimeException("second"));
        assertSame(boom, parent.cause(), "the first cause wins");

        Context nullCause = Context.withCancel(Context.background());
        nullCause.cancel(null);
        assertEnded(nullCause, Context.CANCELED, Context.CANCELED);
    }

    // ---------------------------------------------------------------- values

    @Test
    void withValueLooksUpAncestorsAndFollowsItsParentsLifetime() {
        Context root = Context.withValue(Context.background(), "a", 1);
        Context mid = Context.withCancel(root);
        Context leaf = Context.withValue(mid, "b", 2);
        Context shadow = Context.withValue(leaf, "a", 3);
        Context nullValue = Context.withValue(shadow, "n", null);

        assertEquals(1, leaf.value("a"), "found on an ancestor through a cancel context");
        assertEquals(2, leaf.value("b"));
        assertEquals(3, shadow.value("a"), "the nearest ancestor wins");
        assertEquals(1, mid.value("a"));
        assertNull(mid.value("b"), "values are not visible to ancestors");
        assertNull(shadow.value("missing"));
        assertNull(nullValue.value("n"));
        assertEquals(2, nullValue.value(new String("b")), "keys are compared with equals");

        assertSame(mid.done(), leaf.done(), "a value context's done is its parent's");
        assertSame(Context.background().done(), root.done());
        assertEquals(Optional.empty(), leaf.deadline());
        assertLive(leaf);

        leaf.cancel(); // a value context has no cancel of its own
        assertLive(leaf);
        assertLive(mid);

        mid.cancel();
        assertEnded(leaf, Context.CANCELED, Context.CANCELED);
        assertEnded(nullValue, Context.CANCELED, Context.CANCELED);
        assertLive(root);
        assertEquals(3, shadow.value("a"), "values survive cancellation");
    }

    // ---------------------------------------------------------------- waking waiters

    @EveryScheduler
    void allGoroutinesBlockedOnDoneWakeOnCancel(String sched) throws Exception {
        int n = 1_000;
        try (GoRuntime rt = runtime(sched)) {
            Context ctx = Context.withCancel(Context.background());
            Context child = Context.withValue(Context.withCancel(ctx), "k", 1);
            Chan<Integer> never = Chan.make();
            CountDownLatch woke = new CountDownLatch(n);
            AtomicInteger wrong = new AtomicInteger();
            List<Thread> waiters = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int id = i;
                waiters.add(rt.go(() -> {
                    Context c = id % 2 == 0 ? ctx : child;
                    if (id % 3 == 0) {
                        if (c.done().recv() != null) {
                            wrong.incrementAndGet();
                        }
                    } else {
                        AtomicReference<String> which = new AtomicReference<>();
                        Select.builder()
                                .recv(never, v -> which.set("never"))
                                .recv(c.done(), v -> which.set(v == null ? "done" : "value " + v))
                                .run();
                        if (!"done".equals(which.get())) {
                            wrong.incrementAndGet();
                        }
                    }
                    if (c.err() != Context.CANCELED) {
                        wrong.incrementAndGet();
                    }
                    woke.countDown();
                }));
            }
            try {
                for (Thread t : waiters) {
                    Await.state(t, Duration.ofSeconds(10), "every goroutine is blocked on done()", Thread.State.WAITING);
                }
                assertEquals(n, woke.getCount(), "no goroutine may pass done() before cancel");

                ctx.cancel();

                assertTrue(woke.await(10, SECONDS), "goroutines still blocked on done(): " + woke.getCount());
                assertEquals(0, wrong.get(), "every waiter must see done closed (null) and err CANCELED");
            } finally {
                ctx.cancel();
                if (woke.getCount() > 0) {
                    waiters.forEach(Thread::interrupt); // a failed test must still let close() end
                }
            }
        }
    }

    // ---------------------------------------------------------------- arguments

    @Test
    void nullArgumentsThrowNullPointerExceptionNamingTheArgument() {
        Context bg = Context.background();
        assertMessage("parent", assertThrows(NullPointerException.class, () -> Context.withCancel(null)));
        assertMessage("parent", assertThrows(NullPointerException.class,
                () -> Context.withDeadline(null, Instant.now())));
        assertMessage("deadline", assertThrows(NullPointerException.class, () -> Context.withDeadline(bg, null)));
        assertMessage("parent", assertThrows(NullPointerException.class,
                () -> Context.withTimeout(null, Duration.ofSeconds(1))));
        assertMessage("timeout", assertThrows(NullPointerException.class, () -> Context.withTimeout(bg, null)));
        assertMessage("parent", assertThrows(NullPointerException.class, () -> Context.withValue(null, "k", 1)));
        assertMessage("key", assertThrows(NullPointerException.class, () -> Context.withValue(bg, null, 1)));
    }

    private static void assertMessage(String expected, NullPointerException e) {
        assertTrue(e.getMessage() != null && e.getMessage().contains(expected),
                "message must name '" + expected + "': " + e.getMessage());
    }
}
