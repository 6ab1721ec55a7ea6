package io.gmp4j.netpoll;

import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.tck.fixtures.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
import static io.gmp4j.netpoll.NetTesting.poller;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** UDP PacketConns: datagrams between two sockets, their boundaries and senders, deadlines and close. */
class PacketConnTest {
    private GoRuntime rt;
    private PacketConn a;
    private PacketConn b;

    @BeforeEach
    void setUp() throws Exception {
        rt = GoRuntime.builder().maxProcs(2).build();
        a = inGo(rt, () -> Net.listenPacket(LOOPBACK));
        b = inGo(rt, () -> Net.listenPacket(LOOPBACK));
    }

    @AfterEach
    void tearDown() {
        closeQuietly(a, b);
        NetTesting.closeBounded(rt);
    }

    private static String text(ByteBuffer bb) {
        bb.flip();
        return StandardCharsets.UTF_8.decode(bb).toString();
    }

    /** Ping-pong: b receives each datagram from a (sender address included) and answers it. */
    @Test
    @Timeout(20)
    void datagramsBetweenTwoPacketConns() throws Exception {
        SocketAddress aAddr = a.localAddress();
        SocketAddress bAddr = b.localAddress();
        assertTrue(((java.net.InetSocketAddress) bAddr).getPort() > 0);
        final int rounds = 200;
        CompletableFuture<Integer> responder = async(rt, () -> {
            ByteBuffer buf = ByteBuffer.allocate(2048);
            for (int i = 0; i < rounds; i++) {
                buf.clear();
                SocketAddress from = b.readFrom(buf); // parks until the datagram arrives
                assertEquals(aAddr, from, "the sender is a");
                String msg = text(buf);
                assertEquals("ping " + i, msg);
                b.writeTo(ByteBuffer.wrap(("pong " + i).getBytes(StandardCharsets.UTF_8)), from);
            }
            return rounds;
        });
        inGo(rt, () -> {
            ByteBuffer buf = ByteBuffer.allocate(2048);
            for (int i = 0; i < rounds; i++) {
                byte[] ping = ("ping " + i).getBytes(StandardCharsets.UTF_8);
                assertEquals(ping.length, a.writeTo(ByteBuffer.wrap(ping), bAddr));
                buf.clear();
                assertEquals(bAddr, a.readFrom(buf));
                assertEquals("pong " + i, text(buf));
            }
            return null;
        });
        assertEquals(rounds, await(responder));
    }

    /** Each readFrom returns one datagram; a longer one is truncated to the buffer and the rest discarded. */
    @Test
    @Timeout(20)
    void datagramBoundariesAndTruncation() throws Exception {
        SocketAddress bAddr = b.localAddress();
        byte[] big = new byte[60_000];
        new SplittableRandom(11).nextBytes(big);
        inGo(rt, () -> {
            a.writeTo(ByteBuffer.wrap("abc".getBytes()), bAddr);
            a.writeTo(ByteBuffer.wrap("defgh".getBytes()), bAddr);
            a.writeTo(ByteBuffer.wrap(new byte[100]), bAddr);
            a.writeTo(ByteBuffer.wrap("after".getBytes()), bAddr);
            a.writeTo(ByteBuffer.wrap(big), bAddr);
            return null;
        });
        inGo(rt, () -> {
            ByteBuffer buf = ByteBuffer.allocate(100_000);
            b.readFrom(buf);
            assertEquals("abc", text(buf));
            buf.clear();
            b.readFrom(buf);
            assertEquals("defgh", text(buf));
            ByteBuffer small = ByteBuffer.allocate(10);
            b.readFrom(small);
            assertEquals(10, small.position(), "truncated to the buffer");
            buf.clear();
            b.readFrom(buf);
            assertEquals("after", text(buf), "the truncated datagram's rest was discarded");
            buf.clear();
            b.readFrom(buf);
            assertEquals(big.length, buf.position());
            assertArrayEquals(big, Arrays.copyOf(buf.array(), big.length));
            return null;
        });
    }

    @Test
    @Timeout(20)
    void readDeadline() throws Exception {
        inGo(rt, () -> {
            Instant deadline = Instant.now().plusMillis(200);
            b.setReadDeadline(deadline);
            NetTimeoutException e = assertThrows(NetTimeoutException.class, () -> b.readFrom(ByteBuffer.allocate(16)));
            Instant now = Instant.now();
            assertFalse(now.plusMillis(1).isBefore(deadline), () -> "fired early: " + now + " < " + deadline);
            assertTrue(now.isBefore(deadline.plusSeconds(3)), "fired late");
            assertContains("read udp " + addr(b.localAddress()) + ": i/o timeout", e.getMessage());

            // Persists, even with a datagram waiting.
            a.writeTo(ByteBuffer.wrap("x".getBytes()), b.localAddress());
            // (A read that waited instead of failing would never end: the test's timeout catches it.)
            assertThrows(NetTimeoutException.class, () -> b.readFrom(ByteBuffer.allocate(16)));

            b.setReadDeadline(null);
            ByteBuffer buf = ByteBuffer.allocate(16);
            assertEquals(a.localAddress(), b.readFrom(buf));
            assertEquals("x", text(buf));

            // setDeadline covers writes too.
            a.setDeadline(Instant.now().minusMillis(1));
            NetTimeoutException w = assertThrows(NetTimeoutException.class,
                    () -> a.writeTo(ByteBuffer.wrap("y".getBytes()), b.localAddress()));
            assertContains("write udp " + addr(a.localAddress()) + ": i/o timeout", w.getMessage());
            a.setDeadline(null);
            a.writeTo(ByteBuffer.wrap("z".getBytes()), b.localAddress());
            buf.clear();
            b.readFrom(buf);
            assertEquals("z", text(buf), "the timed-out write sent nothing");
            return null;
        });
    }

    @Test
    @Timeout(20)
    void closeWakesABlockedReadFrom() throws Exception {
        CompletableFuture<SocketAddress> reader = async(rt, () -> b.readFrom(ByteBuffer.allocate(16)));
        awaitWaiters(rt, 1);
        assertFalse(reader.isDone());
        String address = addr(b.localAddress());
        inGo(rt, () -> {
            b.close();
            return null;
        });
        ClosedConnectionException e = assertThrows(ClosedConnectionException.class, () -> await(reader));
        assertContains("read udp " + address + ": use of closed connection", e.getMessage());
        assertThrows(ClosedConnectionException.class,
                () -> inGo(rt, () -> b.writeTo(ByteBuffer.wrap(new byte[1]), a.localAddress())));
        b.close(); // idempotent
        a.close();
        Await.until(() -> poller(rt).registrations() == 0, NetTesting.STEP, "no registration is left");
    }
}
