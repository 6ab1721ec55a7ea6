package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.GoRuntime;

import java.util.List;
import java.util.Objects;

/**
 * Go's fan-in ("merge"): many channels into one. One goroutine per input forwards its values;
 * the output closes when every input has closed, or when the context ends (then the forwarders
 * stop at their next step and no goroutine is left behind).
 *
 * <pre>{@code
 * Chan<Result> all = FanIn.merge(ctx, List.of(a, b, c));
 * for (Result r : all) { ... }     // ends when a, b and c are closed, or ctx is done
 * }</pre>
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
        Objects.requireNonNull(ctx, "ctx");
        List<? extends Chan<? extends T>> ins = List.copyOf(inputs);
        GoRuntime on = rt != null ? rt : GoRuntime.forCaller();
        Chan<T> out = Chan.make();
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
        T v;
        while ((v = Chans.recv(ctx, in)) != null) {
            if (!Chans.send(ctx, out, v)) {
                return;
            }
        }
    }
}
