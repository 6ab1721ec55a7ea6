package io.gmp4j.netpoll;

import java.net.SocketTimeoutException;

/**
 * A deadline passed (Go's {@code os.ErrDeadlineExceeded}, "i/o timeout"): the operation failed
 * because its connection's read or write deadline, or a dial timeout, is in the past. The
 * connection stays usable; every later operation in that direction fails the same way until
 * the deadline is moved ({@code setReadDeadline}, {@code setWriteDeadline}, {@code setDeadline}).
 * {@link #bytesTransferred} says how much of a write went out before the deadline.
 */
public final class NetTimeoutException extends SocketTimeoutException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message Go's {@code OpError} text, such as
     *                {@code "read tcp 127.0.0.1:80->127.0.0.1:5555: i/o timeout"}
     */
    public NetTimeoutException(String message) {
        super(message);
    }
}
