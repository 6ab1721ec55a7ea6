package io.gmp4j.examples;

import io.gmp4j.netpoll.ClosedConnectionException;
import io.gmp4j.netpoll.Conn;
import io.gmp4j.netpoll.Listener;
import io.gmp4j.patterns.WaitGroup;
import io.gmp4j.runtime.GoRuntime;

import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static io.gmp4j.runtime.Go.go;
import static io.gmp4j.runtime.Go.sleep;

/**
 * The part of Go's {@code net/http.Server} that the example servers share: an accept loop
 * goroutine that starts a goroutine per connection, the set of open connections, and a
 * {@code Close} that closes the listener and every connection and waits for their goroutines.
 * A server ({@link EchoServer}, {@link HttpServer}) says what to do with one connection.
 */
public abstract class TcpServer implements AutoCloseable {
    private final String name;
    private final String logPrefix;
    private final Listener ln;
    private final PrintStream log;
    /** Open connections, closed by {@link #close()}. */
    private final Set<Conn> open = ConcurrentHashMap.newKeySet();
    /** One count per connection goroutine still running. */
    private final WaitGroup handlers = new WaitGroup();
    private final CompletableFuture<Void> acceptLoopDone = new CompletableFuture<>();
    private final AtomicLong accepted = new AtomicLong();
    private volatile boolean stopping;

    /**
     * @param name      the server's name, for error messages ("echo server")
     * @param logPrefix what each log line starts with ("echo: ")
     * @param ln        the listener, owned by this server from now on
     * @param log       where to print log lines, or null for nowhere
     */
    TcpServer(String name, String logPrefix, Listener ln, PrintStream log) {
        this.name = name;
        this.logPrefix = logPrefix;
        this.ln = java.util.Objects.requireNonNull(ln, "ln");
        this.log = log;
    }

    /**
     * Serves one connection, in its own goroutine; the connection is closed and forgotten when
     * this returns (closing it here too is harmless).
     *
     * @param c the accepted connection
     */
    abstract void handle(Conn c);

    /** Starts the accept loop in a goroutine of {@code rt} (once the subclass is constructed). */
    final void start(GoRuntime rt) {
        rt.go(this::acceptLoop);
    }

    /** The accept loop: a goroutine per connection, until the listener is closed. */
    private void acceptLoop() {
        try {
            Duration backoff = Duration.ZERO;
            while (true) {
                Conn c;
                try {
                    c = ln.accept(); // parks on the poller until a connection arrives
                } catch (ClosedConnectionException e) {
                    break; // the listener was closed (Go's net.ErrClosed): the server stops
                } catch (IOException e) {
                    // such as "too many open files": back off and retry, as Go's http.Server does
                    backoff = backoff.isZero() ? Duration.ofMillis(5)
                            : backoff.multipliedBy(2).compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1)
                            : backoff.multipliedBy(2);
                    logf("accept: %s; retrying in %d ms", e.getMessage(), backoff.toMillis());
                    sleep(backoff);
                    continue;
                }
                backoff = Duration.ZERO;
                accepted.incrementAndGet();
                handlers.add(1);
                open.add(c);
                if (stopping) { // close() may have swept the set before c was in it
                    closeQuietly(c);
                }
                go(() -> serve(c));
            }
            acceptLoopDone.complete(null);
        } catch (Throwable t) {
            acceptLoopDone.completeExceptionally(t);
        }
    }

    private void serve(Conn c) {
        try {
            handle(c);
        } finally {
            closeQuietly(c);
            open.remove(c);
            handlers.done();
        }
    }

    /** Whether {@link #close()} has begun (connections then end with "use of closed connection"). */
    final boolean stopping() {
        return stopping;
    }

    /**
     * Go's {@code Server.Close}: closes the listener, so the accept loop's {@code accept} fails
     * with {@link ClosedConnectionException} and the loop ends; closes every open connection, so
     * their goroutines end; and waits for all of them. Idempotent.
     *
     * @throws IOException if closing the listener fails, or the accept loop failed
     */
    @Override
    public void close() throws IOException {
        stopping = true;
        ln.close();
        try {
            acceptLoopDone.join();
        } catch (RuntimeException e) {
            throw new IOException(name + ": the accept loop failed", e.getCause() != null ? e.getCause() : e);
        } finally {
            for (Conn c : open) {
                closeQuietly(c);
            }
            handlers.await();
        }
    }

    /** Waits until the server has stopped: its accept loop has ended (after {@link #close()}). */
    public void awaitStopped() {
        acceptLoopDone.exceptionally(t -> null).join();
    }

    /**
     * The address the server listens on (with the port the system chose for port 0).
     *
     * @return the address
     */
    public SocketAddress address() {
        return ln.address();
    }

    /**
     * How many connections the server has accepted.
     *
     * @return the count
     */
    public long connections() {
        return accepted.get();
    }

    /** Prints a log line (with the server's prefix) if the server was given a log. */
    final void logf(String format, Object... args) {
        if (log != null) {
            log.println(logPrefix + String.format(format, args));
        }
    }

    /** Returns {@code d}, or throws if it is not positive ("idleTimeout: PT0S (expected: positive)"). */
    static Duration positive(Duration d, String what) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + ": " + d + " (expected: positive)");
        }
        return d;
    }

    static void closeQuietly(Conn c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing: nothing left to report
        }
    }
}
