package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.GoRuntime;

import java.util.List;
import java.util.Objects;

/**
 * Go's fan-in ("merge"): many channels into one. One goroutine per input forwards its values;
 * the output closes when every input has closed, or when the context ends. A forwarder looks at
 * the context before every receive and send and waits on it whenever it waits on a channel, so
 * once the context has ended it takes no further value and sends none, whether it was blocked
 * or never had to wait: no goroutine is left behind.
 *
 * <pre>{@code
 * Chan<Result> all = FanIn.merge(ctx, List.of(a, b, c));
 * for (Result r : all) { ... }     // ends when a, b and c are closed, or ctx is done
 * }</pre>
 *
 * <p>The merged channel is unbuffered unless a {@code buffer} is given
 * ({@link #merge(Context, int, List)}): a buffer lets the forwarders run ahead of the reader.
 */
public final class FanIn {
    private FanIn() {}

    /**
     * Merges {@code inputs} into one unbuffered channel, started in goroutines of the caller's
     * runtime.
     *
     * @param ctx    cancels the merge: the output closes and the forwarders end
     * @param inputs the channels to merge; values of one input keep their order
     * @param <T>    the element type
     * @return the merged channel; it closes when all inputs have closed or {@code ctx} is done
     * @throws IllegalStateException if called outside a goroutine while several runtimes are open
     */
    public static <T> Chan<T> merge(Context ctx, List<? extends Chan<? extends T>> inputs) {
        return merge(null, ctx, inputs);
    }

    /**
     * As {@link #merge(Context, List)}, with the forwarding goroutines on {@code rt}.
     *
     * @param rt     the runtime the forwarders run on
     * @param ctx    cancels the merge: the output closes and the forwarders end
     * @param inputs the channels to merge; values of one input keep their order
     * @param <T>    the element type
     * @return the merged channel; it closes when all inputs have closed or {@code ctx} is done
     * @throws java.util.concurrent.RejectedExecutionException if {@code rt} is closed
     */
    public static <T> Chan<T> merge(GoRuntime rt, Context ctx, List<? extends Chan<? extends T>> inputs) {
        return merge(rt, ctx, 0, inputs);
    }

    /**
     * As {@link #merge(Context, List)}, into a channel of capacity {@code buffer}: Go's
     * {@code out := make(chan T, buffer)}. A buffer lets the forwarders go on while the reader is
     * busy and lets the reader take values in batches; which values arrive, their order per
     * input and every way of stopping are the same as unbuffered.
     *
     * @param ctx    cancels the merge: the output closes and the forwarders end
     * @param buffer the capacity of the merged channel, at least 0 (0: unbuffered)
     * @param inputs the channels to merge; values of one input keep their order
     * @param <T>    the element type
     * @return the merged channel; it closes when all inputs have closed or {@code ctx} is done
     * @throws IllegalArgumentException if {@code buffer < 0}
     * @throws IllegalStateException    if called outside a goroutine while several runtimes are open
     */
    public static <T> Chan<T> merge(Context ctx, int buffer, List<? extends Chan<? extends T>> inputs) {
        return merge(null, ctx, buffer, inputs);
    }

    /**
     * As {@link #merge(Context, int, List)}, with the forwarding goroutines on {@code rt}.
     *
     * @param rt     the runtime the forwarders run on; null for the caller's runtime
     * @param ctx    cancels the merge: the output closes and the forwarders end
     * @param buffer the capacity of the merged channel, at least 0 (0: unbuffered)
     * @param inputs the channels to merge; values of one input keep their order
     * @param <T>    the element type
     * @return the merged channel; it closes when all inputs have closed or {@code ctx} is done
     * @throws IllegalArgumentException if {@code buffer < 0}
     * @throws java.util.concurrent.RejectedExecutionException if {@code rt} is closed
     */
    public static <T> Chan<T> merge(GoRuntime rt, Context ctx, int buffer, List<? extends Chan<? extends T>> inputs) {
        Objects.requireNonNull(ctx, "ctx");
        Chans.checkBuffer(buffer, "the merged channel");
        List<? extends Chan<? extends T>> ins = List.copyOf(inputs);
        GoRuntime on = rt != null ? rt : GoRuntime.forCaller();
        Chan<T> out = Chan.make(buffer);
        WaitGroup wg = new WaitGroup();
        wg.add(ins.size());
        for (Chan<? extends T> in : ins) {
            on.go(() -> {
                try {
                    forward(ctx, in, out);
                } finally {
                    wg.done();
                }
            });
        }
        on.go(() -> {
            wg.await();
            out.close();
        });
        return out;
    }

    /** Copies in to out until in closes or ctx ends. */
    static <T> void forward(Context ctx, Chan<? extends T> in, Chan<T> out) {
        Chans steps = new Chans(ctx);
        T v;
        while ((v = steps.recv(in)) != null) {
            if (!steps.send(out, v)) {
                return;
            }
        }
    }
}
