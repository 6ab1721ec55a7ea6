package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.GoRuntime;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Go's fan-out: several worker goroutines read one channel, each writing what it makes to its
 * own output channel; {@link FanIn#merge} joins the outputs again.
 *
 * <pre>{@code
 * List<Chan<Integer>> outs = FanOut.distribute(ctx, jobs, 3, x -> x * x);
 * for (int sq : FanIn.merge(ctx, outs)) { ... }
 * }</pre>
 *
 * <p>Each output closes when the input has closed and its worker has finished, or when the
 * context ends (the worker stops at its next step: no goroutine is left behind). A function
 * that throws ends its worker's output early and the exception goes to the goroutine's
 * uncaught-exception handler; use {@link ErrGroup} when failures must be reported.
 */
public final class FanOut {
    private FanOut() {}

    /**
     * Starts {@code workers} goroutines that read {@code in} and write {@code fn}'s results,
     * each to its own unbuffered output channel. They run on the caller's runtime
     * ({@link GoRuntime#forCaller()}); the overload with a {@link GoRuntime} names it.
     *
     * @param ctx     cancels the workers
     * @param in      the shared input
     * @param workers how many, at least 1
     * @param fn      the work per value; must not return null (null marks a closed channel)
     * @param <T>     input type
     * @param <R>     output type
     * @return the output channels, one per worker
     * @throws IllegalArgumentException if {@code workers < 1}
     * @throws IllegalStateException    if called outside a goroutine while several runtimes are open
     */
    public static <T, R> List<Chan<R>> distribute(Context ctx, Chan<? extends T> in, int workers,
                                                  Function<? super T, ? extends R> fn) {
        return distribute(null, ctx, in, workers, fn);
    }

    /**
     * As {@link #distribute(Context, Chan, int, Function)}, with the workers on {@code rt}.
     *
     * @param rt      the runtime the workers run on
     * @param ctx     cancels the workers
     * @param in      the shared input
     * @param workers how many, at least 1
     * @param fn      the work per value; must not return null (null marks a closed channel)
     * @param <T>     input type
     * @param <R>     output type
     * @return the output channels, one per worker
     * @throws IllegalArgumentException if {@code workers < 1}
     * @throws java.util.concurrent.RejectedExecutionException if {@code rt} is closed
     */
    public static <T, R> List<Chan<R>> distribute(GoRuntime rt, Context ctx, Chan<? extends T> in, int workers,
                                                  Function<? super T, ? extends R> fn) {
        Objects.requireNonNull(ctx, "ctx");
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(fn, "fn");
        if (workers < 1) {
            throw new IllegalArgumentException("workers: " + workers + " (expected: >= 1)");
        }
        GoRuntime on = rt != null ? rt : GoRuntime.forCaller();
        List<Chan<R>> outs = new ArrayList<>(workers);
        for (int i = 0; i < workers; i++) {
            Chan<R> out = Chan.make();
            outs.add(out);
            on.go(() -> {
                try {
                    work(ctx, in, out, fn);
                } finally {
                    out.close();
                }
            });
        }
        return List.copyOf(outs);
    }

    private static <T, R> void work(Context ctx, Chan<? extends T> in, Chan<R> out, Function<? super T, ? extends R> fn) {
        T v;
        while ((v = Chans.recv(ctx, in)) != null) {
            R r = Objects.requireNonNull(fn.apply(v), "fn returned null (null marks a closed channel)");
            if (!Chans.send(ctx, out, r)) {
                return;
            }
        }
    }
}
