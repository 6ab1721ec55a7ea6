package io.gmp4j.netpoll;

import java.net.SocketException;

/**
 * The peer reset the connection (ECONNRESET: it closed with unread data or aborted), or a write
 * found the peer gone (EPIPE, "broken pipe"). A clean close by the peer is not an error: a read
 * returns -1 (end of stream, Go's {@code io.EOF}).
 */
public final class ConnectionResetException extends SocketException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the operation and socket, then what the system reported
     * @param cause   the JDK's exception
     */
    public ConnectionResetException(String message, Throwable cause) {
        super(message, cause);
    }
}
