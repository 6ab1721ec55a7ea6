package io.gmp4j.netpoll;

import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.tck.fixtures.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static io.gmp4j.netpoll.NetTesting.LOOPBACK;
import static io.gmp4j.netpoll.NetTesting.addr;
import static io.gmp4j.netpoll.NetTesting.assertContains;
import static io.gmp4j.netpoll.NetTesting.async;
import static io.gmp4j.netpoll.NetTesting.asyncRun;
import static io.gmp4j.netpoll.NetTesting.await;
import static io.gmp4j.netpoll.NetTesting.awaitWaiters;
import static io.gmp4j.netpoll.NetTesting.closeQuietly;
import static io.gmp4j.netpoll.NetTesting.inGo;
import static io.gmp4j.netpoll.NetTesting.op;
import static io.gmp4j.netpoll.NetTesting.pair;
import static io.gmp4j.netpoll.NetTesting.poller;
import static io.gmp4j.netpoll.NetTesting.readFully;
import static io.gmp4j.netpoll.NetTesting.readToEnd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Close (waking blocked goroutines), half-close, closed listeners and refused dials, end of stream versus reset. */
class CloseTest {
    private GoRuntime rt;

    @BeforeEach
    void setUp() {
        rt = GoRuntime.builder().maxProcs(2).build();
    }

    @AfterEach
    void tearDown() {
        NetTesting.closeBounded(rt);
    }

    /** Waits for a future that must fail with {@code type}; returns the exception. */
    private static <E extends Throwable> E failure(Class<E> type, CompletableFuture<?> f) {
        return assertThrows(type, () -> await(f));
    }

    @Test
    @Timeout(20)
    void closeWakesABlockedReader() throws Exception {
        try (NetTesting.Pair p = pair(rt)) {
            Conn s = p.server();
            String prefix = op("read", s);
            CompletableFuture<Integer> reader = async(rt, () -> s.read(ByteBuffer.allocate(16)));
            awaitWaiters(rt, 1);
            assertFalse(reader.isDone());
            inGo(rt, () -> {
                s.close();
                return null;
            });
            ClosedConnectionException e = failure(ClosedConnectionException.class, reader);
            assertContains(prefix + ": use of closed connection", e.getMessage());
            assertFalse(s.isOpen());
            // Every later call fails the same way; close is idempotent.
            ClosedConnectionException later = assertThrows(ClosedConnectionException.class,
                    () -> inGo(rt, () -> s.read(ByteBuffer.allocate(1))));
            assertContains("use of closed connection", later.getMessage());
            assertThrows(ClosedConnectionException.class, () -> inGo(rt, () -> s.write(ByteBuffer.wrap(new byte[1]))));
            assertThrows(ClosedConnectionException.class, s::closeWrite);
            assertThrows(ClosedConnectionException.class, s::closeRead);
            s.close();
            // The peer sees end of stream.
            assertEquals(-1, (int) inGo(rt, () -> p.client().read(ByteBuffer.allocate(1))));
            Await.until(() -> poller(rt).waiters() == 0, NetTesting.STEP, "the poller has no waiter left");
        }
    }

    @Test
    @Timeout(20)
    void closeWakesABlockedAccept() throws Exception {
        Listener ln = inGo(rt, () -> Net.listen(LOOPBACK));
        String address = addr(ln.address());
        CompletableFuture<Conn> acceptor = async(rt, ln::accept);
        awaitWaiters(rt, 1);
        assertFalse(acceptor.isDone());
        inGo(rt, () -> {
            ln.close();
            return null;
        });
        ClosedConnectionException e = failure(ClosedConnectionException.class, acceptor);
        assertContains("accept tcp " + address + ": use of closed connection", e.getMessage());
        assertFalse(ln.isOpen());
    }

    /** A writer blocked on a full send buffer (the peer does not read) wakes when another goroutine closes. */
    @Test
    @Timeout(20)
    void closeWakesABlockedWriter() throws Exception {
        try (NetTesting.Pair p = pair(rt)) {
            Conn c = p.client();
            String prefix = op("write", c);
            CompletableFuture<Integer> writer = async(rt, () -> c.write(ByteBuffer.allocate(64 << 20)));
            awaitWaiters(rt, 1);
            assertFalse(writer.isDone(), "64 MB went into the socket buffers");
            inGo(rt, () -> {
                c.close();
                return null;
            });
            ClosedConnectionException e = failure(ClosedConnectionException.class, writer);
            assertContains(prefix + ": use of closed connection", e.getMessage());
        }
    }

