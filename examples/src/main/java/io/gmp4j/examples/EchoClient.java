package io.gmp4j.examples;

import io.gmp4j.netpoll.Conn;
import io.gmp4j.netpoll.Net;
import io.gmp4j.patterns.WaitGroup;
import io.gmp4j.runtime.GoRuntime;

import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.gmp4j.runtime.Go.go;

/**
 * Many echo clients at once: N goroutines (default 100) each dial the echo server, send M
 * messages (default 100) of 64 bytes drawn from a per-client pseudo-random pattern, read each
 * echo back before sending the next, and check every byte; then each shuts down its writing
 * side and expects the server to close. Every goroutine waiting for its echo is parked on the
 * network poller, so the runtime's few machine threads carry all of them.
 *
 * <p>Run: {@code ./gmp4j example EchoClient} starts an {@link EchoServer} in-process on a free
 * port of 127.0.0.1 and runs against it; {@code ./gmp4j example EchoClient 127.0.0.1:9000} uses
 * an external echo server (such as {@code ./gmp4j example EchoServer 9000}). Options:
 * {@code --clients N}, {@code --messages M}. Ends with {@code checksum: ok} when every byte came
 * back as sent.
 */
public final class EchoClient {
    /** The size of every message. */
    static final int MESSAGE_SIZE = 64;
    /** How long one client's whole conversation may take before it gives up (a deadline on its connection). */
    static final Duration CLIENT_DEADLINE = Duration.ofSeconds(60);

    private EchoClient() {}

    /**
     * What a run did.
     *
     * @param clients         clients started
     * @param messages        messages per client
     * @param roundTrips      messages whose echo came back complete
     * @param bytes           bytes sent and received back
     * @param mismatchedBytes echoed bytes that differed from what was sent
     * @param failedClients   clients that ended with an error
     * @param serverAgrees    whether the in-process server counted the same connections and bytes
     *                        (true for an external server)
     * @param elapsed         how long the clients took, from the first dial to the last close
     */
    record Result(int clients, int messages, long roundTrips, long bytes, long mismatchedBytes, long failedClients,
                  boolean serverAgrees, Duration elapsed) {
        /** Whether every client sent and got back every byte intact. */
        boolean ok() {
            return failedClients == 0 && mismatchedBytes == 0 && roundTrips == (long) clients * messages
                    && bytes == roundTrips * MESSAGE_SIZE && serverAgrees;
        }
    }

    /**
     * Runs {@code clients} clients against {@code server}, or against an in-process
     * {@link EchoServer} when {@code server} is null.
     */
    static Result run(PrintStream out, SocketAddress server, int clients, int messages) throws Exception {
        try (GoRuntime rt = GoRuntime.builder().build()) {
            EchoServer local = server == null
                    ? EchoServer.start(rt, new InetSocketAddress("127.0.0.1", 0), EchoServer.DEFAULT_IDLE_TIMEOUT, null)
                    : null;
            SocketAddress target = server != null ? server : local.address();
            out.println((local != null ? "in-process echo server on " : "external echo server at ")
                    + Net.format(target) + "; runtime " + rt.schedulerName() + ", maxProcs " + rt.maxProcs());
            out.println(clients + " client goroutines x " + messages + " messages x " + MESSAGE_SIZE + " bytes");
            Result r;
            try {
                r = runClients(rt, out, target, clients, messages);
            } finally {
                if (local != null) {
                    local.close(); // before the runtime's close, which waits for the server's goroutines
                }
            }
            if (local == null) {
                return r;
            }
            out.println("server: " + local.connections() + " connections, " + local.echoedBytes()
                    + " bytes echoed, " + local.failures() + " failures");
            boolean agrees = local.echoedBytes() == r.bytes() && local.connections() == clients
                    && local.failures() == 0;
            if (!agrees) {
                out.println("the server's counts disagree with the clients'");
            }
            return new Result(clients, messages, r.roundTrips(), r.bytes(), r.mismatchedBytes(), r.failedClients(),
                    agrees, r.elapsed());
        }
    }

