package io.gmp4j.netpoll;

import io.gmp4j.netpoll.NetTesting.TestRuntime;
import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.DeadlockHandler;
import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.tck.fixtures.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import static io.gmp4j.netpoll.NetTesting.LOOPBACK;
import static io.gmp4j.netpoll.NetTesting.STEP;
import static io.gmp4j.netpoll.NetTesting.addr;
import static io.gmp4j.netpoll.NetTesting.assertContains;
import static io.gmp4j.netpoll.NetTesting.await;
import static io.gmp4j.netpoll.NetTesting.awaitWaiters;
import static io.gmp4j.netpoll.NetTesting.pair;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What diagnostics show of goroutines parked on the poller: the goroutine dump's IO wait, and no false deadlock. */
class DiagnosticsTest {

    /** Starts {@code body} in a goroutine and returns its thread (the dump names goroutines by thread id). */
    private static Thread goroutine(GoRuntime rt, CompletableFuture<Object> done, NetTesting.Body<Object> body) {
        return rt.go(() -> {
            try {
                done.complete(body.call());
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
    }

    /** The header line of goroutine {@code t} in a dump. */
    private static String header(String dump, Thread t) {
        String start = "goroutine " + t.threadId() + " [";
        return Arrays.stream(dump.split("\n")).filter(l -> l.startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + start + " in dump:\n" + dump));
    }

    /** The stack lines under goroutine {@code t}'s header. */
    private static List<String> stack(String dump, Thread t) {
        List<String> lines = Arrays.asList(dump.split("\n"));
        int i = lines.indexOf(header(dump, t));
        int end = i + 1;
        while (end < lines.size() && lines.get(end).startsWith("\t")) {
            end++;
        }
        return lines.subList(i + 1, end);
    }

    private static final String WAITED = ", (first seen now|\\d+ms|\\d+ minutes)\\]:";

    @SuppressWarnings("try") // closes a resource explicitly on purpose
    @Test
    @Timeout(20)
    void theDumpShowsIoWaitWithTheSocket() throws Exception {
        try (TestRuntime tr = new TestRuntime(GoRuntime.builder().maxProcs(2));
             NetTesting.Pair p = pair(tr.rt())) {
            GoRuntime rt = tr.rt();
            Conn c = p.client();
            Listener ln = p.listener();
            CompletableFuture<Object> readDone = new CompletableFuture<>();
            CompletableFuture<Object> writeDone = new CompletableFuture<>();
            CompletableFuture<Object> acceptDone = new CompletableFuture<>();
            // The client reads (the server sends nothing) and writes (the server never reads).
            Thread reader = goroutine(rt, readDone, () -> c.read(ByteBuffer.allocate(1)));
            Thread writer = goroutine(rt, writeDone, () -> c.write(ByteBuffer.allocate(64 << 20)));
            Thread acceptor = goroutine(rt, acceptDone, ln::accept);
            awaitWaiters(rt, 3);
            StringBuilder sb = new StringBuilder();
            rt.dumpGoroutines(sb);
            String dump = sb.toString();

            String read = "read tcp " + addr(c.localAddress()) + "->" + addr(c.remoteAddress());
            String readLine = header(dump, reader);
            assertTrue(Pattern.matches("goroutine " + reader.threadId() + " \\[IO wait \\(" + Pattern.quote(read) + "\\)"
                    + WAITED, readLine), readLine);
            assertTrue(stack(dump, reader).stream().anyMatch(l -> l.contains("io.gmp4j.netpoll.Conn.read")),
                    () -> "stack of the reader:\n" + String.join("\n", stack(dump, reader)));

            String write = "write tcp " + addr(c.localAddress()) + "->" + addr(c.remoteAddress());
            String writeLine = header(dump, writer);
            assertTrue(Pattern.matches("goroutine " + writer.threadId() + " \\[IO wait \\(" + Pattern.quote(write) + "\\)"
                    + WAITED, writeLine), writeLine);

            String acceptLine = header(dump, acceptor);
            assertContains("[IO wait (accept tcp " + addr(ln.address()) + ")", acceptLine);

            // A second dump shows how long they have waited (stamped by the first).
            StringBuilder again = new StringBuilder();
            rt.dumpGoroutines(again);
            assertTrue(Pattern.matches(".*\\[IO wait \\(" + Pattern.quote(read) + "\\), \\d+ms\\]:",
                    header(again.toString(), reader)), header(again.toString(), reader));

            p.close(); // wakes all three
            assertTrue(readDone.isCompletedExceptionally() || awaitFailed(readDone));
            assertTrue(writeDone.isCompletedExceptionally() || awaitFailed(writeDone));
            assertTrue(acceptDone.isCompletedExceptionally() || awaitFailed(acceptDone));
        }
    }

    private static boolean awaitFailed(CompletableFuture<Object> f) {
        try {
            await(f);
            return false;
        } catch (ClosedConnectionException e) {
            return true;
        } catch (Exception e) {
            throw new AssertionError("expected ClosedConnectionException", e);
        }
    }

    /**
     * The only goroutine waits on the network (accept, then read): not a deadlock, as in Go. Once
     * it waits on a channel instead, with no socket left, the same runtime is reported: the
     * control that shows the check runs and would have caught a false report.
     */
    @Test
    @Timeout(30)
    void aGoroutineWaitingOnlyOnTheNetworkIsNotDeadlocked() throws Exception {
        CountDownLatch reported = new CountDownLatch(1);
        AtomicReference<String> report = new AtomicReference<>();
        DeadlockHandler handler = (runtime, text) -> {
            report.compareAndSet(null, text);
            reported.countDown();
        };
        // Go's rule: under the default one, JUnit's timeout watcher and this thread's timed
        // awaits are platform threads that may wake the goroutine, and no report would come.
        try (TestRuntime tr = new TestRuntime(GoRuntime.builder().maxProcs(2).deadlockWakers(t -> false)
                .deadlockHandler(handler))) {
            GoRuntime rt = tr.rt();
            Chan<Listener> listeners = Chan.make(1);
            Chan<String> forever = Chan.make();
            CountDownLatch accepted = new CountDownLatch(1);
            CompletableFuture<String> done = new CompletableFuture<>();
            rt.go(() -> {
                try {
                    Listener ln = Net.listen(LOOPBACK);
                    listeners.send(ln);
                    try (ln; Conn c = ln.accept()) {
                        accepted.countDown();
                        ByteBuffer one = ByteBuffer.allocate(1);
                        assertEquals(1, c.read(one)); // waits for the peer's byte
                    }
                    done.complete(forever.recv()); // no socket left: only the test thread can wake it
                } catch (Throwable t) {
                    done.completeExceptionally(t);
                }
            });
            Listener ln = listeners.recv();
            // Phase 1: the only goroutine is in accept.
            awaitWaiters(rt, 1);
            assertFalse(reported.await(1000, TimeUnit.MILLISECONDS),
                    () -> "reported while the goroutine waits in accept:\n" + report.get());
            try (Socket peer = new Socket()) {
                peer.connect(ln.address());
                assertTrue(accepted.await(STEP.toMillis(), TimeUnit.MILLISECONDS));
                // Phase 2: the only goroutine is in read.
                awaitWaiters(rt, 1);
                assertFalse(reported.await(1000, TimeUnit.MILLISECONDS),
                        () -> "reported while the goroutine waits in read:\n" + report.get());
                assertFalse(done.isDone(), "the goroutine stopped waiting");
                // Phase 3 (control): the byte lets it go on to a channel receive nobody will match.
                OutputStream out = peer.getOutputStream();
                out.write(1);
                out.flush();
                assertTrue(reported.await(10, TimeUnit.SECONDS),
                        "a goroutine blocked on a channel with no socket left must be reported");
            }
            String text = report.get();
            assertTrue(text.startsWith(DeadlockHandler.FATAL), text);
            assertContains("chan receive", text);
            assertFalse(text.contains("IO wait"), text);
            Await.until(() -> NetTesting.poller(rt).registrations() == 0, STEP, "the poller has no registration left");
            forever.send("released");
            assertEquals("released", await(done));
        }
    }
}
