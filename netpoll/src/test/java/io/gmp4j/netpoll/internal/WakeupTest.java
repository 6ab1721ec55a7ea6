package io.gmp4j.netpoll.internal;

import io.gmp4j.runtime.spi.PollerTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A wake-up asked for before a poll blocks makes that poll return (Go's netpollBreak), even when
 * a non-blocking select of another thread ran in between: {@code Selector.selectNow()} clears a
 * pending {@code Selector.wakeup()}, and the scheduler's timer waiter relies on the wake-up to
 * shorten its poll for a timer added after it read the timer heaps (found by the soak test: a
 * read deadline that fired only when data arrived, 50-200 ms late).
 */
class WakeupTest {
    private static final long POLL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static NioPoller newPoller() {
        return new NioPoller(new PollerTarget() {
            @Override
            public String name() {
                return "wakeup-test";
            }

            @Override
            public InlineTimer newTimer(Runnable action) {
                throw new UnsupportedOperationException("no deadlines in this test");
            }

            @Override
            public void pollerNeeded() {
            }
        });
    }

    @Test
    @Timeout(30)
    void aWakeupBeforeTheBlockingPollSurvivesAnotherThreadsDeregistration() throws Exception {
        NioPoller poller = newPoller();
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
                 SocketChannel accepted = server.accept()) {
                client.configureBlocking(false);
                PollDesc pd = poller.register(client, SelectionKey.OP_READ, SelectionKey.OP_WRITE, "victim");
                pd.request(PollDesc.ARM_READ);
                poller.poll(0, t -> { }); // registers the channel
                assertTrue(poller.registrations() == 1, "the channel was not registered");

                // The timer waiter decided how long to block; a timer then came due sooner and
                // its adder asked for a wake-up before the waiter reached select.
                poller.wakeup();
                // Meanwhile another machine closed a connection: its deregistration runs a
                // non-blocking select, which clears the selector's pending wake-up.
                Thread closer = Thread.ofPlatform().start(() -> {
                    pd.evict();
                    poller.deregister(pd);
                });
                closer.join(TimeUnit.SECONDS.toMillis(10));
                assertTrue(!closer.isAlive() && poller.registrations() == 0, "the close did not complete");

                long t0 = System.nanoTime();
                poller.poll(POLL_NANOS, t -> { });
                long waited = System.nanoTime() - t0;
                assertTrue(waited < TimeUnit.SECONDS.toNanos(1), "the poll ignored the wake-up asked for before it "
                        + "and blocked for " + TimeUnit.NANOSECONDS.toMillis(waited) + " ms");
            }
        } finally {
            poller.close();
        }
    }

    /** As Go's netpoll(0), a non-blocking poll leaves a wake-up to the blocking poll it was meant for. */
    @Test
    @Timeout(30)
    void aNonBlockingPollDoesNotConsumeAWakeup() {
        NioPoller poller = newPoller();
        try {
            poller.wakeup();
            poller.poll(0, t -> { }); // another machine's poll before stealing
            long t0 = System.nanoTime();
            poller.poll(POLL_NANOS, t -> { });
            long waited = System.nanoTime() - t0;
            assertTrue(waited < TimeUnit.SECONDS.toNanos(1), "the non-blocking poll consumed the wake-up: the "
                    + "blocking poll waited " + TimeUnit.NANOSECONDS.toMillis(waited) + " ms");
            t0 = System.nanoTime();
            poller.poll(TimeUnit.MILLISECONDS.toNanos(200), t -> { });
            waited = System.nanoTime() - t0;
            assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(150), "the wake-up was consumed by one poll, but "
                    + "the next returned after " + TimeUnit.NANOSECONDS.toMillis(waited) + " ms, not 200");
        } finally {
            poller.close();
        }
    }
}