    /** Starts the client goroutines on {@code rt}, waits for them, prints totals. */
    private static Result runClients(GoRuntime rt, PrintStream out, SocketAddress target, int clients, int messages)
            throws Exception {
        AtomicLong roundTrips = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong mismatched = new AtomicLong();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        CompletableFuture<Duration> elapsed = new CompletableFuture<>();
        rt.go(() -> {
            WaitGroup wg = new WaitGroup();
            long t0 = System.nanoTime();
            for (int i = 0; i < clients; i++) {
                int id = i;
                wg.add(1);
                go(() -> {
                    try {
                        client(target, id, messages, roundTrips, bytes, mismatched);
                    } catch (Throwable t) {
                        errors.add("client " + id + ": " + t);
                    } finally {
                        wg.done();
                    }
                });
            }
            wg.await();
            elapsed.complete(Duration.ofNanos(System.nanoTime() - t0));
        });
        // Every client's connection has a deadline, so this returns in bounded time.
        Duration took = elapsed.get(CLIENT_DEADLINE.toSeconds() + 30, TimeUnit.SECONDS);

        errors.stream().limit(5).forEach(e -> out.println("  " + e));
        if (errors.size() > 5) {
            out.println("  ... and " + (errors.size() - 5) + " more client errors");
        }
        double secs = Math.max(took.toNanos(), 1) / 1e9;
        out.printf(Locale.ROOT, "round trips: %,d of %,d; bytes echoed: %,d; mismatched bytes: %,d; failed clients: %d%n",
                roundTrips.get(), (long) clients * messages, bytes.get(), mismatched.get(), errors.size());
        out.printf(Locale.ROOT, "took %.3f s: ~%,.0f round trips/s (not a benchmark — see benchmarks/)%n",
                secs, roundTrips.get() / secs);
        return new Result(clients, messages, roundTrips.get(), bytes.get(), mismatched.get(), errors.size(), true,
                took);
    }

    /** One client: dial, {@code messages} round trips with byte-for-byte checks, half-close, expect end of stream. */
    private static void client(SocketAddress server, int id, int messages, AtomicLong roundTrips, AtomicLong bytes,
                               AtomicLong mismatched) throws IOException {
        SplittableRandom pattern = new SplittableRandom(0x9E3779B97F4A7C15L * (id + 1)); // a pattern per client
        byte[] sent = new byte[MESSAGE_SIZE];
        ByteBuffer back = ByteBuffer.allocate(MESSAGE_SIZE);
        try (Conn c = Net.dial(server, Duration.ofSeconds(10))) {
            c.setDeadline(Instant.now().plus(CLIENT_DEADLINE)); // the whole conversation, so nothing hangs
            for (int m = 0; m < messages; m++) {
                pattern.nextBytes(sent);
                c.write(ByteBuffer.wrap(sent));
                back.clear();
                while (back.hasRemaining()) { // the echo may come back in pieces
                    if (c.read(back) < 0) {
                        throw new EOFException("the server closed after " + back.position() + " of message " + m
                                + "'s " + MESSAGE_SIZE + " bytes");
                    }
                }
                byte[] got = back.array();
                long bad = 0;
                for (int i = 0; i < MESSAGE_SIZE; i++) {
                    if (got[i] != sent[i]) {
                        bad++;
                    }
                }
                mismatched.addAndGet(bad);
                roundTrips.incrementAndGet();
                bytes.addAndGet(MESSAGE_SIZE);
            }
            c.closeWrite(); // Go's CloseWrite: the server reads end of stream and closes its side
            back.clear();
            int n = c.read(back);
            if (n != -1) {
                throw new IOException("expected end of stream after closeWrite, got " + n + " more bytes");
            }
        }
    }

    /**
     * Entry point.
     *
     * @param args {@code [host:port] [--clients N] [--messages M]}; without host:port, an
     *             in-process echo server
     * @throws Exception if the run fails
     */
    public static void main(String[] args) throws Exception {
        SocketAddress server = null;
        int clients = 100;
        int messages = 100;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--clients", "-c" -> clients = positive(args, ++i);
                    case "--messages", "-n" -> messages = positive(args, ++i);
                    default -> server = NetExamples.parseHostPort(args[i]);
                }
            }
        } catch (IllegalArgumentException e) {
            NetExamples.exitOn(e, "EchoClient", "./gmp4j example EchoClient [host:port] [--clients N] [--messages M]");
        }
        Examples.check(run(System.out, server, clients, messages).ok());
    }

    private static int positive(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a number");
        }
        int n;
        try {
            n = Integer.parseInt(args[i]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(args[i - 1] + " " + args[i] + ": expected a positive number");
        }
        if (n <= 0) {
            throw new IllegalArgumentException(args[i - 1] + " " + n + ": expected a positive number");
        }
        return n;
    }
}
