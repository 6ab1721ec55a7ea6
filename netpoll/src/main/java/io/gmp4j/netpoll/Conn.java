package io.gmp4j.netpoll;

import io.gmp4j.netpoll.internal.PollDesc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.Objects;

/**
 * A TCP connection (Go's {@code net.Conn}/{@code *net.TCPConn}), made by {@link Net#dial} or
 * {@link Listener#accept()}.
 *
 * <p>Reads and writes park the calling goroutine on the runtime's network poller while the
 * socket is not ready: the goroutine holds no thread, and its machine runs other goroutines.
 * (Called from a platform thread, they park that thread.) The goroutine dump shows such a
 * goroutine as {@code [IO wait (read tcp 127.0.0.1:80->127.0.0.1:5555), 3ms]}.
 *
 * <p>Errors, as a Go network programmer expects them:
 * <ul>
 *   <li>the peer closed its end: {@link #read} returns -1 (Go's {@code io.EOF});</li>
 *   <li>the peer reset the connection: {@link ConnectionResetException};</li>
 *   <li>a deadline passed: {@link NetTimeoutException} ("i/o timeout"), for the blocked call and
 *       every later call in that direction until the deadline is moved;</li>
 *   <li>{@link #close()} from another goroutine: the blocked reader and writer wake with
 *       {@link ClosedConnectionException} ("use of closed connection"), as does every later call;</li>
 *   <li>an interrupted thread: {@link java.io.InterruptedIOException}; the connection stays open.</li>
 * </ul>
 * Every message starts with Go's {@code OpError} prefix: operation, network, local and remote
 * address ({@code "read tcp 127.0.0.1:80->127.0.0.1:5555: i/o timeout"}).
 *
 * <p>Thread safety: as in Go, reads may be called from several goroutines (they take turns),
 * writes likewise, and reads and writes proceed concurrently; deadlines and close may be called
 * from any goroutine at any time. {@code Conn} is a {@link ByteChannel}, and
 * {@link #inputStream()}/{@link #outputStream()} adapt it for stream-based Java code.
 */
public final class Conn implements ByteChannel {
    final NetFD fd;
    private final SocketChannel ch;
    private final SocketAddress localAddress;
    private final SocketAddress remoteAddress;

    Conn(NetFD fd, SocketChannel ch, SocketAddress local, SocketAddress remote) {
        this.fd = fd;
        this.ch = ch;
        this.localAddress = local;
        this.remoteAddress = remote;
    }

    /**
     * Go's {@code Read}: reads at least one byte into {@code dst} (as many as are available, up
     * to its remaining space), waiting on the poller until some arrive.
     *
     * @param dst where the bytes go
     * @return the number of bytes read, -1 at end of stream (the peer closed or shut down its
     *         writing side, or {@link #closeRead()} was called); 0 only if {@code dst} is full
     * @throws NetTimeoutException        if the read deadline passed
     * @throws ClosedConnectionException  if the connection was closed by this process
     * @throws ConnectionResetException   if the peer reset the connection
     * @throws IOException                for any other failure of the socket
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        fd.readLock.lock();
        try {
            fd.prepare(PollDesc.READ, "read");
            if (!dst.hasRemaining()) {
                return 0;
            }
            while (true) {
                int n;
                try {
                    n = ch.read(dst);
                } catch (IOException e) {
                    throw fd.translate("read", e);
                }
                if (n != 0) {
                    return n;
                }
                fd.await(PollDesc.READ, "read", 0);
            }
        } finally {
            fd.readLock.unlock();
        }
    }

    /**
     * Go's {@code Write}: writes all of {@code src}, waiting on the poller while the socket's
     * send buffer is full. Unlike {@link java.nio.channels.WritableByteChannel#write}, it never
     * returns having written part: it writes everything or throws (the exception's
     * {@code bytesTransferred}, for a timeout or an interrupt, says how much went out).
     *
     * @param src the bytes to send; its position ends at its limit
     * @return the number of bytes written, {@code src}'s remaining bytes on entry
     * @throws NetTimeoutException       if the write deadline passed
     * @throws ClosedConnectionException if the connection was closed by this process
     * @throws ConnectionResetException  if the peer is gone (reset, broken pipe)
     * @throws IOException               for any other failure of the socket
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        fd.writeLock.lock();
        try {
            fd.prepare(PollDesc.WRITE, "write");
            int total = 0;
            while (src.hasRemaining()) {
                int n;
                try {
                    n = ch.write(src);
                } catch (IOException e) {
                    throw fd.translate("write", e);
                }
                total += n;
                if (n == 0) {
                    fd.await(PollDesc.WRITE, "write", total);
                }
            }
            return total;
        } finally {
            fd.writeLock.unlock();
        }
    }

    /**
     * Go's {@code SetReadDeadline}: reads blocked now and later fail with
     * {@link NetTimeoutException} once {@code deadline} has passed. A deadline in the past fails
     * them at once; {@code null} removes the deadline. A deadline is a point in time, not an idle
     * timeout: move it after each successful read to time out idle peers.
     *
     * @param deadline when reads time out, or null for never
     */
    public void setReadDeadline(Instant deadline) {
        fd.setDeadline(true, false, deadline);
    }

