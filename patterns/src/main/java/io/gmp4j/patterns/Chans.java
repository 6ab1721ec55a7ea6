package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.Select;

import java.util.function.Consumer;

/**
 * The two context-aware channel steps every pattern's goroutines are made of: Go's
 * <pre>{@code
 * select { case v, ok := <-in: ...   case <-ctx.Done(): return }
 * select { case out <- v: ...        case <-ctx.Done(): return }
 * }</pre>
 * One instance serves one goroutine (it is not thread-safe): it looks the context's done channel
 * up once and reuses its receive select.
 *
 * <p>Fast path: when the context has not ended ({@link Context#err()}, one volatile read) a step
 * first tries the non-blocking {@link Chan#tryRecv()}/{@link Chan#trySend}; only when that would
 * block does it run the two-case select, which parks until the channel or the context is ready.
 * A step on an ended context does nothing and reports it, so a goroutine that never has to wait
 * (its input always has data, its output always has room) still stops at its next step. When the
 * context can never end (its done channel is {@link Context#background()}'s), the slow path is a
 * plain blocking receive or send.
 *
 * <p>Every outcome is one Go's select could have had: a value taken while the context had not
 * ended, or the stop once it has (Go picks at random when both are ready; here the context
 * wins).
 */
final class Chans {
    private static final Consumer<Object> IGNORE = x -> {};
    private static final Runnable NOTHING = () -> {};

    private final Context ctx;
    /** The context's done channel; null when the context can never end. */
    private final Chan<?> done;
    /** The reusable receive select and its channel; made on the first slow receive. */
    private Select.Builder recvSelect;
    private Chan<?> recvFrom;
    private Object got;

    Chans(Context ctx) {
        this.ctx = ctx;
        Chan<?> d = ctx.done();
        this.done = d == Context.background().done() ? null : d;
    }

    /**
     * Checks a buffer-size argument.
     *
     * @param buffer the capacity asked for
     * @param of     what gets it, for the message ("each output channel")
     * @return {@code buffer}
     * @throws IllegalArgumentException if {@code buffer < 0}
     */
    static int checkBuffer(int buffer, String of) {
        if (buffer < 0) {
            throw new IllegalArgumentException("buffer: " + buffer + " (expected: >= 0, the capacity of " + of
                    + "; 0 makes it unbuffered, as the overloads without a buffer do)");
        }
        return buffer;
    }

    /** {@return whether the context has ended: a step now would do nothing} */
    boolean ended() {
        return ctx.err() != null;
    }

    /** Receives from {@code in}; null when {@code in} is closed and drained, or the context is done. */
    <T> T recv(Chan<? extends T> in) {
        if (ctx.err() != null) {
            return null;
        }
        T v = in.tryRecv();
        if (v != null) {
            return v;
        }
        if (done == null) {
            return in.recv();
        }
        if (recvFrom != in) {
            recvSelect = Select.builder().recv(in, x -> got = x).recv(done, IGNORE);
            recvFrom = in;
        }
        got = null;
        recvSelect.run(); // case 1 (done) leaves got null
        @SuppressWarnings("unchecked")
        T r = (T) got;
        got = null;
        return r;
    }

    /** Sends {@code v}; false when the context is done first (nothing sent). */
    <T> boolean send(Chan<T> out, T v) {
        if (ctx.err() != null) {
            return false;
        }
        if (out.trySend(v)) {
            return true;
        }
        if (done == null) {
            out.send(v);
            return true;
        }
        return Select.builder().send(out, v, NOTHING).recv(done, IGNORE).run() == 0;
    }
}
