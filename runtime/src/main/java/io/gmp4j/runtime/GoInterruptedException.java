package io.gmp4j.runtime;

/**
 * Thrown when a thread blocked in a channel operation or a {@link Select} is interrupted
 * ({@link Thread#interrupt()}). Go's channel operations cannot be interrupted; on the JVM an
 * interrupt is how executors and frameworks cancel a thread, so gmp4j gives up the wait rather
 * than ignore it. The operation did <em>not</em> happen (nothing was sent or received) and the
 * thread's interrupt status stays set. Use a {@link Context} to cancel goroutines the Go way.
 */
public final class GoInterruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what the thread was waiting for
     */
    public GoInterruptedException(String message) {
        super(message);
    }
}
