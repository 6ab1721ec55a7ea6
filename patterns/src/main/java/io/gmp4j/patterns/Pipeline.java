package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.GoRuntime;

import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

/**
 * Go's pipeline: stages connected by channels, each stage one goroutine (or N for a parallel
 * stage), each closing its output when its input ends.
 *
 * <pre>{@code
 * Pipeline<Integer> squares = Pipeline.from(ctx, List.of(1, 2, 3, 4))   // gen
 *         .map(x -> x * x);                                            // sq
 * for (int v : squares.out()) System.out.println(v);
 * squares.await();                          // throws ExecutionException if a stage failed
 * }</pre>
 *
 * <p>Channels: every stage's output is unbuffered unless the stage is given a {@code buffer}
 * ({@link #from(Context, int, Iterable)}, {@link #of(Context, int, Chan)},
 * {@link #map(int, int, Stage)}, {@link #filter(int, Predicate)}; Go's
 * {@code out := make(chan T, buffer)}), which lets the stage run ahead of the next one.
 *
 * <p>Stopping: every stage waits on its input <em>and</em> the pipeline's context, which is
 * derived from the one given to {@link #from}/{@link #of}, and looks at that context before
 * every element it takes and every send. Cancelling the context, or a stage throwing (the first
 * failure cancels the derived context, as {@link ErrGroup} does), stops every stage at its next
 * step, blocked or not (a stage that never has to wait takes and sends nothing more), and closes
 * every channel: no goroutine is left behind. A consumer
 * that stops reading {@link #out()} early should cancel its context (or call {@link #cancel()}).
 * {@link #await()} waits for every stage and reports the first failure.
 *
 * <p>Stages run as goroutines of one runtime: the one given to {@link #from(GoRuntime, Context, Iterable)}
 * or {@link #of(GoRuntime, Context, Chan)}, else the caller's runtime when the pipeline is made
 * ({@link GoRuntime#forCaller()}), whichever thread adds later stages. Each {@code map}/{@code filter} returns
 * a new pipeline object for the next stage; use each one once.
 *
 * @param <T> the element type of this stage's output
 */
public final class Pipeline<T> {

    /**
     * One stage's work on one element.
     *
     * @param <T> input type
     * @param <R> output type
     */
    @FunctionalInterface
    public interface Stage<T, R> {
        /**
         * Transforms one element.
         *
         * @param value the input
         * @return the output, not null (null marks a closed channel)
         * @throws Exception a failure, which stops the whole pipeline
         */
        R apply(T value) throws Exception;
    }

    private final ErrGroup group;
    private final Chan<T> out;

    private Pipeline(ErrGroup group, Chan<T> out) {
        this.group = group;
        this.out = out;
    }

    /**
     * A pipeline whose first stage sends the elements of {@code source} (Go's {@code gen}).
     *
     * @param ctx    cancels the pipeline
     * @param source the elements, not null
     * @param <T>    element type
     * @return the first stage
     * @throws IllegalStateException if called outside a goroutine while several runtimes are open
     */
    public static <T> Pipeline<T> from(Context ctx, Iterable<? extends T> source) {
        return from(GoRuntime.forCaller(), ctx, source);
    }

    /**
     * As {@link #from(Context, Iterable)}, with every stage on {@code rt}.
     *
     * @param rt     the runtime the stages run on
     * @param ctx    cancels the pipeline
     * @param source the elements, not null
     * @param <T>    element type
     * @return the first stage
     * @throws java.util.concurrent.RejectedExecutionException if {@code rt} is closed
     */
    public static <T> Pipeline<T> from(GoRuntime rt, Context ctx, Iterable<? extends T> source) {
        return from(rt, ctx, 0, source);
    }

    /**
     * As {@link #from(Context, Iterable)}, with a first-stage output of capacity {@code buffer}
     * (Go's {@code out := make(chan T, buffer)} in {@code gen}).
     *
     * @param ctx    cancels the pipeline
     * @param buffer the capacity of the first stage's output channel, at least 0 (0: unbuffered)
     * @param source the elements, not null
     * @param <T>    element type
     * @return the first stage
     * @throws IllegalArgumentException if {@code buffer < 0}
     * @throws IllegalStateException    if called outside a goroutine while several runtimes are open
     */
    public static <T> Pipeline<T> from(Context ctx, int buffer, Iterable<? extends T> source) {
        return from(GoRuntime.forCaller(), ctx, buffer, source);
    }

