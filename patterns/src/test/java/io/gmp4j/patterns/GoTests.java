package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.runtime.Select;
import io.gmp4j.tck.fixtures.Await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Test support for the x/sync ports: runs a test body as a goroutine of a fresh runtime, checks
 * that every goroutine it started has ended (Go's goroutine-leak check) and bounds every wait.
 */
final class GoTests {
    private GoTests() {}

    /** How long a bounded poll waits before giving up. */
    static final long POLL_SECONDS = 10;

    /** {@link #POLL_SECONDS} as a duration, for {@link Await}. */
    static final Duration POLL = Duration.ofSeconds(POLL_SECONDS);

    /** A test body: may throw anything, as a Go test may fail anywhere. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    /** {@link #inGoroutine(Thread.UncaughtExceptionHandler, Body)} without a handler. */
    static void inGoroutine(Body body) throws Exception {
        inGoroutine(null, body);
    }

    /**
     * Runs {@code body} in a goroutine of a new {@code maxProcs(2)} runtime (so {@code Go.go}
     * inside it spawns on that runtime), rethrows what it threw, checks that the runtime's
     * goroutine count drops back to 0 (every goroutine the body started has ended), and closes
     * the runtime. On a leak the runtime is left open (closing it would hang) and the test fails
     * with a goroutine dump.
     */
    static void inGoroutine(Thread.UncaughtExceptionHandler handler, Body body) throws Exception {
        GoRuntime.Builder b = GoRuntime.builder().maxProcs(2);
        if (handler != null) {
            b.uncaughtExceptionHandler(handler);
        }
        GoRuntime rt = b.build();
        CompletableFuture<Void> result = new CompletableFuture<>();
        rt.go(() -> {
            try {
                body.run();
                result.complete(null);
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        Throwable failure = null;
        try {
            result.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            failure = e.getCause();
        } catch (TimeoutException e) {
            failure = new AssertionError("test body did not finish within 30 s\n" + dump(rt));
        }
        if (!Await.holds(() -> rt.numGoroutine() == 0, POLL)) {
            AssertionError leak = new AssertionError("goroutine leak: " + rt.numGoroutine()
                    + " goroutine(s) still alive " + POLL_SECONDS + " s after the test body ended\n" + dump(rt));
            if (failure != null) {
                failure.addSuppressed(leak);
                throw rethrow(failure);
            }
            throw leak;
        }
        rt.close();
        if (failure != null) {
            throw rethrow(failure);
        }
    }

    private static String dump(GoRuntime rt) {
        StringBuilder sb = new StringBuilder();
        try {
            rt.dumpGoroutines(sb);
        } catch (RuntimeException e) {
            sb.append("(dump failed: ").append(e).append(')');
        }
        return sb.toString();
    }

    private static Exception rethrow(Throwable t) {
        if (t instanceof Exception e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new RuntimeException(t);
    }

    /**
     * How many goroutines of {@code rt} a dump shows parked with wait reason {@code reason}
     * ({@code "select"}, {@code "chan send"}, ...) and a frame containing {@code frame}
     * ({@code "FanOut.work"}): a goroutine known to be blocked in that step, not about to be.
     */
    static int parkedIn(GoRuntime rt, String reason, String frame) {
        StringBuilder sb = new StringBuilder();
        rt.dumpGoroutines(sb);
        int n = 0;
        for (String g : sb.toString().split("\n\n")) {
            if ((g.contains(" [" + reason + ",") || g.contains(" [" + reason + "]")) && g.contains(frame)) {
                n++;
            }
        }
        return n;
    }

    /** Whether {@code t} is parked (a goroutine blocked in a channel operation, lock or select). */
    static boolean isBlocked(Thread t) {
        Thread.State s = t.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
    }

    /**
     * Receives from {@code ch}, failing if nothing arrives within {@code d}: Go's
     * {@code select { case v := <-ch: … case <-time.After(d): t.Fatal(…) }}.
     */
    static <T> T recvWithin(Chan<T> ch, Duration d, String what) {
        Context timeout = Context.withTimeout(Context.background(), d);
        try {
            List<T> got = new ArrayList<>(1);
            int taken = Select.builder().recv(ch, got::add).recv(timeout.done(), v -> {}).run();
            assertEquals(0, taken, what + ": nothing received within " + d);
            return got.get(0);
        } finally {
            timeout.cancel();
        }
    }

    /**
     * Whether {@code ch} is closed and drained: a non-blocking receive fires with null (Go's
     * {@code ok == false}). Consumes a buffered value if there is one.
     */
    static <T> boolean isClosedAndDrained(Chan<T> ch) {
        boolean[] gotNull = {false};
        int taken = Select.builder().recv(ch, v -> gotNull[0] = v == null).orElse(() -> {}).run();
        return taken == 0 && gotNull[0];
    }

    /**
     * Whether a receive on {@code ch} would block: Go's {@code select { case <-ch: … default: }}
     * takes default. Consumes a buffered value if there is one (use on done channels).
     */
    static boolean wouldBlock(Chan<?> ch) {
        return Select.builder().recv(ch, v -> {}).orElse(() -> {}).run() == 1;
    }
}
