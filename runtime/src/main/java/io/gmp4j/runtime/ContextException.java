package io.gmp4j.runtime;

/**
 * Why a {@link Context} ended: {@link Context#CANCELED} or {@link Context#DEADLINE_EXCEEDED}
 * (Go's {@code context.Canceled} and {@code context.DeadlineExceeded}). Unchecked, so that a
 * blocking call that takes a context can throw exactly what {@link Context#err()} returns.
 * The two instances are shared constants (compare with {@code ==}); they carry no stack trace.
 */
public final class ContextException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean timeout;

    ContextException(String message, boolean timeout) {
        super(message, null, false, false);
        this.timeout = timeout;
    }

    /** True for {@link Context#DEADLINE_EXCEEDED} (Go's {@code Timeout()} method). */
    public boolean isTimeout() {
        return timeout;
    }
}
