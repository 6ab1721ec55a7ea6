package io.gmp4j.runtime;

/**
 * Why a {@link Context} ended: {@link Context#CANCELED} or {@link Context#DEADLINE_EXCEEDED}
 * (Go's {@code context.Canceled} and {@code context.DeadlineExceeded}). Unchecked, so that a
 * blocking call that takes a context can throw exactly what {@link Context#err()} returns.
 * The two instances are shared constants (compare with {@code ==}); they carry no stack trace.
 * {@link Context#throwIfDone()} throws a copy with a stack trace instead; {@link #is} tells its
 * kind.
 */
public final class ContextException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Whether this is {@link Context#DEADLINE_EXCEEDED} or a copy of it. */
    private final boolean timeout;

    /** The shared kind this is (itself for the two constants). */
    private final ContextException kind;

    ContextException(String message, boolean timeout) {
        super(message, null, false, false);
        this.timeout = timeout;
        this.kind = this;
    }

    /** A thrown copy of {@code kind}, with a stack trace and an optional cause ({@link Context#throwIfDone}). */
    ContextException(ContextException kind, Throwable cause) {
        super(kind.getMessage(), cause);
        this.timeout = kind.timeout;
        this.kind = kind;
    }

    /**
     * Whether this is {@code sentinel} or a copy of it thrown by {@link Context#throwIfDone()}
     * (Go's {@code errors.Is(err, context.Canceled)}).
     *
     * @param sentinel {@link Context#CANCELED} or {@link Context#DEADLINE_EXCEEDED}
     * @return true if this exception is of that kind
     */
    public boolean is(ContextException sentinel) {
        return kind == sentinel;
    }

    /** {@return true for {@link Context#DEADLINE_EXCEEDED} (Go's {@code Timeout()} method)} */
    public boolean isTimeout() {
        return timeout;
    }
}
