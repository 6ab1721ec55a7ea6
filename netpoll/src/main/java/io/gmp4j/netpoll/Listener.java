package io.gmp4j.netpoll;

import io.gmp4j.netpoll.internal.NioPoller;
import io.gmp4j.netpoll.internal.PollDesc;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Instant;

/**
 * A TCP listener (Go's {@code net.Listener}/{@code *net.TCPListener}), made by
 * {@link Net#listen}. {@link #accept()} parks the calling goroutine on the poller until a
 * connection arrives; {@link #close()} from another goroutine wakes it with
 * {@link ClosedConnectionException}, as does every later {@code accept}.
 *
 * <p>Thread safety: any number of goroutines may accept at once (they take turns).
 */
public final class Listener implements AutoCloseable {
    private final NetFD fd;
    private final ServerSocketChannel ch;
    private final SocketAddress address;

    Listener(NetFD fd, ServerSocketChannel ch, SocketAddress address) {
        this.fd = fd;
        this.ch = ch;
        this.address = address;
    }

    /**
     * Go's {@code Accept}: waits for the next connection. Accepted connections have
     * {@code TCP_NODELAY} on (as in Go) and belong to this listener's runtime's poller.
     *
     * @return the connection
     * @throws ClosedConnectionException if the listener was closed
     * @throws NetTimeoutException       if the deadline set with {@link #setDeadline} passed
     * @throws IOException               for any other failure (such as too many open files)
     */
    public Conn accept() throws IOException {
        fd.readLock.lock();
        try {
            fd.prepare(PollDesc.READ, "accept");
            while (true) {
                SocketChannel c;
                try {
                    c = ch.accept();
                } catch (IOException e) {
                    throw fd.translate("accept", e);
                }
                if (c != null) {
                    return Net.newConn(fd.poller, c);
                }
                fd.await(PollDesc.READ, "accept", 0);
            }
        } finally {
            fd.readLock.unlock();
        }
    }

    /**
     * Go's {@code TCPListener.SetDeadline}: {@link #accept()} fails with
     * {@link NetTimeoutException} once {@code deadline} has passed; null removes it.
     *
     * @param deadline when accepts time out, or null for never
     */
    public void setDeadline(Instant deadline) {
        fd.setDeadline(true, false, deadline);
    }

    /**
     * Go's {@code Close}: stops listening; a blocked {@link #accept()} fails with
     * {@link ClosedConnectionException}. The port and descriptor are released before this
     * returns. Idempotent.
     *
     * @throws IOException if the system reports a failure closing the socket
     */
    @Override
    public void close() throws IOException {
        fd.close();
    }

    /**
     * Go's {@code Addr}: the bound address (with the port the system chose for port 0).
     *
     * @return the address
     */
    public SocketAddress address() {
        return address;
    }

    /**
     * Whether {@link #close()} has not been called.
     *
     * @return true until the listener is closed
     */
    public boolean isOpen() {
        return !fd.isClosed();
    }

    @Override
    public String toString() {
        return "Listener(" + fd.pd.description() + (fd.isClosed() ? ", closed" : "") + ")";
    }

    static Listener open(NioPoller poller, SocketAddress address, int backlog) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(address, backlog);
        } catch (IOException e) {
            ch.close();
            throw Net.opError("listen", "tcp", address, e);
        }
        SocketAddress bound = ch.getLocalAddress();
        NetFD fd;
        try {
            fd = new NetFD(poller, ch, SelectionKey.OP_ACCEPT, 0, "tcp", NetFD.format(bound), null);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new Listener(fd, ch, bound);
    }
}
