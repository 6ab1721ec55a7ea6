package io.gmp4j.examples;

import io.gmp4j.netpoll.ClosedConnectionException;
import io.gmp4j.netpoll.Conn;
import io.gmp4j.netpoll.ConnectionResetException;
import io.gmp4j.netpoll.Listener;
import io.gmp4j.netpoll.Net;
import io.gmp4j.netpoll.NetTimeoutException;
import io.gmp4j.runtime.GoRuntime;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;


/**
 * Go's classic TCP echo server: a goroutine accepts connections in a loop and starts one
 * goroutine per connection, which copies every byte it reads back to the peer until the peer
 * closes its side. A deadline, moved before every read, closes connections idle for longer
 * than the idle timeout (30 s by default). While a goroutine waits for a connection or for
 * bytes, it is parked on the runtime's network poller and holds no thread.
 *
 * <pre>{@code
 * ln := net.Listen("tcp", "127.0.0.1:9000")
 * for {
 *     c, err := ln.Accept()
 *     if errors.Is(err, net.ErrClosed) { return }
 *     go func() { defer c.Close(); io.Copy(c, c) }()
 * }
 * }</pre>
 *
 * <p>Run: {@code ./gmp4j example EchoServer [port]} (default 0: a free port, printed) serves on
 * 127.0.0.1 until killed; try it with {@code nc 127.0.0.1 PORT} or
 * {@code ./gmp4j example EchoClient 127.0.0.1:PORT}. Other code starts one with
 * {@link #start} or {@link #serve} and stops it with {@link #close()}.
 */
public final class EchoServer extends TcpServer {
    /** How long a connection may stay silent before the server closes it. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

    private final Duration idleTimeout;
    private final AtomicLong echoedBytes = new AtomicLong();
    private final AtomicLong idleTimeouts = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    private EchoServer(Listener ln, Duration idleTimeout, PrintStream log) {
        super("echo server", "echo: ", ln, log);
        this.idleTimeout = idleTimeout;
    }

    /**
     * Listens on {@code address} from a goroutine of {@code rt} (so the listener and its
     * connections belong to {@code rt}) and serves there.
     *
     * @param rt          the runtime whose goroutines serve
     * @param address     where to listen (port 0: a free port, see {@link #address()})
     * @param idleTimeout how long a connection may stay silent
     * @param log         where to print one line per connection event, or null for none
     * @return the running server
     * @throws IOException if listening fails (such as the port being in use)
     */
    public static EchoServer start(GoRuntime rt, SocketAddress address, Duration idleTimeout, PrintStream log)
            throws IOException {
        return serve(rt, NetExamples.listen(rt, address), idleTimeout, log);
    }

    /**
     * Serves connections accepted from {@code ln}: starts the accept loop in a goroutine of
     * {@code rt}. The server owns the listener from now on; {@link #close()} closes it.
     *
     * @param rt          the runtime whose goroutines serve
     * @param ln          the listener
     * @param idleTimeout how long a connection may stay silent
     * @param log         where to print one line per connection event, or null for none
     * @return the running server
     */
    public static EchoServer serve(GoRuntime rt, Listener ln, Duration idleTimeout, PrintStream log) {
        EchoServer s = new EchoServer(ln, TcpServer.positive(idleTimeout, "idleTimeout"), log);
        s.start(rt);
        return s;
    }

    /** One connection: echo until end of stream, an idle timeout, or the server's close. */
    @Override
    void handle(Conn c) {
        String peer = Net.format(c.remoteAddress());
        long bytes = 0;
        logf("%s: connected", peer);
        try (c) {
            ByteBuffer buf = ByteBuffer.allocate(4096);
            while (true) {
                // Go's idiom for an idle timeout: a deadline moved before every read. It covers
                // the write of what was read too, so a peer that stops reading is dropped as well.
                c.setDeadline(Instant.now().plus(idleTimeout));
                int n = c.read(buf);
                if (n < 0) {
                    break; // the peer closed its side (Go's io.EOF): close ours
                }
                buf.flip();
                bytes += c.write(buf); // writes everything, parking while the send buffer is full
                buf.clear();
            }
            logf("%s: closed after %d bytes", peer, bytes);
        } catch (NetTimeoutException e) {
            idleTimeouts.incrementAndGet();
            logf("%s: idle for %d s, closed after %d bytes", peer, idleTimeout.toSeconds(), bytes);
        } catch (ClosedConnectionException e) {
            if (!stopping()) {
                failures.incrementAndGet();
            }
            logf("%s: closed by the server's shutdown after %d bytes", peer, bytes);
        } catch (ConnectionResetException e) {
            logf("%s: reset by the peer after %d bytes", peer, bytes);
        } catch (IOException | RuntimeException e) {
            failures.incrementAndGet();
            logf("%s: %s", peer, e);
        } finally {
            echoedBytes.addAndGet(bytes);
        }
    }





    /** How many bytes the server has echoed, over connections that have ended. */
    public long echoedBytes() {
        return echoedBytes.get();
    }

    /** How many connections the idle timeout closed. */
    public long idleTimeouts() {
        return idleTimeouts.get();
    }

    /** How many connections ended with an unexpected error (not end of stream, idle, reset or shutdown). */
    public long failures() {
        return failures.get();
    }


    /**
     * Entry point: serves on 127.0.0.1 until killed.
     *
     * @param args optional port (default 0: a free port, printed)
     * @throws Exception if listening fails
     */
    public static void main(String[] args) throws Exception {
        EchoServer server;
        GoRuntime rt = GoRuntime.builder().build(); // lives as long as the process
        try {
            int port = args.length > 0 ? NetExamples.parsePort(args[0]) : 0;
            server = start(rt, new InetSocketAddress("127.0.0.1", port), DEFAULT_IDLE_TIMEOUT, System.out);
        } catch (IllegalArgumentException | IOException e) {
            NetExamples.exitOn(e, "EchoServer", "./gmp4j example EchoServer [port]");
            return;
        }
        String addr = Net.format(server.address());
        System.out.println("echo server listening on " + addr + " (runtime " + rt.schedulerName() + ", maxProcs "
                + rt.maxProcs() + "; connections idle for " + DEFAULT_IDLE_TIMEOUT.toSeconds() + " s are closed)");
        System.out.println("try: nc " + addr.replace(":", " ") + "   or: ./gmp4j example EchoClient " + addr
                + "   stop: Ctrl-C");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (IOException e) {
                System.out.println("echo server: " + e.getMessage());
            }
            System.out.println("echo server stopped: " + server.connections() + " connections, "
                    + server.echoedBytes() + " bytes echoed");
        }, "echo-server-shutdown"));
        server.awaitStopped();
    }
}
