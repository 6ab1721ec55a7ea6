package io.gmp4j.netpoll;

import io.gmp4j.netpoll.internal.PollDesc;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Instant;
import java.util.Objects;

/**
 * A UDP socket (Go's {@code net.PacketConn}/{@code *net.UDPConn}), made by
 * {@link Net#listenPacket}. {@link #readFrom} and {@link #writeTo} park on the poller while the
 * socket is not ready; deadlines and close behave as on a {@link Conn}.
 */
public final class PacketConn implements AutoCloseable {
    private final NetFD fd;
    private final DatagramChannel ch;
    private final SocketAddress address;

    PacketConn(NetFD fd, DatagramChannel ch, SocketAddress address) {
        this.fd = fd;
        this.ch = ch;
        this.address = address;
    }

    /**
     * Go's {@code ReadFrom}: waits for one datagram and copies it into {@code dst} (a datagram
     * longer than {@code dst}'s remaining space is truncated, as in Go).
     *
     * @param dst where the datagram goes
     * @return the sender's address
     * @throws NetTimeoutException       if the read deadline passed
     * @throws ClosedConnectionException if the socket was closed
     * @throws IOException               for other failures
     */
    public SocketAddress readFrom(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        fd.readLock.lock();
        try {
            fd.prepare(PollDesc.READ, "read");
            while (true) {
                SocketAddress from;
                try {
                    from = ch.receive(dst);
                } catch (IOException e) {
                    throw fd.translate("read", e);
                }
                if (from != null) {
                    return from;
                }
                fd.await(PollDesc.READ, "read", 0);
            }
        } finally {
            fd.readLock.unlock();
        }
    }

    /**
     * Go's {@code WriteTo}: sends {@code src}'s remaining bytes as one datagram to {@code to},
     * waiting for buffer space.
     *
     * @param src the datagram
     * @param to  where to send it
     * @return the number of bytes sent
     * @throws NetTimeoutException       if the write deadline passed
     * @throws ClosedConnectionException if the socket was closed
     * @throws IOException               for other failures (such as a datagram too large)
     */
    public int writeTo(ByteBuffer src, SocketAddress to) throws IOException {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(to, "to");
        fd.writeLock.lock();
        try {
            fd.prepare(PollDesc.WRITE, "write");
            while (true) {
                int n;
                try {
                    n = ch.send(src, to);
                } catch (IOException e) {
                    throw fd.translate("write", e);
                }
                if (n > 0 || !src.hasRemaining()) {
                    return n;
                }
                fd.await(PollDesc.WRITE, "write", 0);
            }
        } finally {
            fd.writeLock.unlock();
        }
    }

    /**
     * Go's {@code SetReadDeadline}; null removes it.
     *
     * @param deadline when reads time out
     */
    public void setReadDeadline(Instant deadline) {
        fd.setDeadline(true, false, deadline);
    }

    /**
     * Go's {@code SetWriteDeadline}; null removes it.
     *
     * @param deadline when writes time out
     */
    public void setWriteDeadline(Instant deadline) {
        fd.setDeadline(false, true, deadline);
    }

    /**
     * Go's {@code SetDeadline}: both directions; null removes them.
     *
     * @param deadline when both time out
     */
    public void setDeadline(Instant deadline) {
        fd.setDeadline(true, true, deadline);
    }

    /**
     * Go's {@code LocalAddr}.
     *
     * @return the bound address
     */
    public SocketAddress localAddress() {
        return address;
    }

    /**
     * Closes the socket; blocked calls fail with {@link ClosedConnectionException}. Idempotent.
     *
     * @throws IOException if the system reports a failure
     */
    @Override
    public void close() throws IOException {
        fd.close();
    }

    @Override
    public String toString() {
        return "PacketConn(" + fd.pd.description() + (fd.isClosed() ? ", closed" : "") + ")";
    }
}
