package io.gmp4j.runtime;

import io.gmp4j.runtime.Blocking.Scope;
import io.gmp4j.runtime.Blocking.Task;
import io.gmp4j.tck.fixtures.EveryScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.gmp4j.runtime.Blocking.awaitBlocked;
import static io.gmp4j.runtime.Blocking.platform;
import static io.gmp4j.runtime.Blocking.platformRun;
import static io.gmp4j.runtime.Blocking.scope;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Chan}: Go's {@code runtime/chan_test.go} (TestChan, TestNonblockRecvRace,
 * TestMultiConsumer) ported, plus the Java-specific parts (null, interrupts, platform threads,
 * wait reasons, iteration). No sleeps: "is blocked" is observed through the thread's state and
 * park blocker; every wait is bounded.
 */
@Timeout(value = 60, unit = SECONDS)
class ChanTest {
    private static final String RECV = "chan receive";
    private static final String SEND = "chan send";

    // ---------------------------------------------------------------- make, len, cap, null

    @Test
    void makeWithNegativeCapacityThrowsNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Chan.make(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> Chan.make(Integer.MIN_VALUE));
        assertTrue(e2.getMessage().contains(Integer.toString(Integer.MIN_VALUE)), e2.getMessage());
    }

    @Test
    void lenCountsBufferedValuesAndCapIsTheBufferSize() {
        for (int cap = 0; cap < 20; cap++) {
            Chan<Integer> c = Chan.make(cap);
            assertEquals(0, c.len(), "len of a new chan[" + cap + "]");
            assertEquals(cap, c.cap(), "cap of chan[" + cap + "]");
            for (int i = 0; i < cap; i++) {
                c.send(i);
                assertEquals(i + 1, c.len(), "len after " + (i + 1) + " sends, chan[" + cap + "]");
            }
            assertEquals(cap, c.cap());
            for (int i = cap; i > 0; i--) {
                c.recv();
                assertEquals(i - 1, c.len(), "len after a receive, chan[" + cap + "]");
            }
            c.close();
            assertEquals(cap, c.cap(), "closing does not change cap");
            assertEquals(0, c.len());
        }
        assertEquals(0, Chan.make().cap(), "make() is unbuffered");
    }

    @Test
    void lenOfUnbufferedChannelStaysZeroWhileASenderWaits() throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> c = Chan.make();
            Task<Void> sender = s.go(() -> c.send(1));
            awaitBlocked(sender.thread(), SEND);
            assertEquals(0, c.len(), "a blocked sender's value is not in a buffer");
            assertEquals(0, c.cap());
            assertEquals(1, c.recv());
            sender.get();
        }
    }

    @Test
    void sendingNullThrowsNullPointerExceptionAndLeavesTheChannelUntouched() {
        Chan<Integer> c = Chan.make(2);
        assertThrows(NullPointerException.class, () -> c.send(null));
        assertThrows(NullPointerException.class, () -> c.trySend(null));
        assertThrows(NullPointerException.class, () -> Select.builder().send(c, null, () -> {}));
        assertEquals(0, c.len(), "a rejected null must not be buffered");
        assertNull(c.tryRecv());
        c.close();
        // The null check comes first, even on a closed channel.
        assertThrows(NullPointerException.class, () -> c.send(null));
    }

    // ---------------------------------------------------------------- blocking and non-blocking (TestChan)

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 5})
    void receiveFromEmptyChannelBlocksUntilAValueIsSent(int cap) throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> c = Chan.make(cap);
            Task<Integer> r1 = s.call(c::recv);
            Task<Integer> r2 = s.call(c::recv);
            awaitBlocked(r1.thread(), RECV);
            awaitBlocked(r2.thread(), RECV);
            assertFalse(r1.isDone() || r2.isDone(), "receive from empty chan[" + cap + "] returned");
            // Non-blocking receives do not block and take nothing.
            assertNull(c.tryRecv(), "tryRecv on an empty channel");
            AtomicBoolean defaulted = new AtomicBoolean();
            int taken = Select.builder().recv(c, v -> {}).orElse(() -> defaulted.set(true)).run();
            assertEquals(1, taken);
            assertTrue(defaulted.get(), "select with default on an empty channel must take default");
            c.send(10);
            c.send(20);
            List<Integer> got = new ArrayList<>(List.of(r1.get(), r2.get()));
            got.sort(null);
            assertEquals(List.of(10, 20), got);
            assertEquals(0, c.len(), "values went to the waiting receivers, not the buffer");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 5})
    void sendToFullChannelBlocksAndNonBlockingSendFails(int cap) throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> c = Chan.make(cap);
            for (int i = 0; i < cap; i++) {
                assertTrue(c.trySend(i), "trySend with buffer space");
            }
            Task<Void> sender = s.go(() -> c.send(100));
            awaitBlocked(sender.thread(), SEND);
            assertFalse(sender.isDone(), "send to full chan[" + cap + "] returned");
            assertFalse(c.trySend(7), "trySend on a full channel must fail");
            AtomicBoolean defaulted = new AtomicBoolean();
            assertEquals(1, Select.builder().send(c, 8, () -> {}).orElse(() -> defaulted.set(true)).run());
            assertTrue(defaulted.get());
            assertEquals(cap, c.len(), "failed non-blocking sends must add nothing");
            for (int i = 0; i < cap; i++) {
                assertEquals(i, c.recv());
            }
            assertEquals(100, c.recv(), "the blocked sender's value comes last");
            sender.get();
            assertNull(c.tryRecv(), "nothing else was sent");
        }
    }

    @Test
    void unbufferedSendCompletesOnlyWhenTheValueIsReceived() throws Exception {
        try (Scope s = scope()) {
            Chan<String> c = Chan.make();
            AtomicBoolean returned = new AtomicBoolean();
            Task<Void> sender = s.go(() -> {
                c.send("x");
                returned.set(true);
            });
            awaitBlocked(sender.thread(), SEND);
            assertFalse(returned.get(), "unbuffered send returned with no receiver");
            assertEquals("x", c.recv());
            sender.get();
            assertTrue(returned.get());
        }
    }

    @Test
    void unbufferedTrySendSucceedsOnlyWhenAReceiverWaits() throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> c = Chan.make();
            assertFalse(c.trySend(1), "no receiver waiting");
            Task<Integer> receiver = s.call(c::recv);
            awaitBlocked(receiver.thread(), RECV);
            assertTrue(c.trySend(2), "a receiver waits");
            assertEquals(2, receiver.get());
            assertFalse(c.trySend(3), "the receiver was served; nobody waits any more");
        }
    }

    @Test
    void unbufferedTryRecvTakesFromAWaitingSenderOnly() throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> c = Chan.make();
            assertNull(c.tryRecv());
            Task<Void> sender = s.go(() -> c.send(5));
            awaitBlocked(sender.thread(), SEND);
            assertEquals(5, c.tryRecv());
            sender.get();
            assertNull(c.tryRecv(), "the one sender was served");
        }
    }

    @Test
    void bufferedTrySendAndTryRecvFillAndDrainInFifoOrder() {
        Chan<Integer> c = Chan.make(4);
        for (int i = 0; i < 4; i++) {
            assertTrue(c.trySend(i));
        }
        assertFalse(c.trySend(4), "full");
        assertEquals(4, c.len());
        for (int i = 0; i < 4; i++) {
            assertEquals(i, c.tryRecv());
        }
        assertNull(c.tryRecv(), "empty");
        // Wrap around the ring buffer a few times.
        for (int round = 0; round < 10; round++) {
            assertTrue(c.trySend(round));
            assertTrue(c.trySend(round + 100));
            assertEquals(round, c.tryRecv());
            assertEquals(round + 100, c.tryRecv());
        }
        assertEquals(0, c.len());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 7, 100})
    void valuesArriveUncorruptedInFifoOrder(int cap) throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> c = Chan.make(cap);
            for (int round = 0; round < 2; round++) {
                Task<Void> sender = s.go(() -> {
                    for (int i = 0; i < 1000; i++) {
                        c.send(i);
                    }
                });
                for (int i = 0; i < 1000; i++) {
                    assertEquals(i, c.recv(), "chan[" + cap + "] round " + round);
                }
                sender.get();
            }
        }
    }

    @Test
    void fifoOrderHoldsWhenSendersAreBlockedOnAFullBuffer() throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> c = Chan.make(3);
            c.send(0);
            c.send(1);
            c.send(2);
            List<Task<Void>> senders = new ArrayList<>();
            for (int v = 3; v < 7; v++) {
                int value = v;
                Task<Void> t = s.go(() -> c.send(value));
                awaitBlocked(t.thread(), SEND); // queue the senders in a known order
                senders.add(t);
            }
            for (int v = 0; v < 7; v++) {
                assertEquals(v, c.recv(), "receive #" + v);
                // While senders wait, each receive moves the oldest sender's value into the buffer.
                assertEquals(Math.min(3, 6 - v), c.len(), "len after receive #" + v);
            }
            for (Task<Void> t : senders) {
                t.get();
            }
            assertNull(c.tryRecv());
        }
    }

    @Test
    void sendToABufferedChannelWithAWaitingReceiverHandsTheValueOver() throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> c = Chan.make(2);
            Task<Integer> receiver = s.call(c::recv);
            awaitBlocked(receiver.thread(), RECV);
            c.send(9);
            assertEquals(9, receiver.get());
            assertEquals(0, c.len(), "the value went straight to the receiver");
        }
    }

    // ---------------------------------------------------------------- close

    @Test
    void closedChannelDeliversBufferedValuesThenNullForever() {
        for (int cap = 0; cap < 20; cap++) {
            Chan<Integer> c = Chan.make(cap);
            for (int i = 0; i < cap; i++) {
                c.send(i);
            }
            c.close();
            assertEquals(cap, c.len(), "close keeps the buffered values");
            for (int i = 0; i < cap; i++) {
                assertEquals(i, c.recv(), "chan[" + cap + "]");
            }
            for (int k = 0; k < 3; k++) {
                assertNull(c.recv(), "closed and drained chan[" + cap + "] must return null at once");
                assertNull(c.tryRecv());
            }
            AtomicBoolean sawNull = new AtomicBoolean();
            int taken = Select.builder().recv(c, v -> sawNull.set(v == null)).orElse(() -> {}).run();
            assertEquals(0, taken, "a closed channel is ready: select must not take default");
            assertTrue(sawNull.get(), "select receives null from a closed, drained channel");
        }
    }

    @EveryScheduler
    void closeWakesEveryBlockedReceiver(String scheduler) throws Exception {
        for (int cap : new int[] {0, 3}) {
            try (Scope s = scope(scheduler)) {
                Chan<Integer> c = Chan.make(cap);
                List<Task<Integer>> receivers = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    receivers.add(s.call(() -> {
                        Integer v = c.recv();
                        if (v != null) {
                            throw new AssertionError("received " + v + " from a channel nobody sent on");
                        }
                        return -1;
                    }));
                }
                for (Task<Integer> r : receivers) {
                    awaitBlocked(r.thread(), RECV);
                }
                c.close();
                for (Task<Integer> r : receivers) {
                    assertEquals(-1, r.get(), "a receiver woken by close gets null");
                }
            }
        }
    }

    @EveryScheduler
    void closeWakesEveryBlockedSenderWithChanClosedException(String scheduler) throws Exception {
        for (int cap : new int[] {0, 2}) {
            try (Scope s = scope(scheduler)) {
                Chan<Integer> c = Chan.make(cap);
                for (int i = 0; i < cap; i++) {
                    c.send(i);
                }
                List<Task<Void>> senders = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    int v = 100 + i;
                    senders.add(s.go(() -> c.send(v)));
                }
                for (Task<Void> t : senders) {
                    awaitBlocked(t.thread(), SEND);
                }
                c.close();
                for (Task<Void> t : senders) {
                    ChanClosedException e = t.failure(ChanClosedException.class);
                    assertEquals("send on closed channel", e.getMessage());
                }
                for (int i = 0; i < cap; i++) {
                    assertEquals(i, c.recv(), "values buffered before close are still received");
                }
                assertNull(c.recv(), "the blocked senders' values were never sent");
            }
        }
    }

    @Test
    void closingTwiceThrowsChanClosedException() {
        Chan<Integer> c = Chan.make(1);
        c.send(1);
        c.close();
        ChanClosedException e = assertThrows(ChanClosedException.class, c::close);
        assertEquals("close of closed channel", e.getMessage());
        assertEquals(1, c.recv(), "a failed second close does not disturb the buffer");
        assertNull(c.recv());
    }

    @Test
    void sendOnClosedChannelThrowsBlockingOrNot() {
        for (int cap : new int[] {0, 1, 3}) {
            Chan<Integer> c = Chan.make(cap);
            c.close();
            assertEquals("send on closed channel", assertThrows(ChanClosedException.class, () -> c.send(1)).getMessage());
            assertThrows(ChanClosedException.class, () -> c.trySend(1), "trySend on closed chan[" + cap + "]");
            assertEquals(0, c.len());
        }
        // Also when the buffer is full (the fast "full, so not ready" answer must not hide the close).
        Chan<Integer> full = Chan.make(1);
        full.send(1);
        full.close();
        assertThrows(ChanClosedException.class, () -> full.trySend(2));
        assertThrows(ChanClosedException.class, () -> full.send(2));
        assertEquals(1, full.recv());
        assertNull(full.recv());
    }

    @Test
    void closeIsSeenByAReceiverBlockedBeforeIt() throws Exception {
        // TestChan "close unblocks receive", for each capacity.
        try (Scope s = scope()) {
            for (int cap = 0; cap < 10; cap++) {
                Chan<Integer> c = Chan.make(cap);
                Task<Boolean> r = s.call(() -> c.recv() == null);
                awaitBlocked(r.thread(), RECV);
                c.close();
                assertTrue(r.get(), "chan[" + cap + "]: received a value from a closed channel");
            }
        }
    }

    // ---------------------------------------------------------------- range

    @Test
    void forEachOverAChannelEndsAtClose() throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> c = Chan.make(4);
            Task<List<Integer>> ranger = s.call(() -> {
                List<Integer> got = new ArrayList<>();
                for (Integer v : c) {
                    got.add(v);
                }
                return got;
            });
            for (int i = 0; i < 50; i++) {
                c.send(i);
            }
            awaitBlocked(ranger.thread(), RECV); // the loop is waiting for more, not finished
            assertFalse(ranger.isDone());
            c.close();
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                expected.add(i);
            }
            assertEquals(expected, ranger.get());
        }
    }

    @Test
    void iteratorOfAClosedChannelHasNoNextAndNextThrows() {
        Chan<String> c = Chan.make(2);
        c.send("a");
        c.close();
        Iterator<String> it = c.iterator();
        assertTrue(it.hasNext());
        assertTrue(it.hasNext(), "hasNext must not consume the value");
        assertEquals("a", it.next());
        assertFalse(it.hasNext());
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
    }

    // ---------------------------------------------------------------- non-blocking races (TestNonblockRecvRace)

    @Test
    void nonBlockingSelectReceiveIsReadyWhileAValueOrTheCloseIsThere() throws Exception {
        // From the goroutine's start, c holds a value or is closed: a select with default must
        // never take the default.
        try (Scope s = scope()) {
            for (int i = 0; i < 10_000; i++) {
                Chan<Integer> c = Chan.make(1);
                c.send(1);
                Task<Integer> t = s.call(() -> Select.builder().recv(c, v -> {}).orElse(() -> {}).run());
                c.close();
                c.recv();
                assertEquals(0, t.get(), "iteration " + i + ": select took default although the channel was ready");
            }
        }
    }

    @Test
    void tryRecvRacingWithCloseAndRecvDeliversTheValueExactlyOnce() throws Exception {
        try (Scope s = scope()) {
            for (int i = 0; i < 10_000; i++) {
                Chan<Integer> c = Chan.make(1);
                c.send(1);
                Task<Integer> t = s.call(c::tryRecv);
                c.close();
                Integer mine = c.recv();
                Integer theirs = t.get();
                assertTrue(mine == null ^ theirs == null,
                        "iteration " + i + ": the one value must be received exactly once (mine "
                                + mine + ", theirs " + theirs + ")");
            }
        }
    }

    // ---------------------------------------------------------------- many goroutines

    @EveryScheduler
    void thousandSendersOnOneChannelDeliverEveryValueExactlyOnce(String scheduler) throws Exception {
        for (int cap : new int[] {0, 10}) {
            try (Scope s = scope(scheduler)) {
                Chan<Integer> c = Chan.make(cap);
                int n = 1000;
                for (int i = 0; i < n; i++) {
                    int v = i;
                    s.go(() -> c.send(v));
                }
                BitSet seen = s.inGoroutine(() -> {
                    BitSet got = new BitSet(n);
                    for (int i = 0; i < n; i++) {
                        int v = c.recv();
                        if (got.get(v)) {
                            throw new AssertionError("value " + v + " received twice");
                        }
                        got.set(v);
                    }
                    return got;
                });
                assertEquals(n, seen.cardinality(), "chan[" + cap + "]");
                assertNull(c.tryRecv(), "nothing beyond the " + n + " values");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 10, 100})
    void fourSendersAndFourReceiversMoveEachValueOncePerSender(int cap) throws Exception {
        // TestChan: P goroutines send 0..L-1 each, P goroutines receive L values each.
        int p = 4;
        int l = 1000;
        try (Scope s = scope()) {
            Chan<Integer> c = Chan.make(cap);
            for (int k = 0; k < p; k++) {
                s.go(() -> {
                    for (int i = 0; i < l; i++) {
                        c.send(i);
                    }
                });
            }
            List<Task<Map<Integer, Integer>>> receivers = new ArrayList<>();
            for (int k = 0; k < p; k++) {
                receivers.add(s.call(() -> {
                    Map<Integer, Integer> recv = new HashMap<>();
                    for (int i = 0; i < l; i++) {
                        recv.merge(c.recv(), 1, Integer::sum);
                    }
                    return recv;
                }));
            }
            Map<Integer, Integer> all = new HashMap<>();
            for (Task<Map<Integer, Integer>> r : receivers) {
                r.get().forEach((k, v) -> all.merge(k, v, Integer::sum));
            }
            assertEquals(l, all.size(), "chan[" + cap + "]: distinct values");
            all.forEach((k, v) -> assertEquals(p, v, "chan[" + cap + "]: value " + k + " received"));
        }
    }

    @EveryScheduler
    void multipleProducersAndConsumersPassEveryValueExactlyOnce(String scheduler) throws Exception {
        // TestMultiConsumer, with several feeders: feeders -> q -> 23 workers (range) -> r ->
        // one consumer. Every value must come out exactly once; counts and sums must match.
        int feeders = 4;
        int nwork = 23;
        int niter = 271_828;
        int[] pn = {2, 3, 7, 11, 13, 17, 19, 23, 27, 31};
        try (Scope s = scope(scheduler)) {
            Chan<Integer> q = Chan.make(nwork * 3);
            Chan<Integer> r = Chan.make(nwork * 3);
            List<Task<Void>> workers = new ArrayList<>();
            for (int w = 0; w < nwork; w++) {
                int id = w;
                workers.add(s.go(() -> {
                    for (Integer v : q) {
                        if (pn[id % pn.length] == pn[v % pn.length]) {
                            Go.gosched(); // mess with the FIFO-ish nature of range
                        }
                        r.send(v);
                    }
                }));
            }
            List<Task<Long>> feeding = new ArrayList<>();
            for (int f = 0; f < feeders; f++) {
                int from = (int) ((long) niter * f / feeders);
                int to = (int) ((long) niter * (f + 1) / feeders);
                feeding.add(s.call(() -> {
                    long sum = 0;
                    for (int i = from; i < to; i++) {
                        sum += i;
                        q.send(i);
                    }
                    return sum;
                }));
            }
            Task<Long> closer = s.call(() -> {
                long expect = 0;
                for (Task<Long> f : feeding) {
                    expect += f.get(40);
                }
                q.close(); // no more work
                for (Task<Void> w : workers) {
                    w.get(); // workers done...
                }
                r.close(); // ... so there can be no more results
                return expect;
            });
            record Received(BitSet seen, long count, long sum) {}
            Task<Received> consumer = s.call(() -> {
                BitSet seen = new BitSet(niter);
                long n = 0;
                long sum = 0;
                for (Integer v : r) {
                    if (seen.get(v)) {
                        throw new AssertionError("value " + v + " received twice");
                    }
                    seen.set(v);
                    n++;
                    sum += v;
                }
                return new Received(seen, n, sum);
            });
            Received got = consumer.get(40);
            long expect = closer.get();
            assertEquals((long) niter * (niter - 1) / 2, expect, "sum of the values sent");
            assertEquals(niter, got.count(), "values received");
            assertEquals(expect, got.sum(), "sum of the values received");
            assertEquals(niter, got.seen().cardinality(), "distinct values received");
            assertEquals(niter, got.seen().nextClearBit(0), "every value 0.." + (niter - 1) + " received");
        }
    }

    // ---------------------------------------------------------------- interrupts

    @Test
    void interruptedRecvThrowsAndLeavesTheChannelUsable() throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> c = Chan.make();
            Task<Boolean> r = s.call(() -> {
                try {
                    c.recv();
                    return false;
                } catch (GoInterruptedException e) {
                    if (!e.getMessage().contains(RECV)) {
                        throw new AssertionError("message should name the wait: " + e.getMessage());
                    }
                    return Thread.currentThread().isInterrupted();
                }
            });
            awaitBlocked(r.thread(), RECV);
            r.thread().interrupt();
            assertTrue(r.get(), "GoInterruptedException with the interrupt status still set");
            assertFalse(c.trySend(1), "the interrupted receiver must have left the wait queue");
            Task<Integer> r2 = s.call(c::recv);
            awaitBlocked(r2.thread(), RECV);
            c.send(2);
            assertEquals(2, r2.get(), "a later receiver gets the value");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void interruptedSendThrowsAndItsValueIsNeverDelivered(int cap) throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> c = Chan.make(cap);
            for (int i = 0; i < cap; i++) {
                c.send(i);
            }
            Task<Void> sender = s.go(() -> c.send(99));
            awaitBlocked(sender.thread(), SEND);
            sender.thread().interrupt();
            GoInterruptedException e = sender.failure(GoInterruptedException.class);
            assertTrue(e.getMessage().contains(SEND), e.getMessage());
            assertEquals(cap, c.len());
            for (int i = 0; i < cap; i++) {
                assertEquals(i, c.recv());
            }
            assertNull(c.tryRecv(), "the interrupted send's value must not be delivered");
            assertTrue(c.trySend(1) == (cap > 0), "the channel still works");
            c.close();
            if (cap > 0) {
                assertEquals(1, c.recv());
            }
            assertNull(c.recv());
        }
    }

    @Test
    void anAlreadyInterruptedThreadThrowsOnlyWhenItWouldBlock() throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> c = Chan.make(1);
            String outcome = s.inGoroutine(() -> {
                Thread.currentThread().interrupt();
                c.send(1); // buffer space: no wait
                Integer v = c.recv(); // a value is there: no wait
                if (v != 1) {
                    return "recv got " + v;
                }
                try {
                    c.recv(); // would block
                    return "recv on an empty channel returned";
                } catch (GoInterruptedException e) {
                    // expected
                }
                c.send(2);
                try {
                    c.send(3); // would block
                    return "send on a full channel returned";
                } catch (GoInterruptedException e) {
                    // expected
                }
                Thread.interrupted();
                return "ok " + c.recv() + " " + c.tryRecv();
            });
            assertEquals("ok 2 null", outcome);
        }
    }

    @Test
    void interruptRacingWithSendEitherDeliversOrThrowsNeverBoth() throws Exception {
        try (Scope s = scope()) {
            int delivered = 0;
            int interrupted = 0;
            for (int i = 0; i < 2000; i++) {
                Chan<Integer> c = Chan.make();
                Task<Integer> r = s.call(() -> {
                    try {
                        return c.recv();
                    } catch (GoInterruptedException e) {
                        return -1;
                    }
                });
                awaitBlocked(r.thread(), RECV);
                r.thread().interrupt();
                boolean sent = c.trySend(i);
                int got = r.get();
                if (sent) {
                    assertEquals(i, got, "iteration " + i + ": trySend succeeded, so the receiver must have the value");
                    delivered++;
                } else {
                    assertEquals(-1, got, "iteration " + i + ": trySend failed, so the receiver must have given up");
                    interrupted++;
                }
                assertNull(c.tryRecv());
            }
            assertEquals(2000, delivered + interrupted);
        }
    }

    // ---------------------------------------------------------------- platform threads

    @Test
    void platformThreadsCanSendReceiveAndBeWokenByClose() throws Exception {
        Chan<Integer> ping = Chan.make();
        Chan<Integer> pong = Chan.make();
        Task<Long> echo = platform(() -> {
            long n = 0;
            for (Integer v : ping) {
                pong.send(v * 2);
                n++;
            }
            pong.close();
            return n;
        });
        for (int i = 0; i < 2000; i++) {
            ping.send(i);
            assertEquals(2 * i, pong.recv());
        }
        awaitBlocked(echo.thread(), RECV); // a platform thread parks in the channel too
        ping.close();
        assertEquals(2000, echo.get());
        assertNull(pong.recv());

        // A platform thread blocked in send is woken by close.
        Chan<Integer> c = Chan.make();
        Task<Void> sender = platformRun(() -> c.send(1));
        awaitBlocked(sender.thread(), SEND);
        c.close();
        sender.failure(ChanClosedException.class);
    }

    @Test
    void platformThreadsAndGoroutinesShareAChannel() throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> c = Chan.make(3);
            int n = 20_000;
            Task<Long> goroutine = s.call(() -> {
                long sum = 0;
                for (Integer v : c) {
                    sum += v;
                }
                return sum;
            });
            Task<Void> p1 = platformRun(() -> {
                for (int i = 0; i < n; i += 2) {
                    c.send(i);
                }
            });
            for (int i = 1; i < n; i += 2) {
                c.send(i);
            }
            p1.get();
            c.close();
            assertEquals((long) n * (n - 1) / 2, goroutine.get());
        }
    }

    @Test
    void platformThreadInterruptedInRecvThrowsGoInterruptedException() throws Exception {
        Chan<Integer> c = Chan.make();
        Task<Boolean> r = platform(() -> {
            try {
                c.recv();
                return false;
            } catch (GoInterruptedException e) {
                return Thread.interrupted();
            }
        });
        awaitBlocked(r.thread(), RECV);
        r.thread().interrupt();
        assertTrue(r.get());
        assertFalse(c.trySend(1));
    }

    // ---------------------------------------------------------------- introspection

    @Test
    void aChannelWaitIsStampedWhenFirstSeenAndLaterDumpsShowHowLong() throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> a = Chan.make();
            Task<Integer> receiver = s.call(a::recv);
            awaitBlocked(receiver.thread(), RECV);
            String header = "goroutine " + receiver.thread().threadId() + " [chan receive, ";
            StringBuilder first = new StringBuilder();
            s.rt.dumpGoroutines(first);
            assertTrue(first.toString().contains(header + "first seen now]:"), first.toString());
            StringBuilder second = new StringBuilder();
            s.rt.dumpGoroutines(second);
            assertTrue(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(header) + "\\d+ms]:")
                    .matcher(second).find(), second.toString());
            a.send(7);
            assertEquals(7, receiver.get());
        }
    }

    @Test
    void blockedGoroutinesShowTheirWaitReasonInTheDump() throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> a = Chan.make();
            Chan<Integer> b = Chan.make();
            Chan<Integer> c = Chan.make();
            Chan<Integer> d = Chan.make();
            Task<Integer> receiver = s.call(a::recv);
            Task<Void> sender = s.go(() -> b.send(1));
            Task<Integer> selector = s.call(() -> Select.builder().recv(c, v -> {}).send(d, 5, () -> {}).run());
            Task<Integer> nullSelect = s.call(() -> Select.builder().recv(null, v -> {}).run());
            awaitBlocked(receiver.thread(), RECV);
            awaitBlocked(sender.thread(), SEND);
            awaitBlocked(selector.thread(), "select");
            awaitBlocked(nullSelect.thread(), "select (no cases)");

            StringWriter out = new StringWriter();
            s.rt.dumpGoroutines(out);
            String dump = out.toString();
            assertTrue(dump.contains("goroutine " + receiver.thread().threadId() + " [chan receive, "), dump);
            assertTrue(dump.contains("goroutine " + sender.thread().threadId() + " [chan send, "), dump);
            assertTrue(dump.contains("goroutine " + selector.thread().threadId() + " [select, "), dump);
            assertTrue(dump.contains("goroutine " + nullSelect.thread().threadId() + " [select (no cases), "), dump);

            a.send(1);
            assertEquals(1, receiver.get());
            assertEquals(1, b.recv());
            sender.get();
            assertEquals(5, d.recv());
            assertEquals(1, selector.get());
            nullSelect.thread().interrupt();
            nullSelect.failure(GoInterruptedException.class);
        }
    }
}