    /** Closing from a platform thread wakes a goroutine as well. */
    @Test
    @Timeout(20)
    void closeFromAPlatformThreadWakesReaderAndWriter() throws Exception {
        try (NetTesting.Pair p = pair(rt)) {
            Conn c = p.client();
            CompletableFuture<Integer> reader = async(rt, () -> c.read(ByteBuffer.allocate(16)));
            CompletableFuture<Integer> writer = async(rt, () -> c.write(ByteBuffer.allocate(64 << 20)));
            awaitWaiters(rt, 2);
            c.close();
            failure(ClosedConnectionException.class, reader);
            failure(ClosedConnectionException.class, writer);
        }
    }

    @Test
    @Timeout(20)
    void halfCloseWithCloseWrite() throws Exception {
        byte[] request = "a request of several words, then end of stream".getBytes(StandardCharsets.UTF_8);
        Listener ln = inGo(rt, () -> Net.listen(LOOPBACK));
        try (ln) {
            // Server: read the whole request (until -1), then reply and close.
            CompletableFuture<byte[]> server = async(rt, () -> {
                try (Conn s = ln.accept()) {
                    byte[] got = readToEnd(s);
                    s.write(ByteBuffer.wrap("reply:".getBytes(StandardCharsets.UTF_8)));
                    s.write(ByteBuffer.wrap(got));
                    return got;
                }
            });
            byte[] reply = inGo(rt, () -> {
                try (Conn c = Net.dial(ln.address())) {
                    c.write(ByteBuffer.wrap(request));
                    c.closeWrite();
                    // Writes fail from now on; reads go on.
                    assertThrows(java.io.IOException.class, () -> c.write(ByteBuffer.wrap(new byte[1])));
                    return readToEnd(c);
                }
            });
            assertArrayEquals(request, await(server));
            assertEquals("reply:" + new String(request, StandardCharsets.UTF_8), new String(reply, StandardCharsets.UTF_8));
        }
    }

    @Test
    @Timeout(20)
    void closeReadMakesReadsReturnEndOfStream() throws Exception {
        try (NetTesting.Pair p = pair(rt)) {
            Conn s = p.server();
            Conn c = p.client();
            inGo(rt, () -> {
                s.closeRead();
                assertEquals(-1, s.read(ByteBuffer.allocate(8)));
                assertEquals(-1, s.read(ByteBuffer.allocate(8)));
                // Writing goes on.
                s.write(ByteBuffer.wrap("still".getBytes()));
                assertArrayEquals("still".getBytes(), readFully(c, 5));
                return null;
            });
        }
    }

    /** closeRead from another goroutine ends a read blocked on the poller with end of stream. */
    @Test
    @Timeout(20)
    void closeReadWakesABlockedReader() throws Exception {
        try (NetTesting.Pair p = pair(rt)) {
            Conn s = p.server();
            CompletableFuture<Integer> reader = async(rt, () -> s.read(ByteBuffer.allocate(8)));
            awaitWaiters(rt, 1);
            inGo(rt, () -> {
                s.closeRead();
                return null;
            });
            assertEquals(-1, (int) await(reader));
        }
    }

