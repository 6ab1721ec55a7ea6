package io.gmp4j.netpoll;

import io.gmp4j.netpoll.NetTesting.TestRuntime;
import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.tck.fixtures.Await;
import io.gmp4j.tck.fixtures.EveryScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.gmp4j.netpoll.NetTesting.LOOPBACK;
import static io.gmp4j.netpoll.NetTesting.STEP;
import static io.gmp4j.netpoll.NetTesting.async;
import static io.gmp4j.netpoll.NetTesting.asyncRun;
import static io.gmp4j.netpoll.NetTesting.await;
import static io.gmp4j.netpoll.NetTesting.awaitWaiters;
import static io.gmp4j.netpoll.NetTesting.closeQuietly;
import static io.gmp4j.netpoll.NetTesting.inGo;
import static io.gmp4j.netpoll.NetTesting.poller;
import static io.gmp4j.netpoll.NetTesting.readFully;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Echo servers on loopback: many concurrent connections, stream views, other schedulers, platform-thread callers. */
@SuppressWarnings("try") // closes try-with-resources resources explicitly on purpose
class EchoTest {

    /** An echo server: an accept loop goroutine and a goroutine per connection, until the listener closes. */
    private static final class EchoServer implements AutoCloseable {
        final Listener ln;
        final AtomicLong echoed = new AtomicLong();
        final AtomicInteger served = new AtomicInteger();
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final CompletableFuture<Void> acceptLoop;

        EchoServer(GoRuntime rt) throws Exception {
            ln = inGo(rt, () -> Net.listen(LOOPBACK));
            acceptLoop = asyncRun(rt, () -> {
                while (true) {
                    Conn c;
                    try {
                        c = ln.accept();
                    } catch (ClosedConnectionException e) {
                        return; // the listener closed: the loop ends, as Go's servers do on net.ErrClosed
                    }
                    rt.go(() -> echo(c));
                }
            });
        }

        private void echo(Conn c) {
            try (c) {
                ByteBuffer b = ByteBuffer.allocate(1500);
                while (c.read(b) > 0) {
                    b.flip();
                    echoed.addAndGet(c.write(b));
                    b.clear();
                }
                served.incrementAndGet();
            } catch (Throwable t) {
                errors.add(t);
            }
        }

        @Override
        public void close() throws Exception {
            ln.close();
            await(acceptLoop);
        }
    }

    /** A per-connection pseudo-random pattern. */
    private static byte[] pattern(long seed, int n) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /**
     * Sends {@code data} in chunks of pseudo-random size, reading each chunk's echo back and
     * checking it byte for byte; then shuts down writing and expects end of stream.
     */
    private static void echoClient(SocketAddress server, long seed, byte[] data) throws Exception {
        SplittableRandom sizes = new SplittableRandom(~seed);
        try (Conn c = Net.dial(server)) {
            int off = 0;
            while (off < data.length) {
                int n = Math.min(data.length - off, 1 + sizes.nextInt(1400));
                ByteBuffer src = ByteBuffer.wrap(data, off, n);
                assertEquals(n, c.write(src));
                assertEquals(0, src.remaining(), "write returns having written everything");
                byte[] back = readFully(c, n);
                if (!Arrays.equals(data, off, off + n, back, 0, n)) {
                    throw new AssertionError("connection " + seed + ": echoed bytes differ at offset " + off);
                }
                off += n;
            }
            c.closeWrite();
            assertEquals(-1, c.read(ByteBuffer.allocate(16)), "the server closes after our closeWrite");
        }
    }

    @Test
    @Timeout(60)
    void thousandConcurrentConnectionsEchoEveryByte() throws Exception {
        final int conns = 1000;
        final int size = 4096;
        try (TestRuntime tr = new TestRuntime(GoRuntime.builder().maxProcs(2))) {
            GoRuntime rt = tr.rt();
            EchoServer server = new EchoServer(rt);
            try {
                SocketAddress addr = server.ln.address();
                List<CompletableFuture<Void>> clients = new ArrayList<>();
                for (int i = 0; i < conns; i++) {
                    long seed = i * 7919L + 1;
                    clients.add(asyncRun(rt, () -> echoClient(addr, seed, pattern(seed, size))));
                }
                for (CompletableFuture<Void> f : clients) {
                    await(rt, f, java.time.Duration.ofSeconds(30));
                }
                Await.until(() -> server.served.get() + server.errors.size() == conns, STEP,
                        "the server finished every connection");
                assertTrue(server.errors.isEmpty(), () -> "server errors: " + server.errors);
                assertEquals((long) conns * size, server.echoed.get());
                // Every connection closed on both sides: only the listener is registered, nobody waits
                // but the accept loop.
                Await.until(() -> poller(rt).registrations() == 1, STEP, "only the listener is registered");
                assertEquals(1, poller(rt).waiters(), "only the accept loop waits");
            } finally {
                server.close();
            }
        }
    }

