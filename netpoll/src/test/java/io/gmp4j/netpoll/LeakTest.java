package io.gmp4j.netpoll;

import io.gmp4j.netpoll.NetTesting.TestRuntime;
import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.tck.fixtures.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.gmp4j.netpoll.NetTesting.LOOPBACK;
import static io.gmp4j.netpoll.NetTesting.STEP;
import static io.gmp4j.netpoll.NetTesting.asyncRun;
import static io.gmp4j.netpoll.NetTesting.await;
import static io.gmp4j.netpoll.NetTesting.closeQuietly;
import static io.gmp4j.netpoll.NetTesting.inGo;
import static io.gmp4j.netpoll.NetTesting.poller;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Thousands of connections opened and closed leave no poller registration and no file descriptor behind. */
class LeakTest {
    private static final Path FDS = Path.of("/proc/self/fd");
    private static final int FD_TOLERANCE = 10;

    private static long openFds() {
        try (Stream<Path> s = Files.list(FDS)) {
            return s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An accept loop whose handlers read one byte, then close. */
    private static CompletableFuture<Void> server(GoRuntime rt, Listener ln, AtomicInteger handled,
                                                  ConcurrentLinkedQueue<Throwable> errors) {
        return NetTesting.serveEach(rt, ln, c -> {
            try (c) {
                ByteBuffer one = ByteBuffer.allocate(1);
                if (c.read(one) != 1) {
                    throw new AssertionError("no byte from the client");
                }
                handled.incrementAndGet();
            } catch (Throwable t) {
                errors.add(t);
            }
        });
    }

    /** One cycle: dial, send a byte, read end of stream (the server closed first), close. */
    private static void cycle(Listener ln) throws IOException {
        try (Conn c = Net.dial(ln.address())) {
            c.write(ByteBuffer.wrap(new byte[] {1}));
            if (c.read(ByteBuffer.allocate(1)) != -1) {
                throw new AssertionError("expected end of stream");
            }
        }
    }

    @Test
    @Timeout(60)
    void tenThousandOpenCloseCyclesLeakNothing() throws Exception {
        assumeTrue(Files.isDirectory(FDS), "needs /proc/self/fd");
        final int cycles = 10_000;
        final int clients = 4;
        try (TestRuntime tr = new TestRuntime(GoRuntime.builder().maxProcs(2))) {
            GoRuntime rt = tr.rt();
            Listener ln = inGo(rt, () -> Net.listen(LOOPBACK));
            AtomicInteger handled = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            CompletableFuture<Void> loop = server(rt, ln, handled, errors);
            try {
                // Warm up (classes loaded, machines started), then take the baseline.
                inGo(rt, () -> {
                    for (int i = 0; i < 100; i++) {
                        cycle(ln);
                    }
                    return null;
                });
                Await.until(() -> handled.get() == 100 && poller(rt).registrations() == 1, STEP,
                        "the warm-up connections are closed");
                long fdsBefore = openFds();

                List<CompletableFuture<Void>> fs = new ArrayList<>();
                for (int g = 0; g < clients; g++) {
                    fs.add(asyncRun(rt, () -> {
                        for (int i = 0; i < cycles / clients; i++) {
                            cycle(ln);
                        }
                    }));
                }
                for (CompletableFuture<Void> f : fs) {
                    await(rt, f, Duration.ofSeconds(30));
                }
                Await.until(() -> handled.get() + errors.size() == 100 + cycles, STEP, "every server handler ran");
                assertTrue(errors.isEmpty(), () -> errors.size() + " server errors, first: " + errors.peek());

                Await.until(() -> poller(rt).registrations() == 1, STEP,
                        "only the listener is registered (registrations: " + poller(rt).registrations() + ")");
                Await.until(() -> openFds() <= fdsBefore + FD_TOLERANCE, STEP,
                        "the descriptor count is back to " + fdsBefore + " (+" + FD_TOLERANCE + ")");
                assertEquals(1, poller(rt).waiters(), "only the accept loop waits on the poller");
            } finally {
                closeQuietly(ln);
            }
            await(loop);
            assertEquals(0, poller(rt).registrations(), "the listener's registration went with it");
        }
    }

    /**
     * Connections that end every other way — closed while a reader waits with a deadline armed,
     * timed out, reset, refused dials — leave nothing behind either.
     */
    @Test
    @Timeout(60)
    void connectionsEndingInErrorsLeakNothing() throws Exception {
        assumeTrue(Files.isDirectory(FDS), "needs /proc/self/fd");
        try (TestRuntime tr = new TestRuntime(GoRuntime.builder().maxProcs(2))) {
            GoRuntime rt = tr.rt();
            Listener ln = inGo(rt, () -> Net.listen(LOOPBACK));
            Listener closedLn = inGo(rt, () -> Net.listen(LOOPBACK));
            java.net.SocketAddress refusedAddr = closedLn.address();
            closedLn.close();
            try {
                Runnable round = () -> {
                    try {
                        inGo(rt, () -> {
                            // 1. Closed from another goroutine while blocked in read with a deadline armed.
                            Conn c = Net.dial(ln.address());
                            Conn s = ln.accept();
                            s.setReadDeadline(Instant.now().plusSeconds(30));
                            CompletableFuture<Integer> r = NetTesting.async(rt, () -> s.read(ByteBuffer.allocate(1)));
                            NetTesting.awaitWaiters(rt, 1); // the reader parks on the poller
                            s.close();
                            assertThrows(ClosedConnectionException.class, () -> await(r));
                            c.close();
                            // 2. Timed out, then closed.
                            Conn c2 = Net.dial(ln.address());
                            Conn s2 = ln.accept();
                            c2.setReadDeadline(Instant.now().plusMillis(1));
                            assertThrows(NetTimeoutException.class, () -> c2.read(ByteBuffer.allocate(1)));
                            c2.close();
                            s2.close();
                            // 3. Refused.
                            assertThrows(java.net.ConnectException.class, () -> Net.dial(refusedAddr));
                            return null;
                        });
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                };
                for (int i = 0; i < 20; i++) {
                    round.run();
                }
                // The listener is registered once an accept has waited (registration is lazy): at most it remains.
                Await.until(() -> poller(rt).registrations() <= 1, STEP, "warm-up closed");
                long fdsBefore = openFds();
                for (int i = 0; i < 300; i++) {
                    round.run();
                }
                Await.until(() -> poller(rt).registrations() <= 1, STEP, "at most the listener is registered");
                Await.until(() -> openFds() <= fdsBefore + FD_TOLERANCE, STEP,
                        "the descriptor count is back to " + fdsBefore + " (+" + FD_TOLERANCE + ")");
                assertEquals(0, poller(rt).waiters());
            } finally {
                closeQuietly(ln);
            }
        }
    }
}