    /**
     * As {@link #from(Context, int, Iterable)}, with every stage on {@code rt}.
     *
     * @param rt     the runtime the stages run on
     * @param ctx    cancels the pipeline
     * @param buffer the capacity of the first stage's output channel, at least 0 (0: unbuffered)
     * @param source the elements, not null
     * @param <T>    element type
     * @return the first stage
     * @throws IllegalArgumentException if {@code buffer < 0}
     * @throws java.util.concurrent.RejectedExecutionException if {@code rt} is closed
     */
    public static <T> Pipeline<T> from(GoRuntime rt, Context ctx, int buffer, Iterable<? extends T> source) {
        Objects.requireNonNull(rt, "rt");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(ctx, "ctx");
        Chan<T> out = Chan.make(Chans.checkBuffer(buffer, "the first stage's output channel"));
        ErrGroup g = ErrGroup.withContext(rt, ctx);
        Context c = g.context();
        g.go(() -> {
            try {
                Chans steps = new Chans(c);
                for (Iterator<? extends T> it = source.iterator(); !steps.ended() && it.hasNext(); ) {
                    if (!steps.send(out, Objects.requireNonNull(it.next(), "source element is null"))) {
                        return;
                    }
                }
            } finally {
                out.close();
            }
        });
        return new Pipeline<>(g, out);
    }

    /**
     * A pipeline that starts from an existing channel (its producer closes it when done).
     *
     * @param ctx cancels the pipeline
     * @param in  the input channel
     * @param <T> element type
     * @return a pipeline whose {@link #out()} is fed from {@code in}
     * @throws IllegalStateException if called outside a goroutine while several runtimes are open
     */
    public static <T> Pipeline<T> of(Context ctx, Chan<? extends T> in) {
        return of(GoRuntime.forCaller(), ctx, in);
    }

    /**
     * As {@link #of(Context, Chan)}, with every stage on {@code rt}.
     *
     * @param rt  the runtime the stages run on
     * @param ctx cancels the pipeline
     * @param in  the input channel
     * @param <T> element type
     * @return a pipeline whose {@link #out()} is fed from {@code in}
     * @throws java.util.concurrent.RejectedExecutionException if {@code rt} is closed
     */
    public static <T> Pipeline<T> of(GoRuntime rt, Context ctx, Chan<? extends T> in) {
        return of(rt, ctx, 0, in);
    }

    /**
     * As {@link #of(Context, Chan)}, with a first-stage output of capacity {@code buffer}.
     *
     * @param ctx    cancels the pipeline
     * @param buffer the capacity of the first stage's output channel, at least 0 (0: unbuffered)
     * @param in     the input channel
     * @param <T>    element type
     * @return a pipeline whose {@link #out()} is fed from {@code in}
     * @throws IllegalArgumentException if {@code buffer < 0}
     * @throws IllegalStateException    if called outside a goroutine while several runtimes are open
     */
    public static <T> Pipeline<T> of(Context ctx, int buffer, Chan<? extends T> in) {
        return of(GoRuntime.forCaller(), ctx, buffer, in);
    }

    /**
     * As {@link #of(Context, int, Chan)}, with every stage on {@code rt}.
     *
     * @param rt     the runtime the stages run on
     * @param ctx    cancels the pipeline
     * @param buffer the capacity of the first stage's output channel, at least 0 (0: unbuffered)
     * @param in     the input channel
     * @param <T>    element type
     * @return a pipeline whose {@link #out()} is fed from {@code in}
     * @throws IllegalArgumentException if {@code buffer < 0}
     * @throws java.util.concurrent.RejectedExecutionException if {@code rt} is closed
     */
    public static <T> Pipeline<T> of(GoRuntime rt, Context ctx, int buffer, Chan<? extends T> in) {
        Objects.requireNonNull(rt, "rt");
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(ctx, "ctx");
        Chan<T> out = Chan.make(Chans.checkBuffer(buffer, "the first stage's output channel"));
        ErrGroup g = ErrGroup.withContext(rt, ctx);
        Context c = g.context();
        g.go(() -> {
            try {
                Chans steps = new Chans(c);
                T v;
                while ((v = steps.recv(in)) != null) {
                    if (!steps.send(out, v)) {
                        return;
                    }
                }
            } finally {
                out.close();
            }
        });
        return new Pipeline<>(g, out);
    }