    @Test
    @Timeout(20)
    void acceptAfterCloseFailsAndDialIsRefused() throws Exception {
        Listener ln = inGo(rt, () -> Net.listen(LOOPBACK));
        SocketAddress address = ln.address();
        int port = ((InetSocketAddress) address).getPort();
        assertTrue(port > 0);
        ln.close();
        ln.close(); // idempotent
        ClosedConnectionException e = assertThrows(ClosedConnectionException.class, () -> inGo(rt, ln::accept));
        assertContains("accept tcp 127.0.0.1:" + port + ": use of closed connection", e.getMessage());
        // The port was released by close: nobody listens, the dial is refused.
        ConnectException refused = assertThrows(ConnectException.class, () -> inGo(rt, () -> Net.dial(address)));
        assertContains("dial tcp 127.0.0.1:" + port, refused.getMessage());
        assertContains("refused", refused.getMessage());
        ConnectException refusedWithTimeout = assertThrows(ConnectException.class,
                () -> inGo(rt, () -> Net.dial(address, Duration.ofSeconds(5))));
        assertContains("dial tcp 127.0.0.1:" + port, refusedWithTimeout.getMessage());
        // The refused dials left no registration behind.
        Await.until(() -> poller(rt).registrations() == 0, NetTesting.STEP, "no registration is left");
        // The port can be listened on again (released at once, before close returned).
        Listener again = inGo(rt, () -> Net.listen(address));
        again.close();
    }

    /** The peer closes normally: end of stream (-1), not an exception; again and again. */
    @SuppressWarnings("try") // closes a resource explicitly on purpose
    @Test
    @Timeout(20)
    void peerCloseIsEndOfStream() throws Exception {
        Listener ln = inGo(rt, () -> Net.listen(LOOPBACK));
        try (ln; Socket peer = new Socket()) {
            peer.connect(ln.address());
            Conn s = inGo(rt, ln::accept);
            try (s) {
                CompletableFuture<byte[]> reader = async(rt, () -> readToEnd(s));
                awaitWaiters(rt, 1);
                OutputStream out = peer.getOutputStream();
                out.write("bye".getBytes());
                out.flush();
                peer.close();
                assertArrayEquals("bye".getBytes(), await(reader));
                assertEquals(-1, (int) inGo(rt, () -> s.read(ByteBuffer.allocate(1))), "EOF again");
            }
        }
    }

    /** The peer resets (SO_LINGER 0): a blocked read and later calls fail with ConnectionResetException. */
    @SuppressWarnings("try") // closes a resource explicitly on purpose
    @Test
    @Timeout(20)
    void peerResetIsConnectionReset() throws Exception {
        Listener ln = inGo(rt, () -> Net.listen(LOOPBACK));
        try (ln; Socket peer = new Socket()) {
            peer.connect(ln.address());
            Conn s = inGo(rt, ln::accept);
            try (s) {
                String prefix = op("read", s);
                CompletableFuture<Integer> reader = async(rt, () -> s.read(ByteBuffer.allocate(16)));
                awaitWaiters(rt, 1);
                peer.setSoLinger(true, 0);
                peer.close(); // RST
                ConnectionResetException e = failure(ConnectionResetException.class, reader);
                assertContains(prefix + ": connection reset", e.getMessage());
                assertInstanceOf(java.net.SocketException.class, e);
                // The connection is dead: a write fails as reset too (reset or broken pipe), not as closed.
                assertThrows(ConnectionResetException.class, () -> inGo(rt, () -> {
                    ByteBuffer b = ByteBuffer.allocate(1 << 20);
                    for (int i = 0; i < 64; i++) {
                        s.write(b.clear());
                    }
                    return null;
                }));
                assertTrue(s.isOpen(), "a reset does not close our end");
            }
        }
    }

    /** A reset that arrives while nobody waits: the next read reports it (not end of stream). */
    @SuppressWarnings("try") // closes a resource explicitly on purpose
    @Test
    @Timeout(20)
    void resetBeforeTheReadIsConnectionReset() throws Exception {
        Listener ln = inGo(rt, () -> Net.listen(LOOPBACK));
        try (ln; Socket peer = new Socket()) {
            peer.connect(ln.address());
            Conn s = inGo(rt, ln::accept);
            try (s) {
                peer.setSoLinger(true, 0);
                peer.close();
                // Bounded: the RST travels through loopback; until it arrives the read would block,
                // so each attempt carries a short deadline and timeouts are retried.
                Await.until(() -> {
                    try {
                        int n = inGo(rt, () -> {
                            s.setReadDeadline(java.time.Instant.now().plusMillis(50));
                            return s.read(ByteBuffer.allocate(1));
                        });
                        throw new AssertionError("read returned " + n + " after a reset");
                    } catch (NetTimeoutException retry) {
                        return false;
                    } catch (ConnectionResetException expected) {
                        return true;
                    } catch (Exception e) {
                        throw new AssertionError("the read failed otherwise than with a reset", e);
                    }
                }, NetTesting.STEP, "the reset arrived");
            }
        }
    }

