package io.gmp4j.netpoll;

import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.tck.fixtures.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import static io.gmp4j.netpoll.NetTesting.LOOPBACK;
import static io.gmp4j.netpoll.NetTesting.addr;
import static io.gmp4j.netpoll.NetTesting.assertContains;
import static io.gmp4j.netpoll.NetTesting.async;
import static io.gmp4j.netpoll.NetTesting.await;
import static io.gmp4j.netpoll.NetTesting.awaitWaiters;
import static io.gmp4j.netpoll.NetTesting.closeQuietly;
import static io.gmp4j.netpoll.NetTesting.inGo;
import static io.gmp4j.netpoll.NetTesting.op;
import static io.gmp4j.netpoll.NetTesting.pair;
import static io.gmp4j.netpoll.NetTesting.readFully;
import static io.gmp4j.netpoll.NetTesting.readToEnd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Read, write and accept deadlines: they fire no earlier than set, persist until moved, and can be moved. */
class DeadlineTest {
    /**
     * Slack for "not early": deadlines are given as wall-clock instants and timed on the monotonic
     * clock, which may disagree by a fraction of a millisecond.
     */
    private static final Duration CLOCK_SLACK = Duration.ofMillis(1);
    /** A deadline must fire within this much after it passed (loaded machines included). */
    private static final Duration LATE = Duration.ofSeconds(3);

    private GoRuntime rt;
    private NetTesting.Pair p;

    @BeforeEach
    void setUp() throws Exception {
        rt = GoRuntime.builder().maxProcs(2).build();
        p = pair(rt);
    }

    @AfterEach
    void tearDown() {
        if (p != null) {
            p.close();
        }
        NetTesting.closeBounded(rt);
    }

    /** Asserts that now is not before {@code deadline} and not much after it. */
    private static void assertFiredAt(Instant deadline) {
        Instant now = Instant.now();
        assertFalse(now.plus(CLOCK_SLACK).isBefore(deadline), () -> "fired early: at " + now + ", deadline " + deadline);
        assertTrue(now.isBefore(deadline.plus(LATE)), () -> "fired late: at " + now + ", deadline " + deadline);
    }

