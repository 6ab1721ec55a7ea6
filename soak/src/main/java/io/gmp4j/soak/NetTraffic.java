package io.gmp4j.soak;

import io.gmp4j.netpoll.ClosedConnectionException;
import io.gmp4j.netpoll.Conn;
import io.gmp4j.netpoll.ConnectionResetException;
import io.gmp4j.netpoll.Listener;
import io.gmp4j.netpoll.Net;
import io.gmp4j.netpoll.NetTimeoutException;
import io.gmp4j.patterns.WaitGroup;
import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Go;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Loopback TCP through {@code Net.listen}/{@code Net.dial}: an episode's own listener and accept
 * loop, and 10-60 client connections (1-16 at a time), each in one of six modes announced in a
 * 17-byte header (mode, length, parameter, seed):
 * <ul>
 *   <li>ECHO — the client writes up to 200 KB in random chunks from one goroutine and reads the
 *       echo from another; both sides check every byte; then half-close, EOF, close;</li>
 *   <li>SERVER_RESET — the server reads part, then closes with unread data (an RST); the client's
 *       write or read fails with {@code ConnectionResetException} or sees EOF;</li>
 *   <li>CLIENT_RESET — the same the other way: the client closes with the echo unread;</li>
 *   <li>READ_TIMEOUT — the client's read deadline passes (not before it), a second read fails at
 *       once; the client tells the server, clears the deadline and reads its answer; then the
 *       server's read deadline passes the same way. No timing assumption: each side sends only
 *       after the other has seen its timeout (a deadline noticed late while data had arrived
 *       would rightly return the data, as in Go);</li>
 *   <li>CLOSE_WHILE_READING — a goroutine blocked in read is woken by {@code close()} from
 *       another with {@code ClosedConnectionException};</li>
 *   <li>WRITE_TIMEOUT — the server does not read; the client's write deadline passes with the
 *       socket buffers full; the server then receives exactly the bytes the client's writes
 *       report (its timed-out write's {@code bytesTransferred} included), every one checked.</li>
 * </ul>
 * Every connection and handler must end; the listener is closed at the end (the accept loop ends
 * with {@code ClosedConnectionException}). Descriptors are checked by the phase after close.
 */
final class NetTraffic extends Episode {
    private static final int HEADER = 17;
    private static final byte ECHO = 0;
    private static final byte SERVER_RESET = 1;
    private static final byte CLIENT_RESET = 2;
    private static final byte READ_TIMEOUT = 3;
    private static final byte CLOSE_WHILE_READING = 4;
    private static final byte WRITE_TIMEOUT = 5;
    private static final String[] MODES = {"echo", "server-reset", "client-reset", "read-timeout",
            "close-while-reading", "write-timeout"};
    /** The most a write-timeout client writes before deciding the deadline never came. */
    private static final long WRITE_TIMEOUT_CAP = 256L << 20;

    private final int conns;
    private final int parallel;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicInteger clientsDone = new AtomicInteger();
    private final ConcurrentHashMap<Long, WriteTimeout> writeTimeouts = new ConcurrentHashMap<>();

    /** What a write-timeout client tells its server: when it timed out, and how much it wrote. */
    private static final class WriteTimeout {
        final Chan<Long> written = Chan.make(1);
    }

    NetTraffic(Phase phase, int number, long seed) {
        super(phase, "net", number, seed);
        conns = 10 + rng.nextInt(51);
        parallel = 1 + rng.nextInt(16);
    }

    @Override
    void launch() {
        long s = rng.nextLong();
        go(() -> root(s));
    }

    private void root(long s) {
        RandomGenerator r = Diag.rng(s);
        try (Listener ln = Net.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            go(() -> acceptLoop(ln));
            Chan<Boolean> tokens = Chan.make(parallel);
            WaitGroup wg = new WaitGroup();
            for (int i = 0; i < conns; i++) {
                tokens.send(Boolean.TRUE);
                int pick = r.nextInt(20);
                byte mode = pick < 9 ? ECHO : pick < 11 ? SERVER_RESET : pick < 13 ? CLIENT_RESET
                        : pick < 16 ? READ_TIMEOUT : pick < 19 ? CLOSE_WHILE_READING : WRITE_TIMEOUT;
                long cs = r.nextLong();
                wg.add(1);
                go(() -> {
                    try {
                        client(ln.address(), mode, cs);
                    } catch (IOException | RuntimeException e) {
                        fail("client (" + MODES[mode] + ", seed " + cs + "): " + e);
                    } finally {
                        clientsDone.incrementAndGet();
                        tokens.recv();
                        wg.done();
                    }
                });
            }
            wg.await();
        } catch (IOException e) {
            fail("listener: " + e);
        }
    }

    private void acceptLoop(Listener ln) {
        while (true) {
            Conn c;
            try {
                c = ln.accept();
            } catch (ClosedConnectionException e) {
                return; // the listener was closed: the end
            } catch (IOException e) {
                fail("accept: " + e);
                return;
            }
            accepted.incrementAndGet();
            go(() -> serve(c));
        }
    }

    // ------------------------------------------------------------------ bytes

    /** The byte at {@code offset} of a connection's stream: cheap, and no two neighbours alike in a pattern. */
    static byte at(long seed, long offset) {
        return (byte) ((seed + offset * 0x9E3779B97F4A7C15L) >>> 56);
    }

    private static void fill(ByteBuffer b, long seed, long offset, int n) {
        b.clear();
        for (int i = 0; i < n; i++) {
            b.put(at(seed, offset + i));
        }
        b.flip();
    }

    /** Checks {@code n} bytes at the start of {@code b}; false (after failing the run) on a mismatch. */
    private boolean check(ByteBuffer b, int n, long seed, long offset, String who) {
        for (int i = 0; i < n; i++) {
            if (b.get(i) != at(seed, offset + i)) {
                fail(who + ": byte " + (offset + i) + " is " + b.get(i) + ", expected " + at(seed, offset + i));
                return false;
            }
        }
        counters.add(Counter.CONN_BYTES, n);
        step();
        return true;
    }

    private static boolean readFully(Conn c, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (c.read(b) < 0) {
                return false;
            }
        }
        b.flip();
        return true;
    }

    private static int readByte(Conn c) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        int n = c.read(one);
        return n < 0 ? -1 : one.get(0) & 0xff;
    }

    private static void writeByte(Conn c, int b) throws IOException {
        c.write(ByteBuffer.wrap(new byte[] {(byte) b}));
    }

    private static void header(Conn c, byte mode, int len, int param, long seed) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        h.put(mode).putInt(len).putInt(param).putLong(seed).flip();
        c.write(h);
    }

    // ------------------------------------------------------------------ server

    private void serve(Conn c) {
        byte mode = -1;
        try (c) {
            ByteBuffer h = ByteBuffer.allocate(HEADER);
            if (!readFully(c, h)) {
                fail("server: the client closed before its header");
                return;
            }
            mode = h.get();
            int len = h.getInt();
            int param = h.getInt();
            long seed = h.getLong();
            switch (mode) {
                case ECHO -> {
                    echo(c, len, seed, false);
                    if (readByte(c) != -1) {
                        fail("server echo: data after the echoed bytes");
                    }
                }
                case SERVER_RESET -> {
                    ByteBuffer b = ByteBuffer.allocate(Math.max(1, param));
                    if (param > 0 && readFully(c, b)) {
                        check(b, param, seed, 0, "server-reset server");
                    }
                    // closing now, with the client's bytes unread: the kernel answers with RST
                }
                case CLIENT_RESET -> echo(c, len, seed, true);
                case READ_TIMEOUT -> serveReadTimeout(c, len);
                case CLOSE_WHILE_READING -> {
                    if (readByte(c) != -1) {
                        fail("server close-while-reading: data from a client that sends none");
                    }
                }
                case WRITE_TIMEOUT -> serveWriteTimeout(c, seed);
                default -> fail("server: unknown mode " + mode);
            }
        } catch (ConnectionResetException e) {
            if (mode == CLIENT_RESET) {
                counters.inc(Counter.CONN_RESETS);
            } else {
                fail("server (" + mode(mode) + "): " + e);
            }
        } catch (IOException | RuntimeException e) {
            fail("server (" + mode(mode) + "): " + e);
        } finally {
            served.incrementAndGet();
        }
    }

    private static String mode(byte mode) {
        return mode >= 0 && mode < MODES.length ? MODES[mode] : "before the header";
    }

    /** Echoes {@code len} bytes, checking them; with {@code eofOk}, an early end of stream is fine. */
    private void echo(Conn c, int len, long seed, boolean eofOk) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16 << 10);
        long total = 0;
        while (total < len) {
            b.clear();
            b.limit((int) Math.min(b.capacity(), len - total));
            int n = c.read(b);
            if (n < 0) {
                if (!eofOk) {
                    fail("server echo: end of stream after " + total + " of " + len + " bytes");
                }
                return;
            }
            if (!check(b, n, seed, total, "echo server")) {
                return;
            }
            b.flip();
            c.write(b);
            total += n;
        }
    }

    private void serveReadTimeout(Conn c, int serverTimeoutMs) throws IOException {
        int b = readByte(c); // the client writes it once its own read has timed out
        if (b != 0x11) {
            fail("server read-timeout: read " + b + ", expected the client's 0x11 (it timed out)");
            return;
        }
        writeByte(c, 0x5A);
        Instant deadline = Instant.now().plusMillis(serverTimeoutMs);
        c.setReadDeadline(deadline);
        try {
            b = readByte(c);
            fail("server read-timeout: read " + b + " instead of timing out (the client sends only after)");
            return;
        } catch (NetTimeoutException expected) {
            timedOut(deadline, "server read-timeout");
        }
        writeByte(c, 0xA5);
        c.setReadDeadline(null);
        b = readByte(c);
        if (b != 0x3C) {
            fail("server read-timeout: read " + b + " after clearing the deadline, expected 0x3C");
            return;
        }
        writeByte(c, 0x3D);
        if (readByte(c) != -1) {
            fail("server read-timeout: data after the exchange");
        }
    }

    /** A deadline passed: not before it (the clocks' slack), and how late it was noticed. */
    private void timedOut(Instant deadline, String who) {
        Instant now = Instant.now();
        if (now.isBefore(deadline.minus(ContextTree.CLOCK_SLACK))) {
            fail(who + ": timed out " + Duration.between(now, deadline).toNanos() / 1000 + " us before the deadline");
        }
        phase.run.noteLateness(phase, Duration.between(deadline, now));
        counters.inc(Counter.CONN_TIMEOUTS);
    }

    private void serveWriteTimeout(Conn c, long seed) throws IOException {
        WriteTimeout w = writeTimeouts.get(seed);
        if (w == null) {
            fail("server write-timeout: no client registered seed " + seed);
            return;
        }
        Long written = w.written.recv(); // reading nothing until the client's write deadline has passed
        if (written == null) {
            return; // the client gave up (already failed)
        }
        ByteBuffer b = ByteBuffer.allocate(64 << 10);
        long total = 0;
        while (true) {
            b.clear();
            int n = c.read(b);
            if (n < 0) {
                break;
            }
            if (!check(b, n, seed, total, "write-timeout server")) {
                return;
            }
            total += n;
        }
        if (total != written) {
            fail("server write-timeout: received " + total + " bytes, the client's writes report " + written);
        }
    }

    // ------------------------------------------------------------------ client

    private void client(SocketAddress addr, byte mode, long cs) throws IOException {
        RandomGenerator r = Diag.rng(cs);
        switch (mode) {
            case ECHO -> clientEcho(addr, r, cs);
            case SERVER_RESET -> clientServerReset(addr, r, cs);
            case CLIENT_RESET -> {
                int len = 1 << 20;
                int part = 1 + r.nextInt(128 << 10);
                try (Conn c = Net.dial(addr, Duration.ofSeconds(5))) {
                    header(c, mode, len, 0, cs);
                    ByteBuffer b = ByteBuffer.allocate(part);
                    fill(b, cs, 0, part);
                    c.write(b);
                    Go.sleep(Duration.ofNanos(r.nextInt(5_000_000))); // some echo arrives, unread
                }
            }
            case READ_TIMEOUT -> clientReadTimeout(addr, r, cs);
            case CLOSE_WHILE_READING -> clientCloseWhileReading(addr, r, cs);
            case WRITE_TIMEOUT -> clientWriteTimeout(addr, r, cs);
            default -> throw new IllegalStateException("mode " + mode);
        }
        counters.inc(Counter.CONNS);
        step();
    }

    private void clientEcho(SocketAddress addr, RandomGenerator r, long cs) throws IOException {
        int len = 1 + r.nextInt(r.nextBoolean() ? 4096 : 200_000);
        long ws = r.nextLong();
        try (Conn c = Net.dial(addr, Duration.ofSeconds(5))) {
            header(c, ECHO, len, 0, cs);
            Chan<Object> writerDone = Chan.make(1);
            go(() -> {
                Object result = Boolean.TRUE;
                try {
                    RandomGenerator wr = Diag.rng(ws);
                    ByteBuffer b = ByteBuffer.allocate(16 << 10);
                    long off = 0;
                    while (off < len) {
                        int n = (int) Math.min(len - off, 1 + wr.nextInt(b.capacity()));
                        fill(b, cs, off, n);
                        c.write(b);
                        off += n;
                        if (wr.nextInt(16) == 0) {
                            Go.sleep(Duration.ofNanos(wr.nextInt(1_000_000)));
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    result = e;
                }
                writerDone.send(result);
            });
            ByteBuffer b = ByteBuffer.allocate(16 << 10);
            long total = 0;
            while (total < len) {
                b.clear();
                int n = c.read(b);
                if (n < 0) {
                    fail("echo client: end of stream after " + total + " of " + len + " bytes");
                    break;
                }
                if (!check(b, n, cs, total, "echo client")) {
                    break;
                }
                total += n;
            }
            Object w = writerDone.recv();
            if (w instanceof Throwable t) {
                fail("echo client's writer: " + t);
                return;
            }
            c.closeWrite();
            if (readByte(c) != -1) {
                fail("echo client: data after the echo");
            }
        }
    }

    private void clientServerReset(SocketAddress addr, RandomGenerator r, long cs) throws IOException {
        int len = (256 << 10) + r.nextInt(2 << 20);
        int part = r.nextInt(64 << 10);
        try (Conn c = Net.dial(addr, Duration.ofSeconds(5))) {
            header(c, SERVER_RESET, len, part, cs);
            ByteBuffer b = ByteBuffer.allocate(64 << 10);
            long off = 0;
            try {
                while (off < len) {
                    int n = (int) Math.min(len - off, b.capacity());
                    fill(b, cs, off, n);
                    c.write(b);
                    off += n;
                    step();
                }
                // Everything fitted in the buffers before the server closed: its RST or FIN comes now.
                if (readByte(c) != -1) {
                    fail("server-reset client: the server sent data");
                }
            } catch (ConnectionResetException e) {
                counters.inc(Counter.CONN_RESETS);
            }
        }
    }

    private void clientReadTimeout(SocketAddress addr, RandomGenerator r, long cs) throws IOException {
        int clientMs = 5 + r.nextInt(50);
        int serverMs = 5 + r.nextInt(30);
        try (Conn c = Net.dial(addr, Duration.ofSeconds(5))) {
            header(c, READ_TIMEOUT, serverMs, 0, cs);
            Instant deadline = Instant.now().plusMillis(clientMs);
            c.setReadDeadline(deadline);
            try {
                int b = readByte(c);
                fail("read-timeout client: read " + b + " although the server sends only after this read timed out");
                return;
            } catch (NetTimeoutException expected) {
                timedOut(deadline, "read-timeout client");
            }
            try {
                readByte(c);
                fail("read-timeout client: a read after the deadline passed did not time out");
                return;
            } catch (NetTimeoutException expected) {
                // Go: every call fails until the deadline moves
            }
            writeByte(c, 0x11); // tells the server we timed out: it answers only now
            c.setReadDeadline(null);
            int b1 = readByte(c);
            int b2 = readByte(c); // the server's own read timed out meanwhile
            if (b1 != 0x5A || b2 != 0xA5) {
                fail("read-timeout client: read " + b1 + ", " + b2 + " after clearing the deadline");
                return;
            }
            writeByte(c, 0x3C);
            int b3 = readByte(c);
            if (b3 != 0x3D) {
                fail("read-timeout client: read " + b3 + " at the end, expected 0x3D");
            }
        }
    }

    private void clientCloseWhileReading(SocketAddress addr, RandomGenerator r, long cs) throws IOException {
        Conn c = Net.dial(addr, Duration.ofSeconds(5));
        try {
            header(c, CLOSE_WHILE_READING, 0, 0, cs);
            Chan<Object> result = Chan.make(1);
            go(() -> {
                Object outcome;
                try {
                    outcome = "read " + readByte(c);
                } catch (ClosedConnectionException e) {
                    outcome = Boolean.TRUE;
                } catch (IOException | RuntimeException e) {
                    outcome = e;
                }
                result.send(outcome);
            });
            Go.sleep(Duration.ofNanos(r.nextInt(20_000_000)));
            c.close();
            Object outcome = result.recv();
            if (outcome != Boolean.TRUE) {
                fail("close-while-reading: the reader ended with " + outcome
                        + " instead of ClosedConnectionException");
            } else {
                counters.inc(Counter.CONN_CLOSED);
            }
        } finally {
            c.close();
        }
    }

    private void clientWriteTimeout(SocketAddress addr, RandomGenerator r, long cs) throws IOException {
        WriteTimeout w = new WriteTimeout();
        writeTimeouts.put(cs, w);
        boolean told = false;
        try (Conn c = Net.dial(addr, Duration.ofSeconds(5))) {
            header(c, WRITE_TIMEOUT, 0, 0, cs);
            Instant deadline = Instant.now().plusMillis(20 + r.nextInt(60));
            c.setWriteDeadline(deadline);
            ByteBuffer b = ByteBuffer.allocate(64 << 10);
            long off = 0;
            boolean timedOut = false;
            while (off < WRITE_TIMEOUT_CAP) {
                fill(b, cs, off, b.capacity());
                try {
                    off += c.write(b);
                    step();
                } catch (NetTimeoutException e) {
                    off += e.bytesTransferred;
                    timedOut = true;
                    break;
                }
            }
            if (!timedOut) {
                fail("write-timeout client: " + off + " bytes written and the write deadline never passed");
                return;
            }
            timedOut(deadline, "write-timeout client");
            w.written.send(off);
            told = true;
            c.closeWrite();
            if (readByte(c) != -1) {
                fail("write-timeout client: the server sent data");
            }
        } finally {
            writeTimeouts.remove(cs);
            if (!told) {
                w.written.close(); // the server stops waiting
            }
        }
    }

    @Override
    void verify() {
        if (accepted.get() != served.get()) {
            fail(accepted.get() + " connections accepted, " + served.get() + " served to the end");
        }
        if (clientsDone.get() != conns) {
            fail(conns + " clients planned, " + clientsDone.get() + " ended");
        }
    }

    @Override
    String state() {
        return "clients " + clientsDone.get() + "/" + conns + " done, accepted " + accepted.get() + ", served "
                + served.get() + "; " + rt.pollerIfCreated().map(Object::toString).orElse("no poller");
    }
}