    /**
     * Adds a stage of one goroutine applying {@code fn} to every element, in order.
     *
     * @param fn  the stage's work
     * @param <R> output type
     * @return the next stage
     */
    public <R> Pipeline<R> map(Stage<? super T, ? extends R> fn) {
        return map(1, fn);
    }

    /**
     * Adds a parallel stage: {@code workers} goroutines apply {@code fn} (Go's fan-out and
     * fan-in within one stage); the output order is not kept.
     *
     * @param workers how many goroutines, at least 1
     * @param fn      the stage's work
     * @param <R>     output type
     * @return the next stage
     * @throws IllegalArgumentException if {@code workers < 1}
     */
    public <R> Pipeline<R> map(int workers, Stage<? super T, ? extends R> fn) {
        return map(workers, 0, fn);
    }

    /**
     * As {@link #map(int, Stage)}, with a stage output of capacity {@code buffer} (Go's
     * {@code out := make(chan R, buffer)}): the stage's goroutines can go on while the next
     * stage is busy, and the next stage takes elements in batches. What passes, and how the
     * pipeline stops, are the same as unbuffered; a cancelled pipeline drops what is buffered.
     *
     * @param workers how many goroutines, at least 1
     * @param buffer  the capacity of the stage's output channel, at least 0 (0: unbuffered)
     * @param fn      the stage's work
     * @param <R>     output type
     * @return the next stage
     * @throws IllegalArgumentException if {@code workers < 1} or {@code buffer < 0}
     */
    public <R> Pipeline<R> map(int workers, int buffer, Stage<? super T, ? extends R> fn) {
        Objects.requireNonNull(fn, "fn");
        return stage(workers, buffer, v -> Objects.requireNonNull(fn.apply(v),
                "a pipeline stage returned null (null marks a closed channel)"));
    }

    /**
     * Adds a stage of one goroutine that passes on the elements {@code keep} accepts.
     *
     * @param keep the test
     * @return the next stage
     */
    public Pipeline<T> filter(Predicate<? super T> keep) {
        return filter(0, keep);
    }

    /**
     * As {@link #filter(Predicate)}, with a stage output of capacity {@code buffer}.
     *
     * @param buffer the capacity of the stage's output channel, at least 0 (0: unbuffered)
     * @param keep   the test
     * @return the next stage
     * @throws IllegalArgumentException if {@code buffer < 0}
     */
    public Pipeline<T> filter(int buffer, Predicate<? super T> keep) {
        Objects.requireNonNull(keep, "keep");
        return stage(1, buffer, v -> keep.test(v) ? v : null);
    }

    /** fn returns null to drop an element. */
    private <R> Pipeline<R> stage(int workers, int buffer, Stage<? super T, ? extends R> fn) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers: " + workers + " (expected: >= 1)");
        }
        Chan<T> in = out;
        Chan<R> next = Chan.make(Chans.checkBuffer(buffer, "the stage's output channel"));
        Context c = group.context();
        WaitGroup wg = new WaitGroup();
        wg.add(workers);
        for (int i = 0; i < workers; i++) {
            group.go(() -> {
                try {
                    Chans steps = new Chans(c);
                    T v;
                    while ((v = steps.recv(in)) != null) {
                        R r = fn.apply(v);
                        if (r != null && !steps.send(next, r)) {
                            return;
                        }
                    }
                } finally {
                    wg.done();
                }
            });
        }
        group.go(() -> {
            wg.await();
            next.close();
        });
        return new Pipeline<>(group, next);
    }

    /** {@return the last stage's output; closes when the pipeline ends, is cancelled or fails} */
    public Chan<T> out() {
        return out;
    }

    /** {@return the pipeline's context: cancelled on the first failure, by {@link #cancel()}, or with its parent} */
    public Context context() {
        return group.context();
    }

    /** Stops every stage and closes every channel. */
    public void cancel() {
        group.context().cancel();
    }

    /**
     * Waits for every stage to end.
     *
     * @throws ExecutionException if a stage failed; its cause is the first failure
     */
    public void await() throws ExecutionException {
        group.await();
    }
}