    /** Asserts that {@code body} fails with a read/write timeout at once (well before any blocking would end). */
    private static NetTimeoutException assertTimesOutAtOnce(NetTesting.Job body) {
        long t0 = System.nanoTime();
        NetTimeoutException e = assertThrows(NetTimeoutException.class, body::run);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 1000, () -> "took " + ms + " ms; expected to fail at once");
        return e;
    }

    @Test
    @Timeout(20)
    void readDeadlineFiresNotEarlyAndPersistsUntilMoved() throws Exception {
        Conn s = p.server();
        Conn c = p.client();
        inGo(rt, () -> {
            Instant deadline = Instant.now().plusMillis(200);
            s.setReadDeadline(deadline);
            NetTimeoutException e = assertThrows(NetTimeoutException.class, () -> s.read(ByteBuffer.allocate(16)));
            assertFiredAt(deadline);
            assertInstanceOf(SocketTimeoutException.class, e);
            assertContains(op("read", s) + ": i/o timeout", e.getMessage());

            // Data arrives, but the deadline has passed and was not moved: still a timeout, at once.
            c.write(ByteBuffer.wrap("abc".getBytes()));
            NetTimeoutException again = assertTimesOutAtOnce(() -> s.read(ByteBuffer.allocate(16)));
            assertContains("i/o timeout", again.getMessage());

            // Clearing the deadline makes reads work again: the data was kept.
            s.setReadDeadline(null);
            assertArrayEquals("abc".getBytes(), readFully(s, 3));

            // A timeout again, then moved into the future instead of cleared.
            s.setReadDeadline(Instant.now().plusMillis(50));
            assertThrows(NetTimeoutException.class, () -> s.read(ByteBuffer.allocate(16)));
            s.setReadDeadline(Instant.now().plusSeconds(30));
            c.write(ByteBuffer.wrap("de".getBytes()));
            assertArrayEquals("de".getBytes(), readFully(s, 2));

            // The write direction was never affected.
            s.write(ByteBuffer.wrap("ok".getBytes()));
            assertArrayEquals("ok".getBytes(), readFully(c, 2));
            return null;
        });
    }

    /** Go's prepareRead: a deadline already in the past fails the read before it looks at the socket. */
    @Test
    @Timeout(20)
    void pastDeadlineFailsImmediatelyEvenWithDataAvailable() throws Exception {
        Conn s = p.server();
        Conn c = p.client();
        inGo(rt, () -> {
            c.write(ByteBuffer.wrap("hello".getBytes()));
            assertEquals('h', readFully(s, 1)[0]); // the rest, "ello", is now in the receive buffer
            s.setReadDeadline(Instant.now().minusSeconds(1));
            assertTimesOutAtOnce(() -> s.read(ByteBuffer.allocate(16)));
            s.setReadDeadline(Instant.EPOCH);
            assertTimesOutAtOnce(() -> s.read(ByteBuffer.allocate(16)));
            s.setReadDeadline(null);
            assertArrayEquals("ello".getBytes(), readFully(s, 4));

            // The same for writes: the send buffer has room, but the deadline has passed.
            c.setWriteDeadline(Instant.now().minusMillis(1));
            NetTimeoutException w = assertTimesOutAtOnce(() -> c.write(ByteBuffer.wrap("lost".getBytes())));
            assertContains(op("write", c) + ": i/o timeout", w.getMessage());
            assertEquals(0, w.bytesTransferred);
            c.setWriteDeadline(null);
            c.write(ByteBuffer.wrap("kept".getBytes()));
            assertArrayEquals("kept".getBytes(), readFully(s, 4), "the failed write sent nothing");
            return null;
        });
    }

    /** setDeadline sets both directions. */
    @Test
    @Timeout(20)
    void setDeadlineCoversBothDirections() throws Exception {
        Conn s = p.server();
        Conn c = p.client();
        inGo(rt, () -> {
            s.setDeadline(Instant.now().minusMillis(1));
            assertTimesOutAtOnce(() -> s.read(ByteBuffer.allocate(1)));
            assertTimesOutAtOnce(() -> s.write(ByteBuffer.wrap(new byte[1])));
            s.setDeadline(null);
            s.write(ByteBuffer.wrap(new byte[] {9}));
            assertEquals(9, readFully(c, 1)[0]);
            c.write(ByteBuffer.wrap(new byte[] {8}));
            assertEquals(8, readFully(s, 1)[0]);
            return null;
        });
    }

    @Test
    @Timeout(20)
    void extendingADeadlineBeforeItFiresDelaysTheTimeout() throws Exception {
        Conn s = p.server();
        inGo(rt, () -> {
            s.setReadDeadline(Instant.now().plusMillis(100));
            Instant later = Instant.now().plusMillis(600);
            s.setReadDeadline(later);
            assertThrows(NetTimeoutException.class, () -> s.read(ByteBuffer.allocate(1)));
            assertFiredAt(later); // the first setting's timer, 100 ms, did nothing
            return null;
        });
    }

    /** Moving the deadline of a goroutine already blocked in read: later, then sooner. */
    @Test
    @Timeout(20)
    void movingTheDeadlineOfABlockedReader() throws Exception {
        Conn s = p.server();
        // Extended while blocked.
        s.setReadDeadline(Instant.now().plusMillis(500));
        CompletableFuture<Instant> blocked = async(rt, () -> {
            try {
                s.read(ByteBuffer.allocate(1));
                return null;
            } catch (NetTimeoutException e) {
                return Instant.now();
            }
        });
        awaitWaiters(rt, 1);
        assertFalse(blocked.isDone(), "the reader timed out before the test could extend its deadline");
        Instant later = Instant.now().plusMillis(700);
        s.setReadDeadline(later);
        Instant fired = await(blocked);
        assertTrue(fired != null, "read returned instead of timing out");
        assertFalse(fired.plus(CLOCK_SLACK).isBefore(later), () -> "fired at " + fired + ", before the extended " + later);

        // Shortened while blocked: no deadline, then one in the past wakes the reader at once.
        s.setReadDeadline(null);
        CompletableFuture<Instant> forever = async(rt, () -> {
            try {
                s.read(ByteBuffer.allocate(1));
                return null;
            } catch (NetTimeoutException e) {
                return Instant.now();
            }
        });
        awaitWaiters(rt, 1);
        Instant set = Instant.now();
        s.setReadDeadline(Instant.now().minusSeconds(1));
        Instant woke = await(forever);
        assertTrue(woke != null, "read returned instead of timing out");
        assertTrue(Duration.between(set, woke).compareTo(LATE) < 0, "the blocked reader woke late");

        // Shortened to a near future while blocked.
        s.setReadDeadline(null);
        CompletableFuture<Instant> soon = async(rt, () -> {
            try {
                s.read(ByteBuffer.allocate(1));
                return null;
            } catch (NetTimeoutException e) {
                return Instant.now();
            }
        });
        awaitWaiters(rt, 1);
        Instant near = Instant.now().plusMillis(150);
        s.setReadDeadline(near);
        Instant at = await(soon);
        assertTrue(at != null);
        assertFalse(at.plus(CLOCK_SLACK).isBefore(near), () -> "fired at " + at + ", before " + near);
        assertTrue(at.isBefore(near.plus(LATE)));
    }

    /**
     * A slow reader: the peer never reads; a 64 MB write with a deadline 300 ms ahead times out
     * having sent part of it, and the peer receives exactly that part.
     */
    @Test
    @Timeout(30)
    void aWriteToASlowReaderTimesOutWithPartOfItSent() throws Exception {
        Conn c = p.client();
        Conn s = p.server();
        byte[] data = new byte[64 << 20];
        new SplittableRandom(3).nextBytes(data);
        NetTimeoutException e = inGo(rt, () -> {
            Instant deadline = Instant.now().plusMillis(300);
            c.setWriteDeadline(deadline);
            NetTimeoutException t = assertThrows(NetTimeoutException.class, () -> c.write(ByteBuffer.wrap(data)));
            assertFiredAt(deadline);
            return t;
        });
        assertContains(op("write", c) + ": i/o timeout", e.getMessage());
        assertTrue(e.bytesTransferred > 0 && e.bytesTransferred < data.length,
                () -> "bytesTransferred " + e.bytesTransferred + " of " + data.length);
        int sent = e.bytesTransferred;
        inGo(rt, () -> {
            // The deadline persists for writes, at once and with nothing sent.
            NetTimeoutException again = assertTimesOutAtOnce(() -> c.write(ByteBuffer.wrap(new byte[] {1})));
            assertEquals(0, again.bytesTransferred);
            c.setWriteDeadline(null);
            c.closeWrite();
            return null;
        });
        byte[] got = inGo(rt, () -> readToEnd(s));
        assertEquals(sent, got.length, "the peer receives exactly bytesTransferred bytes");
        assertTrue(Arrays.equals(data, 0, sent, got, 0, sent), "and they are the start of the buffer");
    }

    @Test
    @Timeout(20)
    void writeDeadlineOfABlockedWriterAndClearingIt() throws Exception {
        Conn c = p.client();
        Conn s = p.server();
        byte[] data = new byte[32 << 20];
        new SplittableRandom(5).nextBytes(data);
        // Blocked writer (the peer does not read yet); a deadline set while it waits wakes it.
        CompletableFuture<NetTimeoutException> writer = async(rt, () -> {
            try {
                c.write(ByteBuffer.wrap(data));
                return null;
            } catch (NetTimeoutException e) {
                return e;
            }
        });
        awaitWaiters(rt, 1);
        Instant deadline = Instant.now().plusMillis(100);
        c.setWriteDeadline(deadline);
        NetTimeoutException e = await(writer);
        assertTrue(e != null, "the write completed although the peer never read");
        assertFiredAt(deadline);
        int sent = e.bytesTransferred;
        assertTrue(sent > 0 && sent < data.length, () -> "bytesTransferred " + sent);

        // Cleared: the rest goes out while the peer reads everything.
        c.setWriteDeadline(null);
        CompletableFuture<byte[]> reader = async(rt, () -> readFully(s, data.length));
        inGo(rt, () -> c.write(ByteBuffer.wrap(data, sent, data.length - sent)));
        assertArrayEquals(data, await(reader));
    }

    @Test
    @Timeout(20)
    void listenerAcceptDeadline() throws Exception {
        Listener ln = p.listener();
        Instant deadline = Instant.now().plusMillis(200);
        ln.setDeadline(deadline);
        NetTimeoutException e = assertThrows(NetTimeoutException.class, () -> inGo(rt, ln::accept));
        assertFiredAt(deadline);
        assertContains("accept tcp " + addr(ln.address()) + ": i/o timeout", e.getMessage());

        // A connection is pending, but the deadline persists.
        Conn dialed = inGo(rt, () -> Net.dial(ln.address()));
        try {
            assertTimesOutAtOnce(() -> inGo(rt, ln::accept));
            ln.setDeadline(null);
            Conn accepted = inGo(rt, ln::accept);
            try (accepted) {
                assertEquals(dialed.localAddress(), accepted.remoteAddress());
            }
            // A future deadline does not disturb an accept that succeeds before it.
            ln.setDeadline(Instant.now().plusSeconds(30));
            CompletableFuture<Conn> acc = async(rt, ln::accept);
            Conn d2 = inGo(rt, () -> Net.dial(ln.address()));
            try (d2; Conn a2 = await(acc)) {
                assertEquals(d2.localAddress(), a2.remoteAddress());
            }
        } finally {
            closeQuietly(dialed);
        }
    }

    /** A dial timeout bounds only the dial: it does not linger as a write deadline on the connection. */
    @Test
    @Timeout(20)
    void aDialTimeoutDoesNotBecomeAWriteDeadline() throws Exception {
        Listener ln = p.listener();
        inGo(rt, () -> {
            try (Conn c = Net.dial(ln.address(), Duration.ofMillis(100)); Conn a = ln.accept()) {
                // Outlive the dial timeout: a read deadline of 300 ms, which fires.
                c.setReadDeadline(Instant.now().plusMillis(300));
                assertThrows(NetTimeoutException.class, () -> c.read(ByteBuffer.allocate(1)));
                c.write(ByteBuffer.wrap("after".getBytes()));
                assertArrayEquals("after".getBytes(), readFully(a, 5));
            }
            return null;
        });
        assertThrows(IllegalArgumentException.class, () -> Net.dial(LOOPBACK, Duration.ZERO));
    }

    /**
     * A dial timeout fires: a listener with a full accept queue (backlog 1, nobody accepts) drops
     * further SYNs, so a dial hangs until its timeout.
     */
    @Test
    @Timeout(30)
    void aDialTimeoutFires() throws Exception {
        Listener full = inGo(rt, () -> Net.listen(LOOPBACK, 1));
        java.util.List<Conn> queued = new java.util.ArrayList<>();
        try {
            NetTimeoutException timedOut = null;
            int registeredBefore = 0;
            for (int i = 0; i < 10 && timedOut == null; i++) {
                registeredBefore = NetTesting.poller(rt).registrations();
                Instant start = Instant.now();
                try {
                    queued.add(inGo(rt, () -> Net.dial(full.address(), Duration.ofMillis(200))));
                } catch (NetTimeoutException e) {
                    timedOut = e;
                    assertFiredAt(start.plusMillis(200));
                } catch (java.net.ConnectException e) {
                    org.junit.jupiter.api.Assumptions.abort("this system refuses connections to a full accept queue "
                            + "instead of dropping them: " + e.getMessage());
                }
            }
            assertTrue(timedOut != null, "no dial timed out with the accept queue full; queued: " + queued.size());
            assertContains("dial tcp " + addr(full.address()) + ": i/o timeout", timedOut.getMessage());
            // The timed-out dial waited (so it was registered) and left no registration behind.
            int expected = registeredBefore;
            Await.until(() -> NetTesting.poller(rt).registrations() == expected, NetTesting.STEP,
                    "the timed-out dial's registration is gone");
        } finally {
            closeQuietly(queued.toArray(new AutoCloseable[0]));
            closeQuietly(full);
        }
    }

    /** The largest Duration there is: far beyond Duration.toNanos() and beyond Instant.MAX from now. */
    private static final Duration HUGE = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

    /** A dial timeout too large for Instant arithmetic means "practically never", not an ArithmeticException. */
    @Test
    @Timeout(20)
    void aHugeDialTimeoutConnects() throws Exception {
        Listener ln = p.listener();
        inGo(rt, () -> {
            for (Duration timeout : java.util.List.of(HUGE, Duration.ofSeconds(Long.MAX_VALUE),
                    Duration.ofNanos(Long.MAX_VALUE))) {
                try (Conn c = Net.dial(ln.address(), timeout); Conn a = ln.accept()) {
                    c.write(ByteBuffer.wrap("hi".getBytes()));
                    assertArrayEquals("hi".getBytes(), readFully(a, 2), "dial timeout " + timeout);
                }
            }
            return null;
        });
    }

    /**
     * Deadlines at the ends of Instant's range: Instant.MAX never fires (a reader parked under
     * it waits for data), Instant.MIN has passed, on connections and listeners alike.
     */
    @Test
    @Timeout(20)
    void deadlinesAtInstantMaxNeverFireAndAtInstantMinHaveFired() throws Exception {
        Conn s = p.server();
        Conn c = p.client();
        Listener ln = p.listener();
        inGo(rt, () -> {
            s.setReadDeadline(Instant.MAX);
            c.setWriteDeadline(Instant.MAX);
            CompletableFuture<byte[]> read = async(rt, () -> readFully(s, 3));
            awaitWaiters(rt, 1); // parked under the Instant.MAX deadline, not timed out
            c.write(ByteBuffer.wrap("max".getBytes()));
            assertArrayEquals("max".getBytes(), await(read));
            s.setDeadline(Instant.MAX);
            s.write(ByteBuffer.wrap(new byte[] {7}));
            assertEquals(7, readFully(c, 1)[0]);

            s.setReadDeadline(Instant.MIN);
            assertTimesOutAtOnce(() -> s.read(ByteBuffer.allocate(1)));
            s.setReadDeadline(null);

            ln.setDeadline(Instant.MIN);
            assertTimesOutAtOnce(ln::accept);
            ln.setDeadline(Instant.MAX);
            CompletableFuture<Conn> accepted = async(rt, ln::accept);
            try (Conn d = Net.dial(ln.address()); Conn a = await(accepted)) {
                assertEquals(d.localAddress(), a.remoteAddress());
            }
            return null;
        });
        try (PacketConn pc = inGo(rt, () -> Net.listenPacket(LOOPBACK))) {
            inGo(rt, () -> {
                pc.setDeadline(Instant.MAX);
                pc.writeTo(ByteBuffer.wrap(new byte[] {1}), pc.localAddress());
                ByteBuffer got = ByteBuffer.allocate(1);
                assertEquals(pc.localAddress(), pc.readFrom(got));
                assertEquals(1, got.get(0));
                pc.setReadDeadline(Instant.MIN);
                assertTimesOutAtOnce(() -> pc.readFrom(ByteBuffer.allocate(1)));
                return null;
            });
        }
    }
}
