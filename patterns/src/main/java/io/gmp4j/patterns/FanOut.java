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
 * context ends. A worker looks at the context before every receive and send and waits on it
 * whenever it waits on a channel, so once the context has ended it takes no further value and
 * sends none, whether it was blocked or never had to wait: no goroutine is left behind. A
 * function that throws ends its worker's output early and the exception goes to the goroutine's
 * uncaught-exception handler; use {@link ErrGroup} when failures must be reported.
 *
 * <p>Outputs are unbuffered unless a {@code buffer} is given (Go's {@code make(chan R, buffer)}
 * in each worker): a buffer lets a worker run ahead of its reader, which is what makes a
 * fan-out of cheap items fast, as with {@link FanIn#merge(Context, int, List)}.
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
        return distribute(rt, ctx, in, workers, 0, fn);
    }

    /**
     * As {@link #distribute(Context, Chan, int, Function)}, with output channels of capacity
     * {@code buffer}: Go's {@code out := make(chan R, buffer)} in each worker. A buffer lets a
     * worker go on computing while its reader is busy, and lets the reader take results in
     * batches; the values, their order per output and every way of stopping are the same as
     * unbuffered.
     *
     * @param ctx     cancels the workers
     * @param in      the shared input
     * @param workers how many, at least 1
     * @param buffer  the capacity of each output channel, at least 0 (0: unbuffered)
     * @param fn      the work per value; must not return null (null marks a closed channel)
     * @param <T>     input type
     * @param <R>     output type
     * @return the output channels, one per worker
     * @throws IllegalArgumentException if {@code workers < 1} or {@code buffer < 0}
     * @throws IllegalStateException    if called outside a goroutine while several runtimes are open
     */
    public static <T, R> List<Chan<R>> distribute(Context ctx, Chan<? extends T> in, int workers, int buffer,
                                                  Function<? super T, ? extends R> fn) {
        return distribute(null, ctx, in, workers, buffer, fn);
    }

    /**
     * As {@link #distribute(Context, Chan, int, int, Function)}, with the workers on {@code rt}.
     *
     * @param rt      the runtime the workers run on; null for the caller's runtime
     * @param ctx     cancels the workers
     * @param in      the shared input
     * @param workers how many, at least 1
     * @param buffer  the capacity of each output channel, at least 0 (0: unbuffered)
     * @param fn      the work per value; must not return null (null marks a closed channel)
     * @param <T>     input type
     * @param <R>     output type
     * @return the output channels, one per worker
     * @throws IllegalArgumentException if {@code workers < 1} or {@code buffer < 0}
     * @throws java.util.concurrent.RejectedExecutionException if {@code rt} is closed
     */
    public static <T, R> List<Chan<R>> distribute(GoRuntime rt, Context ctx, Chan<? extends T> in, int workers,
                                                  int buffer, Function<? super T, ? extends R> fn) {
        Objects.requireNonNull(ctx, "ctx");
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(fn, "fn");
        if (workers < 1) {
            throw new IllegalArgumentException("workers: " + workers + " (expected: >= 1)");
        }
        Chans.checkBuffer(buffer, "each output channel");
        GoRuntime on = rt != null ? rt : GoRuntime.forCaller();
        List<Chan<R>> outs = new ArrayList<>(workers);
        for (int i = 0; i < workers; i++) {
            Chan<R> out = Chan.make(buffer);
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
        Chans steps = new Chans(ctx);
        T v;
        while ((v = steps.recv(in)) != null) {
            R r = Objects.requireNonNull(fn.apply(v), "fn returned null (null marks a closed channel)");
            if (!steps.send(out, r)) {
                return;
            }
        }
    }
}
