package io.gmp4j.runtime;

import io.gmp4j.runtime.spi.WaitReason;
import io.gmp4j.tck.fixtures.Await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Shared helpers of the channel and select tests: waiting (bounded, never sleeping) until a
 * thread is parked in a channel operation, and a runtime scope that runs goroutines whose
 * results and exceptions the test thread can collect.
 */
final class Blocking {
    /** How long any single wait of a test may take before the test fails. */
    static final long WAIT_SECONDS = 10;
    private static final Duration WAIT = Duration.ofSeconds(WAIT_SECONDS);

    private Blocking() {}

    /** The GoRuntime most tests use: two processors on the given scheduler. */
    static Scope scope(String scheduler) {
        return new Scope(GoRuntime.builder().maxProcs(2).scheduler(scheduler).build());
    }

    /** A two-processor gmp runtime. */
    static Scope scope() {
        return scope("gmp");
    }

    /**
     * Waits, polling for at most 10 s, until {@code t} is parked (WAITING) with a park blocker,
     * whatever the reason.
     */
    static void awaitBlocked(Thread t) {
        awaitBlocked(t, null);
    }

    /**
     * Waits, polling for at most 10 s, until {@code t} is parked (WAITING) with a
     * {@link WaitReason} blocker whose reason is {@code reason} (any blocker if null). Fails at
     * once if the thread ends instead.
     */
    static void awaitBlocked(Thread t, String reason) {
        String in = reason == null ? "" : " in '" + reason + "'";
        boolean[] blocked = {false};
        Await.until(() -> (blocked[0] = isBlocked(t, reason)) || t.getState() == Thread.State.TERMINATED, WAIT,
                () -> t + " is blocked" + in + "; state " + t.getState() + ", blocker " + LockSupport.getBlocker(t));
        if (!blocked[0]) {
            fail(t + " ended instead of blocking" + in);
        }
    }

    /** Whether {@code t} is parked (WAITING) with a blocker, of the wait reason {@code reason} unless null. */
    private static boolean isBlocked(Thread t, String reason) {
        Object blocker = LockSupport.getBlocker(t);
        return t.getState() == Thread.State.WAITING && blocker != null
                && (reason == null || blocker instanceof WaitReason w && w.reason().equals(reason));
    }

    /** Starts a platform thread running body; its outcome goes to the returned handle. */
    static <T> Task<T> platform(Callable<T> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().daemon().unstarted(() -> complete(result, body));
        t.start();
        return new Task<>(t, result);
    }

    /** Starts a platform thread running body. */
    static Task<Void> platformRun(ThrowingRunnable body) {
        return platform(() -> {
            body.run();
            return null;
        });
    }

    private static <T> void complete(CompletableFuture<T> result, Callable<T> body) {
        try {
            result.complete(body.call());
        } catch (Throwable e) {
            result.completeExceptionally(e);
        }
    }

    /** Like Runnable, but may throw anything (assertion errors included). */
    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** A goroutine or thread started by a test, with its outcome. */
    record Task<T>(Thread thread, CompletableFuture<T> result) {
        /** Its result, waiting at most 10 s; its exception (assertion errors included) is rethrown. */
        T get() throws Exception {
            return get(WAIT_SECONDS);
        }

        /** Its result, waiting at most {@code seconds}; its exception (assertion errors included) is rethrown. */
        T get(long seconds) throws Exception {
            return Await.result(result, Duration.ofSeconds(seconds), thread.toString());
        }

        /** Waits (at most 10 s) for it to fail and returns the exception, which must be of type {@code type}. */
        <X extends Throwable> X failure(Class<X> type) throws Exception {
            try {
                T v = result.get(WAIT_SECONDS, SECONDS);
                throw new AssertionError(thread + " returned " + v + " instead of throwing " + type.getSimpleName());
            } catch (ExecutionException e) {
                return assertInstanceOf(type, e.getCause(), "wrong exception from " + thread);
            } catch (TimeoutException e) {
                throw new AssertionError(thread + " did not finish within " + WAIT_SECONDS + " s", e);
            }
        }

        boolean isDone() {
            return result.isDone();
        }
    }

    /**
     * A GoRuntime for one test. Goroutines started through it report their outcome as a
     * {@link Task}. On close, it waits (bounded) for them to end; any still running — a test
     * that failed half way, or a goroutine left blocked — is interrupted, so that closing the
     * runtime cannot hang, and the close then fails the test.
     */
    static final class Scope implements AutoCloseable {
        final GoRuntime rt;
        private final List<Thread> started = new CopyOnWriteArrayList<>();

        Scope(GoRuntime rt) {
            this.rt = rt;
        }

        /** Starts a goroutine computing a value. */
        <T> Task<T> call(Callable<T> body) {
            CompletableFuture<T> result = new CompletableFuture<>();
            Thread t = rt.go(() -> complete(result, body));
            started.add(t);
            return new Task<>(t, result);
        }

        /** Starts a goroutine. */
        Task<Void> go(ThrowingRunnable body) {
            return call(() -> {
                body.run();
                return null;
            });
        }

        /** Runs body in a goroutine and returns its value (waiting at most 10 s). */
        <T> T inGoroutine(Callable<T> body) throws Exception {
            return call(body).get();
        }

        @Override
        public void close() {
            boolean interrupted = false;
            long deadline = System.nanoTime() + SECONDS.toNanos(WAIT_SECONDS);
            List<Thread> leftovers = new ArrayList<>();
            for (Thread t : started) {
                long left = deadline - System.nanoTime();
                try {
                    if (left <= 0 || !t.join(Duration.ofNanos(Math.max(1, left)))) {
                        leftovers.add(t);
                    }
                } catch (InterruptedException e) {
                    interrupted = true; // the test timed out: stop waiting politely
                    deadline = System.nanoTime();
                    leftovers.add(t);
                }
            }
            for (Thread t : leftovers) {
                t.interrupt();
            }
            boolean stuck = false;
            for (Thread t : leftovers) {
                try {
                    if (!t.join(Duration.ofSeconds(WAIT_SECONDS))) {
                        stuck = true;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                    stuck = stuck || t.isAlive();
                }
            }
            if (!stuck) {
                rt.close();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (!leftovers.isEmpty()) {
                throw new AssertionError(leftovers.size() + " goroutine(s) still running at the end of the test"
                        + (stuck ? " and deaf to interrupts (runtime left open)" : " (interrupted)") + ": " + leftovers);
            }
        }
    }
}
