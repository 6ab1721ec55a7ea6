package io.gmp4j.netpoll;

import io.gmp4j.netpoll.internal.NioPoller;
import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.tck.fixtures.Await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared helpers of the netpoll tests: goroutine calls with results, connected pairs, bounded polling. */
final class NetTesting {
    static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
    /** How long any single step may take before the test fails (generous for loaded CI machines). */
    static final Duration STEP = Duration.ofSeconds(10);

    private NetTesting() {}

    /** Code run in a goroutine that returns a value and may throw. */
    @FunctionalInterface
    interface Body<T> {
        T call() throws Exception;
    }

    /** Code run in a goroutine that may throw. */
    @FunctionalInterface
    interface Job {
        void run() throws Exception;
    }

    /** Starts {@code body} in a goroutine of {@code rt}; the future completes with its result or exception. */
    static <T> CompletableFuture<T> async(GoRuntime rt, Body<T> body) {
        CompletableFuture<T> f = new CompletableFuture<>();
        rt.go(() -> {
            try {
                f.complete(body.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /**
     * Go's accept loop for tests: accepts from {@code ln} until it is closed, starting
     * {@code handler} for each connection in a goroutine of its own (what the handler throws
     * escapes its goroutine). The future completes when the listener is closed.
     */
    static CompletableFuture<Void> serveEach(GoRuntime rt, Listener ln, java.util.function.Consumer<Conn> handler) {
        return asyncRun(rt, () -> {
            while (true) {
                Conn c;
                try {
                    c = ln.accept();
                } catch (ClosedConnectionException e) {
                    return;
                }
                rt.go(() -> handler.accept(c));
            }
        });
    }

    /** {@link #async} for a body without a result. */
    static CompletableFuture<Void> asyncRun(GoRuntime rt, Job job) {
        return async(rt, () -> {
            job.run();
            return null;
        });
    }

    /** Runs {@code body} in a goroutine of {@code rt} and returns its result, or rethrows what it threw. */
    static <T> T inGo(GoRuntime rt, Body<T> body) throws Exception {
        return await(rt, async(rt, body), STEP);
    }

    /** {@link #await(CompletableFuture, Duration)}; a failure to complete in time shows {@code rt}'s goroutines. */
    static <T> T await(GoRuntime rt, CompletableFuture<T> f, Duration timeout) throws Exception {
        try {
            return await(f, timeout);
        } catch (Stalled e) {
            StringBuilder dump = new StringBuilder();
            dump.append(rt.schedtraceDetail()).append('\n');
            rt.dumpGoroutines(dump);
            dump.append(poller(rt)).append('\n');
            dump.append("platform threads:\n");
            Thread.getAllStackTraces().forEach((t, st) -> {
                dump.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
                for (StackTraceElement frame : st) {
                    dump.append("\t").append(frame).append('\n');
                }
            });
            Stalled s = new Stalled(e.getMessage() + "; goroutines of " + rt + ":\n" + dump);
            s.initCause(e.getCause());
            throw s;
        }
    }

    /** A future did not complete in time. */
    static final class Stalled extends AssertionError {
        private static final long serialVersionUID = 1L;

        Stalled(String message) {
            super(message);
        }
    }

    /** Waits (at most {@link #STEP}) for the future; rethrows the exception it completed with. */
    static <T> T await(CompletableFuture<T> f) throws Exception {
        return await(f, STEP);
    }

    static <T> T await(CompletableFuture<T> f, Duration timeout) throws Exception {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof Exception ex) {
                throw ex;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw e;
        } catch (TimeoutException e) {
            Stalled s = new Stalled("no result within " + timeout);
            s.initCause(e);
            throw s;
        }
    }

    /** The runtime's NIO poller (it must exist: some socket was created in the runtime). */
    static NioPoller poller(GoRuntime rt) {
        return (NioPoller) rt.pollerIfCreated().orElseThrow(() -> new AssertionError(rt + " has no poller"));
    }

    /** Waits until {@code n} goroutines or threads are parked on the runtime's poller. */
    static void awaitWaiters(GoRuntime rt, int n) {
        Await.until(() -> poller(rt).waiters() >= n, STEP, n + " waiter(s) parked on the poller");
    }

    /** Go's address text, "127.0.0.1:PORT". */
    static String addr(SocketAddress a) {
        InetSocketAddress i = (InetSocketAddress) a;
        return i.getAddress().getHostAddress() + ":" + i.getPort();
    }

    /** The OpError prefix of an operation on a connection, "read tcp 127.0.0.1:A->127.0.0.1:B". */
    static String op(String op, Conn c) {
        return op + " tcp " + addr(c.localAddress()) + "->" + addr(c.remoteAddress());
    }

    /** Reads exactly {@code n} bytes (fails at a premature end of stream). */
    static byte[] readFully(Conn c, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            int r = c.read(b);
            if (r < 0) {
                throw new AssertionError("end of stream after " + b.position() + " of " + n + " bytes");
            }
        }
        return b.array();
    }

    /** Reads until end of stream; returns everything read. */
    static byte[] readToEnd(Conn c) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(8192);
        while (c.read(b) >= 0) {
            out.write(b.array(), 0, b.position());
            b.clear();
        }
        return out.toByteArray();
    }

    /**
     * Closes {@code rt}, failing (instead of hanging the suite) if it does not close within
     * {@link #STEP}: {@link GoRuntime#close()} waits for every goroutine, and a goroutine left
     * blocked by a failing test would make it wait forever. The failure shows the goroutines left.
     */
    static void closeBounded(GoRuntime rt) {
        Thread closer = Thread.ofPlatform().daemon().name("close " + rt).start(rt::close);
        try {
            closer.join(STEP);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted closing " + rt, e);
        }
        if (closer.isAlive()) {
            StringBuilder dump = new StringBuilder();
            dump.append(rt.schedtraceDetail()).append('\n');
            rt.dumpGoroutines(dump);
            throw new AssertionError(rt + " did not close within " + STEP + ": goroutines left:\n" + dump);
        }
    }

    /** A runtime for try-with-resources that closes with {@link #closeBounded}. */
    record TestRuntime(GoRuntime rt) implements AutoCloseable {
        TestRuntime(GoRuntime.Builder builder) {
            this(builder.build());
        }

        @Override
        public void close() {
            closeBounded(rt);
        }
    }

    static void closeQuietly(AutoCloseable... cs) {
        for (AutoCloseable c : cs) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort cleanup
                }
            }
        }
    }

    /** A listener and a connection through it, both ends made in goroutines of one runtime. */
    record Pair(Listener listener, Conn client, Conn server) implements AutoCloseable {
        @Override
        public void close() {
            closeQuietly(client, server, listener);
        }
    }

    /** Listens, dials, accepts, in one goroutine of {@code rt}. */
    static Pair pair(GoRuntime rt) throws Exception {
        return inGo(rt, () -> {
            Listener ln = Net.listen(LOOPBACK);
            Conn c = null;
            try {
                c = Net.dial(ln.address());
                Conn s = ln.accept();
                return new Pair(ln, c, s);
            } catch (Exception e) {
                closeQuietly(c, ln);
                throw e;
            }
        });
    }

    static void assertContains(String expected, String actual) {
        assertTrue(actual != null && actual.contains(expected),
                () -> "expected \"" + expected + "\" in \"" + actual + "\"");
    }
}
