package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.Select;

/** The two context-aware channel steps every pattern's goroutines are made of. */
final class Chans {
    private Chans() {}

    /** Receives from {@code in}; null when {@code in} is closed and drained, or {@code ctx} is done. */
    static <T> T recv(Context ctx, Chan<? extends T> in) {
        Object[] got = new Object[1];
        Select.builder().recv(in, v -> got[0] = v).recv(ctx.done(), x -> {}).run();
        @SuppressWarnings("unchecked")
        T v = (T) got[0];
        return v;
    }

    /** Sends {@code v}; false when {@code ctx} is done first (nothing sent). */
    static <T> boolean send(Context ctx, Chan<T> out, T v) {
        return Select.builder().send(out, v, () -> {}).recv(ctx.done(), x -> {}).run() == 0;
    }
}