    /** Handlers that throw do not take the poller or the accept loop down. */
    @Test
    @Timeout(30)
    void thePollerKeepsServingAfterHandlersThrow() throws Exception {
        ConcurrentLinkedQueue<Throwable> uncaught = new ConcurrentLinkedQueue<>();
        try (TestRuntime tr = new TestRuntime(GoRuntime.builder().maxProcs(2).uncaughtExceptionHandler((t, e) -> uncaught.add(e)))) {
            GoRuntime rt = tr.rt();
            Listener ln = inGo(rt, () -> Net.listen(LOOPBACK));
            try {
                // Each handler reads one byte: 'x' makes it throw (its connection closed by
                // try-with-resources on the way out), anything else is echoed.
                CompletableFuture<Void> loop = NetTesting.serveEach(rt, ln, c -> {
                    try (c) {
                        byte[] one = readFully(c, 1);
                        if (one[0] == 'x') {
                            throw new IllegalStateException("handler failure (expected by the test)");
                        }
                        c.write(ByteBuffer.wrap(one));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                final int failing = 50;
                for (int round = 0; round < 2; round++) {
                    List<CompletableFuture<Integer>> fs = new ArrayList<>();
                    for (int i = 0; i < failing; i++) {
                        fs.add(async(rt, () -> {
                            try (Conn c = Net.dial(ln.address())) {
                                c.write(ByteBuffer.wrap(new byte[] {'x'}));
                                return c.read(ByteBuffer.allocate(1)); // the handler threw and closed: EOF
                            }
                        }));
                    }
                    for (CompletableFuture<Integer> f : fs) {
                        assertEquals(-1, await(f));
                    }
                    List<CompletableFuture<byte[]>> ok = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        byte b = (byte) ('a' + i % 20);
                        ok.add(async(rt, () -> {
                            try (Conn c = Net.dial(ln.address())) {
                                c.write(ByteBuffer.wrap(new byte[] {b}));
                                byte[] got = readFully(c, 1);
                                return new byte[] {b, got[0]};
                            }
                        }));
                    }
                    for (CompletableFuture<byte[]> f : ok) {
                        byte[] r = await(f);
                        assertEquals(r[0], r[1], "served after handlers threw");
                    }
                }
                Await.until(() -> uncaught.size() >= 2 * failing, STEP,
                        "every handler failure reached the uncaught-exception handler");
                assertEquals(2 * failing, uncaught.size());
                for (Throwable t : uncaught) {
                    assertEquals(IllegalStateException.class, t.getClass(), () -> "unexpected: " + t);
                }
                ln.close();
                await(loop);
            } finally {
                closeQuietly(ln);
            }
        }
    }

    /** Conn's InputStream and OutputStream views: DataOutputStream in, DataInputStream readFully out. */
    @Test
    @Timeout(30)
    void streamViews() throws Exception {
        byte[] blob = pattern(42, 300_000); // larger than the socket buffers: writes and reads park
        try (TestRuntime tr = new TestRuntime(GoRuntime.builder().maxProcs(2))) {
            GoRuntime rt = tr.rt();
            try (EchoServer server = new EchoServer(rt)) {
                String result = inGo(rt, () -> {
                    Conn c = Net.dial(server.ln.address());
                    CompletableFuture<Void> writer = asyncRun(rt, () -> {
                        DataOutputStream out = new DataOutputStream(c.outputStream());
                        out.writeInt(blob.length);
                        out.writeUTF("héllo, wörld");
                        out.write(blob);
                        out.write(0x7f);
                        out.flush();
                        c.closeWrite();
                    });
                    InputStream raw = c.inputStream();
                    DataInputStream in = new DataInputStream(raw);
                    assertEquals(blob.length, in.readInt());
                    String s = in.readUTF();
                    byte[] back = new byte[blob.length];
                    in.readFully(back);
                    assertArrayEquals(blob, back);
                    assertEquals(0x7f, in.read());
                    assertEquals(-1, in.read(), "end of stream after the echo server closed");
                    assertThrows(EOFException.class, in::readByte);
                    await(writer);
                    raw.close(); // closing the stream closes the connection
                    assertFalse(c.isOpen());
                    assertThrows(ClosedConnectionException.class, () -> c.read(ByteBuffer.allocate(1)));
                    return s;
                });
                assertEquals("héllo, wörld", result);
            }
        }
    }

    /** The jdk and fifo schedulers serve the poller from a poller thread; gmp drives it itself. */
    @EveryScheduler
    @Timeout(30)
    void echoOnEachScheduler(String scheduler) throws Exception {
        assertTrue(GoRuntime.availableSchedulers().contains(scheduler), () -> GoRuntime.availableSchedulers().toString());
        try (TestRuntime tr = new TestRuntime(GoRuntime.builder().scheduler(scheduler).maxProcs(2))) {
            GoRuntime rt = tr.rt();
            assertEquals(scheduler, rt.schedulerName());
            try (EchoServer server = new EchoServer(rt)) {
                SocketAddress addr = server.ln.address();
                List<CompletableFuture<Void>> clients = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    long seed = 1000 + i;
                    clients.add(asyncRun(rt, () -> echoClient(addr, seed, pattern(seed, 20_000))));
                }
                for (CompletableFuture<Void> f : clients) {
                    await(f);
                }
                Await.until(() -> server.served.get() == 50, STEP, "the server finished every connection");
                assertTrue(server.errors.isEmpty(), () -> "server errors: " + server.errors);
                assertEquals(50L * 20_000, server.echoed.get());

                // Deadlines (timers of this scheduler) and close wake-ups work here too.
                inGo(rt, () -> {
                    try (Conn c = Net.dial(server.ln.address())) {
                        java.time.Instant deadline = java.time.Instant.now().plusMillis(100);
                        c.setReadDeadline(deadline);
                        assertThrows(NetTimeoutException.class, () -> c.read(ByteBuffer.allocate(1)));
                        assertFalse(java.time.Instant.now().plusMillis(1).isBefore(deadline), "fired early");
                        c.setReadDeadline(null);
                        CompletableFuture<Integer> blocked = async(rt, () -> c.read(ByteBuffer.allocate(1)));
                        awaitWaiters(rt, 2); // the accept loop and this reader
                        c.close();
                        assertThrows(ClosedConnectionException.class, () -> await(blocked));
                    }
                    return null;
                });
            }
        }
    }

    /**
     * A platform thread uses a connection of an idle gmp runtime: it parks on the poller, which no
     * goroutine is busy driving, and must still be woken for reads, writes and accepts.
     */
    @Test
    @Timeout(30)
    void aPlatformThreadUsesAConnOfAnIdleRuntime() throws Exception {
        try (TestRuntime tr = new TestRuntime(GoRuntime.builder().maxProcs(2))) {
            GoRuntime rt = tr.rt();
            Chan<Listener> listeners = Chan.make(1);
            rt.go(() -> {
                try {
                    listeners.send(Net.listen(LOOPBACK));
                } catch (Exception e) {
                    listeners.send(null);
                }
            });
            Listener ln = listeners.recv();
            assertTrue(ln != null, "listen failed");
            try (ln; Socket peer = new Socket()) {
                // The dial goroutine hands the connection over and ends: no goroutine is left.
                Chan<Conn> conns = Chan.make(1);
                peer.connect(ln.address());
                rt.go(() -> {
                    try {
                        conns.send(Net.dial(ln.address()));
                    } catch (Exception e) {
                        conns.send(null);
                    }
                });
                Conn dialed = conns.recv();
                assertTrue(dialed != null, "dial failed");
                Await.until(() -> rt.numGoroutine() == 0, STEP, "the runtime is idle");
                // Accept on this (platform) thread: the first connection, from the plain socket, is queued.
                try (Conn accepted = ln.accept(); Conn second = ln.accept(); dialed) {
                    assertEquals(peer.getLocalSocketAddress(), accepted.remoteAddress());
                    assertEquals(dialed.localAddress(), second.remoteAddress());

                    // Read, parked: a second platform thread writes once we are parked on the poller.
                    Thread writer = Thread.ofPlatform().start(() -> {
                        try {
                            awaitWaiters(rt, 1);
                            OutputStream out = peer.getOutputStream();
                            out.write(new byte[] {1, 2, 3});
                            out.flush();
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    });
                    assertArrayEquals(new byte[] {1, 2, 3}, readFully(accepted, 3));
                    writer.join(STEP.toMillis());

                    // Write more than the socket buffers hold: parks for OP_WRITE while a reader drains.
                    byte[] big = pattern(7, 8 << 20);
                    byte[] got = new byte[big.length];
                    Thread reader = Thread.ofPlatform().start(() -> {
                        try {
                            new DataInputStream(peer.getInputStream()).readFully(got);
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    });
                    assertEquals(big.length, accepted.write(ByteBuffer.wrap(big)));
                    reader.join(STEP.toMillis());
                    assertArrayEquals(big, got);

                    // The dialed connection too: goroutine-made, used here, served by another platform thread.
                    Thread echo = Thread.ofPlatform().start(() -> {
                        try {
                            byte[] b = readFully(second, 5);
                            second.write(ByteBuffer.wrap(b));
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    });
                    awaitWaiters(rt, 1);
                    dialed.write(ByteBuffer.wrap("hello".getBytes()));
                    assertArrayEquals("hello".getBytes(), readFully(dialed, 5));
                    echo.join(STEP.toMillis());

                    // Accept, parked: a platform thread connects once we wait on the poller.
                    CompletableFuture<Socket> third = CompletableFuture.supplyAsync(() -> {
                        awaitWaiters(rt, 1);
                        Socket s = new Socket();
                        try {
                            s.connect(ln.address());
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        return s;
                    }, r -> Thread.ofPlatform().start(r));
                    try (Conn c3 = ln.accept(); Socket s3 = await(third)) {
                        assertEquals(s3.getLocalSocketAddress(), c3.remoteAddress());
                    }
                }
            }
        }
    }

    /** Reads and writes of one connection proceed concurrently: both directions carry 16 MB at once. */
    @Test
    @Timeout(30)
    void fullDuplexLargeTransfers() throws Exception {
        final int size = 16 << 20;
        byte[] up = pattern(1, size);
        byte[] down = pattern(2, size);
        try (TestRuntime tr = new TestRuntime(GoRuntime.builder().maxProcs(2)); NetTesting.Pair p = NetTesting.pair(tr.rt())) {
            GoRuntime rt = tr.rt();
            // Each side writes everything before reading anything: only concurrent reading keeps it going.
            CompletableFuture<Integer> w1 = async(rt, () -> p.client().write(ByteBuffer.wrap(up)));
            CompletableFuture<Integer> w2 = async(rt, () -> p.server().write(ByteBuffer.wrap(down)));
            CompletableFuture<byte[]> r1 = async(rt, () -> readFully(p.server(), size));
            CompletableFuture<byte[]> r2 = async(rt, () -> readFully(p.client(), size));
            assertEquals(size, await(w1));
            assertEquals(size, await(w2));
            assertArrayEquals(up, await(r1));
            assertArrayEquals(down, await(r2));
        }
    }

    /**
     * Concurrent writers on one connection take turns, each write whole (Go's fdMutex): records
     * never interleave. Several goroutines accept on one listener concurrently.
     */
    @Test
    @Timeout(30)
    void concurrentWritersTakeTurnsAndAcceptorsShareAListener() throws Exception {
        final int writers = 4;
        final int records = 2000;
        final int recordSize = 4096; // larger than what one non-blocking write may take when the buffer is nearly full
        try (TestRuntime tr = new TestRuntime(GoRuntime.builder().maxProcs(2)); NetTesting.Pair p = NetTesting.pair(tr.rt())) {
            GoRuntime rt = tr.rt();
            List<CompletableFuture<Integer>> ws = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                ws.add(async(rt, () -> {
                    for (int i = 0; i < records; i++) {
                        ByteBuffer rec = ByteBuffer.allocate(recordSize);
                        while (rec.hasRemaining()) {
                            rec.putInt(id).putInt(i);
                        }
                        p.client().write(rec.flip());
                    }
                    return records;
                }));
            }
            int[] next = new int[writers];
            inGo(rt, () -> {
                for (int n = 0; n < writers * records; n++) {
                    ByteBuffer rec = ByteBuffer.wrap(readFully(p.server(), recordSize));
                    int id = rec.getInt(0);
                    int seq = rec.getInt(4);
                    assertTrue(id >= 0 && id < writers, "record " + n + ": writer " + id);
                    assertEquals(next[id], seq, "writer " + id + "'s records in order");
                    while (rec.hasRemaining()) {
                        if (rec.getInt() != id || rec.getInt() != seq) {
                            throw new AssertionError("record " + n + " interleaved with another write");
                        }
                    }
                    next[id]++;
                }
                return null;
            });
            for (CompletableFuture<Integer> f : ws) {
                assertEquals(records, await(f));
            }

            // Acceptors: 8 goroutines in accept at once on the pair's listener; 8 dials reach 8 of them.
            Listener ln = p.listener();
            List<CompletableFuture<Conn>> acceptors = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                acceptors.add(async(rt, ln::accept));
            }
            List<Conn> dialed = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    dialed.add(inGo(rt, () -> Net.dial(ln.address())));
                }
                java.util.Set<java.net.SocketAddress> remotes = new java.util.HashSet<>();
                for (CompletableFuture<Conn> f : acceptors) {
                    try (Conn c = await(f)) {
                        remotes.add(c.remoteAddress());
                    }
                }
                java.util.Set<java.net.SocketAddress> locals = new java.util.HashSet<>();
                dialed.forEach(c -> locals.add(c.localAddress()));
                assertEquals(locals, remotes, "each dialed connection accepted exactly once");
            } finally {
                closeQuietly(dialed.toArray(new AutoCloseable[0]));
            }
        }
    }
}