    /**
     * Go's {@code SetWriteDeadline}; see {@link #setReadDeadline}. A write that times out may
     * have sent part of its buffer.
     *
     * @param deadline when writes time out, or null for never
     */
    public void setWriteDeadline(Instant deadline) {
        fd.setDeadline(false, true, deadline);
    }

    /**
     * Go's {@code SetDeadline}: both the read and the write deadline.
     *
     * @param deadline when reads and writes time out, or null for never
     */
    public void setDeadline(Instant deadline) {
        fd.setDeadline(true, true, deadline);
    }

    /**
     * Go's {@code CloseRead}: shuts down the reading side; reads return -1 from now on.
     *
     * @throws IOException if the connection is closed or the system refuses
     */
    public void closeRead() throws IOException {
        if (fd.isClosed()) {
            throw fd.error("close", PollDesc.ERR_CLOSING, 0);
        }
        try {
            ch.shutdownInput();
        } catch (IOException e) {
            throw fd.translate("close", e);
        }
    }

    /**
     * Go's {@code CloseWrite}: shuts down the writing side (the peer reads end of stream once
     * it has read what was sent); reads go on. Writes fail from now on.
     *
     * @throws IOException if the connection is closed or the system refuses
     */
    public void closeWrite() throws IOException {
        if (fd.isClosed()) {
            throw fd.error("close", PollDesc.ERR_CLOSING, 0);
        }
        try {
            ch.shutdownOutput();
        } catch (IOException e) {
            throw fd.translate("close", e);
        }
    }

    /**
     * Go's {@code Close}: closes the connection. A goroutine blocked in {@link #read} or
     * {@link #write} wakes with {@link ClosedConnectionException}; the socket's descriptor and its
     * poller registration are released before this returns. Idempotent (Java's
     * {@link java.io.Closeable} contract; Go's second {@code Close} returns an error instead).
     *
     * @throws IOException if the system reports a failure closing the socket
     */
    @Override
    public void close() throws IOException {
        fd.close();
    }

    /** Whether {@link #close()} has not been called. */
    @Override
    public boolean isOpen() {
        return !fd.isClosed();
    }

    /**
     * Go's {@code LocalAddr}.
     *
     * @return the local address
     */
    public SocketAddress localAddress() {
        return localAddress;
    }

    /**
     * Go's {@code RemoteAddr}.
     *
     * @return the peer's address
     */
    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    /**
     * A stream view for existing Java code: {@code read} blocks (on the poller) as
     * {@link #read(ByteBuffer)} does and returns -1 at end of stream. Closing the stream closes
     * the connection, as with {@link java.net.Socket#getInputStream()}.
     *
     * @return the stream (a new view per call; all share the connection)
     */
    public InputStream inputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (len == 0) {
                    return 0;
                }
                return Conn.this.read(ByteBuffer.wrap(b, off, len));
            }

            @Override
            public void close() throws IOException {
                Conn.this.close();
            }
        };
    }

    /**
     * A stream view for existing Java code: {@code write} writes everything (on the poller), as
     * {@link #write(ByteBuffer)} does; {@code flush} does nothing (nothing is buffered). Closing
     * the stream closes the connection, as with {@link java.net.Socket#getOutputStream()}.
     *
     * @return the stream (a new view per call; all share the connection)
     */
    public OutputStream outputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                Conn.this.write(ByteBuffer.wrap(b, off, len));
            }

            @Override
            public void close() throws IOException {
                Conn.this.close();
            }
        };
    }

    /**
     * Go's {@code SetNoDelay} (on by default, as in Go).
     *
     * @param noDelay whether to send small writes at once (TCP_NODELAY) rather than coalesce them
     * @throws IOException if the socket option cannot be set
     */
    public void setNoDelay(boolean noDelay) throws IOException {
        try {
            ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, noDelay);
        } catch (IOException e) {
            throw fd.translate("set", e);
        }
    }

    @Override
    public String toString() {
        return "Conn(" + fd.pd.description() + (fd.isClosed() ? ", closed" : "") + ")";
    }
}
