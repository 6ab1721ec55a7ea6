package io.gmp4j.netpoll;

import io.gmp4j.netpoll.internal.NioPoller;
import io.gmp4j.netpoll.internal.PollDesc;
import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.runtime.spi.Poller;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A socket registered with a runtime's poller (Go's {@code netFD} with its {@code poll.FD}):
 * the channel, its poll descriptor, one lock per direction (Go's {@code fdMutex}), and the
 * translation of failures into Go's {@code OpError} messages.
 */
final class NetFD {
    final SelectableChannel channel;
    final NioPoller poller;
    final PollDesc pd;
    final String net;
    volatile String local;
    volatile String remote;
    final ReentrantLock readLock = new ReentrantLock();
    final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();

    NetFD(NioPoller poller, SelectableChannel channel, int readOps, int writeOps, String net, String local,
          String remote) throws IOException {
        this.poller = poller;
        this.channel = channel;
        this.net = net;
        this.local = local;
        this.remote = remote;
        this.pd = poller.register(channel, readOps, writeOps, describe(net, local, remote));
    }

    /** The poller of the calling goroutine's runtime, or of the default runtime. */
    static NioPoller currentPoller() {
        return poller(GoRuntime.forCaller());
    }

    static NioPoller poller(GoRuntime rt) {
        Poller p = rt.poller();
        if (p instanceof NioPoller np) {
            return np;
        }
        throw new IllegalStateException("netpoll: " + rt + " polls with " + p.getClass().getName()
                + ", not gmp4j's NIO poller; remove the other PollerProvider from the module path");
    }

    static String describe(String net, String local, String remote) {
        if (remote == null) {
            return net + " " + local;
        }
        return net + " " + local + "->" + remote;
    }

    void addresses(String local, String remote) {
        this.local = local;
        this.remote = remote;
        pd.describe(describe(net, local, remote));
    }

    /** "read tcp 127.0.0.1:80->127.0.0.1:5555" (Go's OpError prefix). */
    String op(String op) {
        return op + " " + pd.description();
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Go's prepareRead/prepareWrite: fails if closed or the deadline passed. */
    void prepare(int mode, String op) throws IOException {
        int err = pd.check(mode);
        if (err != PollDesc.OK) {
            throw error(op, err, 0);
        }
    }

    /** Waits for the direction; throws what ended the wait unless it is ready. */
    void await(int mode, String op, long transferred) throws IOException {
        int err = pd.await(mode);
        if (err != PollDesc.OK) {
            throw error(op, err, transferred);
        }
    }

    IOException error(String op, int err, long transferred) {
        return switch (err) {
            case PollDesc.ERR_CLOSING -> new ClosedConnectionException(op(op) + ": use of closed connection");
            case PollDesc.ERR_TIMEOUT -> {
                NetTimeoutException e = new NetTimeoutException(op(op) + ": i/o timeout (the "
                        + (op.equals("write") ? "write" : op.equals("dial") ? "dial" : "read")
                        + " deadline passed; move it to try again)");
                e.bytesTransferred = (int) Math.min(Integer.MAX_VALUE, transferred);
                yield e;
            }
            case PollDesc.ERR_INTERRUPTED -> {
                InterruptedIOException e = new InterruptedIOException(op(op) + ": interrupted (the thread's "
                        + "interrupt status is set; the connection stays open)");
                e.bytesTransferred = (int) Math.min(Integer.MAX_VALUE, transferred);
                yield e;
            }
            default -> new ClosedConnectionException(op(op) + ": use of closed connection (the runtime that "
                    + "owned its network poller was closed)");
        };
    }

    /** Translates an exception of the channel into Go's terms. */
    IOException translate(String op, IOException e) {
        if (e instanceof AsynchronousCloseException || e instanceof ClosedChannelException || closed.get()) {
            ClosedConnectionException c = new ClosedConnectionException(op(op) + ": use of closed connection");
            c.initCause(e);
            return c;
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String lower = msg.toLowerCase(Locale.ROOT);
        if (lower.contains("reset")) {
            return new ConnectionResetException(op(op) + ": connection reset by peer", e);
        }
        if (lower.contains("broken pipe")) {
            return new ConnectionResetException(op(op) + ": broken pipe", e);
        }
        SocketException s = new SocketException(op(op) + ": " + lower);
        s.initCause(e);
        return s;
    }

    void setDeadline(boolean read, boolean write, Instant deadline) {
        pd.setDeadline(read, write, deadline);
    }

    /** Go's netFD.Close: wakes waiters, deregisters, closes, releases the descriptor. Idempotent. */
    void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        pd.evict();
        try {
            poller.deregister(pd); // deregistered first: the close below then releases the descriptor at once
        } finally {
            channel.close();
        }
    }

    /** Go's address form: host:port, [v6]:port. */
    static String format(SocketAddress a) {
        if (a == null) {
            return "<nil>";
        }
        if (a instanceof InetSocketAddress isa) {
            String host;
            if (isa.isUnresolved()) {
                host = isa.getHostString();
            } else {
                host = isa.getAddress().getHostAddress();
                if (isa.getAddress() instanceof java.net.Inet6Address) {
                    host = "[" + host + "]";
                }
            }
            return host + ":" + isa.getPort();
        }
        if (a instanceof UnixDomainSocketAddress u) {
            return u.getPath().toString();
        }
        return a.toString();
    }
}
