package io.gmp4j.netpoll;

import java.net.SocketException;

/**
 * The connection or listener was closed by this process (Go's {@code net.ErrClosed}, "use of
 * closed network connection"): an operation started after {@code close()}, or one blocked in
 * another goroutine when {@code close()} was called, fails with this. Distinct from the peer
 * closing its end (a read returns -1) or resetting it ({@link ConnectionResetException}).
 */
public final class ClosedConnectionException extends SocketException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the operation and socket, then "use of closed connection"
     */
    public ClosedConnectionException(String message) {
        super(message);
    }
}