    /** Both ends close while goroutines still wait elsewhere: an accept loop ends cleanly on close. */
    @SuppressWarnings("try") // closes a resource explicitly on purpose
    @Test
    @Timeout(20)
    void anAcceptLoopEndsOnClose() throws Exception {
        Listener ln = inGo(rt, () -> Net.listen(LOOPBACK));
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        CompletableFuture<Void> loop = asyncRun(rt, () -> {
            while (true) {
                try (Conn c = ln.accept()) {
                    accepted.incrementAndGet();
                } catch (ClosedConnectionException e) {
                    return;
                }
            }
        });
        for (int i = 0; i < 10; i++) {
            inGo(rt, () -> {
                try (Conn c = Net.dial(ln.address())) {
                    return c.read(ByteBuffer.allocate(1)); // the loop closes it: -1
                }
            });
        }
        assertEquals(10, accepted.get());
        ln.close();
        await(loop);
        closeQuietly(ln);
    }

    /** An interrupt wakes a blocked read with InterruptedIOException; the connection stays open and usable. */
    @Test
    @Timeout(20)
    void anInterruptIsNotAClose() throws Exception {
        try (NetTesting.Pair p = pair(rt)) {
            Conn s = p.server();
            CompletableFuture<java.io.InterruptedIOException> interrupted = new CompletableFuture<>();
            CompletableFuture<String> after = new CompletableFuture<>();
            Thread reader = rt.go(() -> {
                try {
                    s.read(ByteBuffer.allocate(1));
                    interrupted.completeExceptionally(new AssertionError("read returned"));
                    return;
                } catch (java.io.InterruptedIOException e) {
                    if (!Thread.interrupted()) { // clears the status for the next read
                        interrupted.completeExceptionally(new AssertionError("the interrupt status was not kept", e));
                        return;
                    }
                    interrupted.complete(e);
                } catch (Throwable t) {
                    interrupted.completeExceptionally(t);
                    return;
                }
                try {
                    after.complete(new String(readFully(s, 2)));
                } catch (Throwable t) {
                    after.completeExceptionally(t);
                }
            });
            awaitWaiters(rt, 1);
            reader.interrupt();
            java.io.InterruptedIOException e = await(interrupted);
            assertContains(op("read", s) + ": interrupted", e.getMessage());
            assertTrue(s.isOpen(), "an interrupt does not close the connection");
            inGo(rt, () -> p.client().write(ByteBuffer.wrap("ok".getBytes())));
            assertEquals("ok", await(after));
        }
    }

    /**
     * Closing a runtime fails the calls still waiting on its sockets (here a platform thread's
     * read), and the sockets can still be closed afterwards.
     */
    @Test
    @Timeout(20)
    void closingTheRuntimeFailsItsSockets() throws Exception {
        GoRuntime other = GoRuntime.builder().maxProcs(2).build();
        NetTesting.Pair p;
        try {
            p = pair(other);
        } catch (Exception e) {
            NetTesting.closeBounded(other);
            throw e;
        }
        CompletableFuture<Integer> reader = new CompletableFuture<>();
        Thread platform = Thread.ofPlatform().start(() -> {
            try {
                reader.complete(p.client().read(ByteBuffer.allocate(1)));
            } catch (Throwable t) {
                reader.completeExceptionally(t);
            }
        });
        awaitWaiters(other, 1);
        NetTesting.closeBounded(other); // no goroutine is left: returns, closing the poller
        ClosedConnectionException e = assertThrows(ClosedConnectionException.class, () -> await(reader));
        assertContains("use of closed connection", e.getMessage());
        platform.join(NetTesting.STEP.toMillis());
        assertThrows(ClosedConnectionException.class, () -> p.server().read(ByteBuffer.allocate(1)));
        p.close(); // must not hang on the closed poller
        assertFalse(p.client().isOpen());
        assertFalse(p.listener().isOpen());
    }
}
