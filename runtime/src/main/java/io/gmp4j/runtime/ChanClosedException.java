package io.gmp4j.runtime;

/**
 * Thrown by a send on a closed channel and by closing a channel twice: Go's panics
 * {@code "send on closed channel"} and {@code "close of closed channel"}. Unchecked, as those
 * are programming errors in Go too: the closing side owns the channel and must not close it
 * while senders may still send.
 */
public final class ChanClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message Go's panic text
     */
    public ChanClosedException(String message) {
        super(message);
    }
}
