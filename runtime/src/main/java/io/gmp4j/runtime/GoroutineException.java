package io.gmp4j.runtime;

/**
 * Thrown by {@link GoRuntime#run(java.util.concurrent.Callable)} when the goroutine it ran
 * ended with a checked exception: {@link #getCause()} is that exception, as the goroutine threw
 * it (its stack shows where). Unchecked exceptions and errors are rethrown as they are, not
 * wrapped.
 */
public final class GoroutineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed
     * @param cause   the checked exception the goroutine threw
     */
    public GoroutineException(String message, Throwable cause) {
        super(message, cause);
    }
}
