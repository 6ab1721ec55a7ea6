package io.gmp4j.netpoll;

import io.gmp4j.runtime.GoRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static io.gmp4j.netpoll.NetTesting.LOOPBACK;
import static io.gmp4j.netpoll.NetTesting.STEP;
import static io.gmp4j.netpoll.NetTesting.async;
import static io.gmp4j.netpoll.NetTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sockets made from a platform thread belong to the runtime the program names; with several
 * runtimes open and none named, {@code Net} refuses to guess.
 */
@Timeout(60)
class RuntimeChoiceTest {
    @Test
    void socketsMadeFromAPlatformThreadLiveOnTheRuntimeGiven() throws Exception {
        try (GoRuntime b = GoRuntime.builder().maxProcs(1).build()) {
            GoRuntime a = GoRuntime.builder().maxProcs(1).build();
            try (Listener ln = Net.listen(a, LOOPBACK);
                 Conn client = Net.dial(a, ln.address(), Duration.ofSeconds(5))) {
                // Accepted and served by a goroutine of b: the socket may be used from anywhere.
                CompletableFuture<Conn> accepted = async(b, ln::accept);
                try (Conn server = await(b, accepted, STEP)) {
                    client.write(ByteBuffer.wrap(new byte[] {42}));
                    ByteBuffer one = ByteBuffer.allocate(1);
                    assertEquals(1, await(b, async(b, () -> server.read(one)), STEP));
                    assertEquals(42, one.get(0));
                }
                // The listener is a's: closing a fails an accept parked on it (on b's poller
                // the accept would wait for ever).
                CompletableFuture<Conn> parked = async(b, ln::accept);
                a.close();
                Exception e = assertThrows(Exception.class, () -> await(b, parked, STEP));
                assertInstanceOf(IOException.class, e, "accept after its runtime closed: " + e);
            } finally {
                a.close();
            }
        }
    }

    @Test
    void withSeveralRuntimesOpenAndNoneNamedNetFailsClearly() {
        try (GoRuntime a = GoRuntime.builder().maxProcs(1).build();
             GoRuntime b = GoRuntime.builder().maxProcs(1).build()) {
            for (NetTesting.Job call : new NetTesting.Job[] {
                    () -> Net.listen(new InetSocketAddress("127.0.0.1", 0)).close(),
                    () -> Net.dial(new InetSocketAddress("127.0.0.1", 1)).close(),
                    () -> Net.listenPacket(new InetSocketAddress("127.0.0.1", 0)).close()}) {
                IllegalStateException e = assertThrows(IllegalStateException.class, call::run);
                assertTrue(e.getMessage().contains("runtimes built by the program are open") && e.getMessage().contains("Net.listen(rt, ...)"),
                        e.getMessage());
            }
        }
    }
}
