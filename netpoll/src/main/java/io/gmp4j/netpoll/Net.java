package io.gmp4j.netpoll;

import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.netpoll.internal.NioPoller;
import io.gmp4j.netpoll.internal.PollDesc;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Go's {@code net} package for TCP and UDP, on the runtime's network poller: goroutines that
 * wait for a connection, for data or for buffer space park on the poller (Go's {@code IO wait})
 * and hold no thread, so a handful of machines serve thousands of connections.
 *
 * <pre>{@code
 * try (Listener ln = Net.listen(new InetSocketAddress("127.0.0.1", 0))) {
 *     go(() -> {
 *         while (true) {
 *             Conn c = ln.accept();              // parks on the poller
 *             go(() -> echo(c));                 // a goroutine per connection, as in Go
 *         }
 *     });
 *     Conn c = Net.dial(ln.address(), Duration.ofSeconds(1));
 *     ...
 * }
 * }</pre>
 *
 * <p>Sockets belong to the runtime of the goroutine that creates them; from a thread that is not
 * a goroutine, to the one open runtime ({@link GoRuntime#forCaller()}: an
 * {@link IllegalStateException} if several are open), or to the runtime passed to the overloads
 * that take one ({@link #listen(GoRuntime, SocketAddress)}, {@link #dial(GoRuntime, SocketAddress, Duration)},
 * {@link #listenPacket(GoRuntime, SocketAddress)}). That runtime's scheduler polls them. They may
 * be used from any thread. The
 * runtime needs the {@code io.gmp4j.netpoll} module on the module path (it provides the
 * poller); closing a runtime fails the operations of its sockets still open.
 */
public final class Net {
    /** Listen backlog (Go reads somaxconn; 4096 is Linux's default since 5.4). */
    public static final int DEFAULT_BACKLOG = 4096;

    private Net() {}

    /**
     * Go's {@code net.Listen("tcp", address)}: a listener bound to {@code address}
     * ({@code SO_REUSEADDR} on, as in Go; port 0 picks a free port, see {@link Listener#address()}).
     *
     * @param address where to listen
     * @return the listener
     * @throws BindException if the address is in use or not local
     * @throws IOException   for other failures; the message names the address
     * @throws IllegalStateException if called outside a goroutine while several runtimes are open
     */
    public static Listener listen(SocketAddress address) throws IOException {
        return listen(address, DEFAULT_BACKLOG);
    }

    /**
     * {@link #listen(SocketAddress)} with the listener (and the connections it accepts) on
     * {@code rt}'s poller.
     *
     * @param rt      the runtime whose poller serves the listener
     * @param address where to listen
     * @return the listener
     * @throws IOException as {@link #listen(SocketAddress)}
     */
    public static Listener listen(GoRuntime rt, SocketAddress address) throws IOException {
        Objects.requireNonNull(rt, "rt");
        Objects.requireNonNull(address, "address");
        return Listener.open(NetFD.poller(rt), address, DEFAULT_BACKLOG);
    }

    /**
     * {@link #listen(SocketAddress)} with an explicit backlog.
     *
     * @param address where to listen
     * @param backlog the accept queue length (the system may cap it)
     * @return the listener
     * @throws IOException as {@link #listen(SocketAddress)}
     * @throws IllegalStateException if called outside a goroutine while several runtimes are open
     */
    public static Listener listen(SocketAddress address, int backlog) throws IOException {
        Objects.requireNonNull(address, "address");
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog: " + backlog + " (expected: >= 1)");
        }
        return Listener.open(NetFD.currentPoller(), address, backlog);
    }

    /**
     * Go's {@code net.Dial("tcp", address)}: connects, parking on the poller until the connection
     * is established or fails (the system's connect timeout applies).
     *
     * @param address where to connect
     * @return the connection
     * @throws ConnectException      if refused ("dial tcp 127.0.0.1:1: connection refused")
     * @throws UnknownHostException  if the host name does not resolve
     * @throws IOException           for other failures; every message names the address
     * @throws IllegalStateException if called outside a goroutine while several runtimes are open
     */
    public static Conn dial(SocketAddress address) throws IOException {
        return dial(address, null);
    }

    /**
     * Go's {@code net.DialTimeout}: {@link #dial(SocketAddress)} that gives up after
     * {@code timeout} with {@link NetTimeoutException} ("dial tcp 10.0.0.1:80: i/o timeout").
     *
     * @param address where to connect
     * @param timeout how long the connection may take; null for the system's timeout; one
     *                longer than about 292 years ({@code Long.MAX_VALUE} ns) counts as that long,
     *                i.e. practically no timeout
     * @return the connection
     * @throws IOException as {@link #dial(SocketAddress)}, or the timeout
     * @throws IllegalStateException if called outside a goroutine while several runtimes are open
     */
    public static Conn dial(SocketAddress address, Duration timeout) throws IOException {
        Objects.requireNonNull(address, "address");
        checkTimeout(timeout);
        return dial(NetFD.currentPoller(), address, timeout);
    }

    /**
     * {@link #dial(SocketAddress, Duration)} with the connection on {@code rt}'s poller.
     *
     * @param rt      the runtime whose poller serves the connection
     * @param address where to connect
     * @param timeout how long the connection may take; null for the system's timeout
     * @return the connection
     * @throws IOException as {@link #dial(SocketAddress, Duration)}
     */
    public static Conn dial(GoRuntime rt, SocketAddress address, Duration timeout) throws IOException {
        Objects.requireNonNull(rt, "rt");
        Objects.requireNonNull(address, "address");
        checkTimeout(timeout);
        return dial(NetFD.poller(rt), address, timeout);
    }

    private static void checkTimeout(Duration timeout) {
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: positive, or null for none)");
        }
    }

    private static Conn dial(NioPoller poller, SocketAddress address, Duration timeout) throws IOException {
        SocketChannel ch = SocketChannel.open();
        NetFD fd = null;
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            fd = new NetFD(poller, ch, SelectionKey.OP_READ, SelectionKey.OP_CONNECT, "tcp", "", format(address));
            fd.pd.describe("tcp ->" + format(address));
            if (timeout != null) {
                fd.pd.setTimeout(PollDesc.WRITE, timeout);
            }
            boolean connected = ch.connect(address);
            while (!connected) {
                int err = fd.pd.await(PollDesc.WRITE);
                if (err == PollDesc.ERR_TIMEOUT) {
                    throw new NetTimeoutException("dial tcp " + format(address) + ": i/o timeout (the dial timeout of "
                            + timeout + " passed)");
                }
                if (err != PollDesc.OK) {
                    throw fd.error("dial", err, 0);
                }
                connected = ch.finishConnect();
            }
            fd.pd.connected();
            if (timeout != null) {
                fd.setDeadline(false, true, null);
            }
            SocketAddress local = ch.getLocalAddress();
            SocketAddress remote = ch.getRemoteAddress();
            fd.addresses(format(local), format(remote));
            return new Conn(fd, ch, local, remote);
        } catch (IOException | UnresolvedAddressException | UnsupportedAddressTypeException e) {
            closeQuietly(fd, ch);
            if (e instanceof NetTimeoutException || e instanceof ClosedConnectionException) {
                throw (IOException) e;
            }
            throw opError("dial", "tcp", address, e);
        } catch (RuntimeException | Error e) {
            closeQuietly(fd, ch);
            throw e;
        }
    }

    /**
     * Go's {@code net.ListenPacket("udp", address)}: a UDP socket bound to {@code address}.
     *
     * @param address where to bind (port 0 picks a free port)
     * @return the socket
     * @throws IOException if binding fails; the message names the address
     * @throws IllegalStateException if called outside a goroutine while several runtimes are open
     */
    public static PacketConn listenPacket(SocketAddress address) throws IOException {
        Objects.requireNonNull(address, "address");
        return listenPacket(NetFD.currentPoller(), address);
    }

    /**
     * {@link #listenPacket(SocketAddress)} with the socket on {@code rt}'s poller.
     *
     * @param rt      the runtime whose poller serves the socket
     * @param address where to bind (port 0 picks a free port)
     * @return the socket
     * @throws IOException if binding fails; the message names the address
     */
    public static PacketConn listenPacket(GoRuntime rt, SocketAddress address) throws IOException {
        Objects.requireNonNull(rt, "rt");
        Objects.requireNonNull(address, "address");
        return listenPacket(NetFD.poller(rt), address);
    }

    private static PacketConn listenPacket(NioPoller poller, SocketAddress address) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.configureBlocking(false);
            ch.bind(address);
        } catch (IOException e) {
            ch.close();
            throw opError("listen", "udp", address, e);
        }
        SocketAddress bound = ch.getLocalAddress();
        NetFD fd;
        try {
            fd = new NetFD(poller, ch, SelectionKey.OP_READ, SelectionKey.OP_WRITE, "udp", format(bound), null);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new PacketConn(fd, ch, bound);
    }

    /** Wraps an accepted channel. */
    static Conn newConn(NioPoller poller, SocketChannel c) throws IOException {
        try {
            c.configureBlocking(false);
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            SocketAddress local = c.getLocalAddress();
            SocketAddress remote = c.getRemoteAddress();
            NetFD fd = new NetFD(poller, c, SelectionKey.OP_READ, SelectionKey.OP_WRITE, "tcp", format(local),
                    format(remote));
            return new Conn(fd, c, local, remote);
        } catch (IOException e) {
            c.close();
            throw e;
        }
    }

    private static void closeQuietly(NetFD fd, java.nio.channels.Channel ch) {
        try {
            if (fd != null) {
                fd.close();
            } else {
                ch.close();
            }
        } catch (IOException ignored) {
            // already failing
        }
    }

    /** Go's OpError for a failure before a socket exists: "dial tcp 127.0.0.1:1: connection refused". */
    static IOException opError(String op, String net, SocketAddress address, Exception e) {
        String what = op + " " + net + " " + format(address) + ": ";
        if (e instanceof UnresolvedAddressException) {
            UnknownHostException u = new UnknownHostException(what + "no such host");
            u.initCause(e);
            return u;
        }
        if (e instanceof UnsupportedAddressTypeException) {
            SocketException s = new SocketException(what + "unsupported address type " + address.getClass().getName());
            s.initCause(e);
            return s;
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        msg = msg.toLowerCase(Locale.ROOT);
        IOException out;
        if (e instanceof ConnectException) {
            out = new ConnectException(what + msg);
        } else if (e instanceof NoRouteToHostException) {
            out = new NoRouteToHostException(what + msg);
        } else if (e instanceof BindException) {
            out = new BindException(what + msg);
        } else if (e instanceof UnknownHostException) {
            out = new UnknownHostException(what + msg);
        } else {
            out = new SocketException(what + msg);
        }
        out.initCause(e);
        return out;
    }

    /**
     * Go's address text: {@code host:port}, {@code [v6]:port}.
     *
     * @param address an address
     * @return its text
     */
    public static String format(SocketAddress address) {
        return NetFD.format(address);
    }
}
