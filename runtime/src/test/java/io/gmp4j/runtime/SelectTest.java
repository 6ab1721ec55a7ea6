package io.gmp4j.runtime;

import io.gmp4j.runtime.Blocking.Scope;
import io.gmp4j.runtime.Blocking.Task;
import io.gmp4j.tck.fixtures.EveryScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static io.gmp4j.runtime.Blocking.awaitBlocked;
import static io.gmp4j.runtime.Blocking.platform;
import static io.gmp4j.runtime.Blocking.scope;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Select}: Go's select tests ported (TestSelectFairness, TestPseudoRandomSend,
 * TestNonblockSelectRace, TestSelfSelect, TestSelectDuplicateChannel, TestSelectStress) plus
 * nil-channel cases, default, return values, cleanup of the waiters a select leaves on the
 * channels it did not take, interrupts and close. No sleeps; every wait is bounded.
 */
@Timeout(value = 60, unit = SECONDS)
class SelectTest {
    private static final String SELECT = "select";

    // ---------------------------------------------------------------- builder and return value

    @Test
    void orElseTwiceThrowsIllegalStateException() {
        Select.Builder b = Select.builder().orElse(() -> {});
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.orElse(() -> {}));
        assertTrue(e.getMessage().contains("default"), e.getMessage());
        // The builder still works with its first default.
        assertEquals(0, b.run());
    }

    @Test
    void nullActionsAreRejected() {
        Chan<Integer> c = Chan.make();
        assertThrows(NullPointerException.class, () -> Select.builder().recv(c, null));
        assertThrows(NullPointerException.class, () -> Select.builder().send(c, 1, null));
        assertThrows(NullPointerException.class, () -> Select.builder().orElse(null));
    }

    @Test
    void runReturnsTheNumberOfTheCaseTakenCountingOrElse() {
        Chan<String> a = Chan.make(1);
        Chan<String> b = Chan.make(1);
        List<String> log = new ArrayList<>();
        Select.Builder sel = Select.builder()
                .recv(a, v -> log.add("a:" + v))
                .orElse(() -> log.add("default"))
                .recv(b, v -> log.add("b:" + v));
        assertEquals(1, sel.run());
        a.send("x");
        assertEquals(0, sel.run());
        b.send("y");
        assertEquals(2, sel.run());
        assertEquals(1, sel.run(), "a builder can be run again and again");
        assertEquals(List.of("default", "a:x", "b:y", "default"), log);
    }

    @Test
    void actionsRunInTheCallingThreadWithNoChannelLockHeld() throws Exception {
        Chan<Integer> a = Chan.make(1);
        Chan<Integer> b = Chan.make(1);
        Thread caller = Thread.currentThread();
        Supplier<String> check = () -> Thread.currentThread() != caller ? "ran in another thread"
                : a.lock.isHeldByCurrentThread() || b.lock.isHeldByCurrentThread() ? "ran with a channel lock held"
                : "ok";
        for (int i = 0; i < 100; i++) {
            a.send(i);
            AtomicReference<String> outcome = new AtomicReference<>("no action ran");
            // Both cases are ready: whichever is taken, its action must run unlocked, here.
            int taken = Select.builder().recv(a, v -> outcome.set(check.get())).send(b, 5, () -> outcome.set(check.get())).run();
            assertEquals("ok", outcome.get());
            if (taken == 1) { // reset: a kept its value, b got 5
                assertEquals(i, a.recv());
                assertEquals(5, b.recv());
            }
            assertEquals(0, a.len() + b.len());
        }

        // The blocking path too: from inside the action, another thread can lock the channel.
        try (Scope s = scope()) {
            Chan<Integer> c = Chan.make();
            Task<String> selector = s.call(() -> {
                AtomicReference<String> outcome = new AtomicReference<>("no action ran");
                Select.builder().recv(c, v -> {
                    try {
                        boolean sent = platform(() -> c.trySend(2)).get(); // needs c's lock
                        outcome.set(sent ? "trySend found a stale receiver" : "ok");
                    } catch (Exception e) {
                        outcome.set(e.toString());
                    }
                }).run();
                return outcome.get();
            });
            awaitBlocked(selector.thread(), SELECT);
            c.send(1);
            assertEquals("ok", selector.get(30), "the action must run after the select released the channel locks");
        }
    }

    // ---------------------------------------------------------------- null channels and default

    @Test
    void caseOnANullChannelNeverFires() {
        Chan<Integer> a = Chan.make(1);
        AtomicInteger nullFired = new AtomicInteger();
        for (int i = 0; i < 1000; i++) {
            a.send(i);
            int taken = Select.builder()
                    .recv(null, v -> nullFired.incrementAndGet())
                    .send(null, 1, nullFired::incrementAndGet)
                    .recv(a, v -> {})
                    .run();
            assertEquals(2, taken);
        }
        assertEquals(0, nullFired.get());
        // With nothing else ready, default runs; the null cases stay silent.
        assertEquals(3, Select.builder().recv(null, v -> nullFired.incrementAndGet())
                .send(null, 1, nullFired::incrementAndGet).recv(a, v -> {}).orElse(() -> {}).run());
        assertEquals(0, nullFired.get());
    }

    @Test
    void selectWithOnlyNullChannelsAndOrElseRunsOrElse() {
        AtomicInteger ran = new AtomicInteger();
        int taken = Select.builder()
                .recv(null, v -> ran.addAndGet(100))
                .send(null, "v", () -> ran.addAndGet(100))
                .orElse(ran::incrementAndGet)
                .run();
        assertEquals(2, taken);
        assertEquals(1, ran.get());
        assertEquals(0, Select.builder().orElse(ran::incrementAndGet).run(), "select with only a default");
        assertEquals(2, ran.get());
    }

    @Test
    void selectWithOnlyNullChannelsBlocksUntilInterrupted() throws Exception {
        try (Scope s = scope()) {
            Task<Integer> forever = s.call(() -> Select.builder().recv(null, v -> {}).send(null, 1, () -> {}).run());
            Task<Integer> empty = s.call(() -> Select.builder().run()); // Go's select {}
            awaitBlocked(forever.thread(), "select (no cases)");
            awaitBlocked(empty.thread(), "select (no cases)");
            forever.thread().interrupt();
            empty.thread().interrupt();
            forever.failure(GoInterruptedException.class);
            empty.failure(GoInterruptedException.class);
        }
    }

    @Test
    void blockingSelectWithANullCaseWaitsForTheRealChannel() throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> a = Chan.make();
            AtomicInteger got = new AtomicInteger();
            Task<Integer> sel = s.call(() -> Select.builder().recv(null, v -> got.set(-1)).recv(a, got::set).run());
            awaitBlocked(sel.thread(), SELECT);
            a.send(42);
            assertEquals(1, sel.get());
            assertEquals(42, got.get());
        }
    }

    @Test
    void defaultRunsOnlyWhenNoCaseIsReady() throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> unbuffered = Chan.make();
            Chan<Integer> full = Chan.make(1);
            full.send(0);
            Select.Builder sel = Select.builder()
                    .recv(unbuffered, v -> {})
                    .send(full, 1, () -> {})
                    .orElse(() -> {});
            assertEquals(2, sel.run(), "no sender on unbuffered, no space in full");

            // A blocked sender makes a receive case ready.
            Task<Void> sender = s.go(() -> unbuffered.send(7));
            awaitBlocked(sender.thread(), "chan send");
            AtomicInteger got = new AtomicInteger();
            assertEquals(0, Select.builder().recv(unbuffered, got::set).orElse(() -> {}).run());
            assertEquals(7, got.get());
            sender.get();

            // A blocked receiver makes a send case ready.
            Task<Integer> receiver = s.call(unbuffered::recv);
            awaitBlocked(receiver.thread(), "chan receive");
            assertEquals(0, Select.builder().send(unbuffered, 8, () -> {}).orElse(() -> {}).run());
            assertEquals(8, receiver.get());
        }
    }

    // ---------------------------------------------------------------- randomness

    @Test
    void allReadyReceiveCasesWinAboutEquallyOften() {
        // TestSelectFairness: 4 ready cases, 40,000 runs: each should win ~10,000 (sd ~87).
        int cases = 4;
        int runs = 40_000;
        List<Chan<Integer>> chans = new ArrayList<>();
        for (int i = 0; i < cases; i++) {
            Chan<Integer> c = Chan.make(1);
            c.send(i);
            chans.add(c);
        }
        int[] wins = new int[cases];
        Select.Builder sel = Select.builder();
        for (Chan<Integer> c : chans) {
            sel.recv(c, v -> wins[v]++);
        }
        for (int i = 0; i < runs; i++) {
            int taken = sel.run();
            assertTrue(chans.get(taken).trySend(taken), "refill"); // all cases ready again
        }
        assertFair(wins, runs);
    }

    @Test
    void allReadyMixedSendAndReceiveCasesWinAboutEquallyOften() {
        int runs = 40_000;
        Chan<Integer> in0 = Chan.make(1);
        Chan<Integer> in1 = Chan.make(1);
        Chan<Integer> out0 = Chan.make(1);
        Chan<Integer> out1 = Chan.make(1);
        in0.send(0);
        in1.send(1);
        int[] wins = new int[4];
        Select.Builder sel = Select.builder()
                .recv(in0, v -> wins[0]++)
                .send(out0, 2, () -> wins[1]++)
                .recv(in1, v -> wins[2]++)
                .send(out1, 3, () -> wins[3]++);
        for (int i = 0; i < runs; i++) {
            switch (sel.run()) {
                case 0 -> in0.send(0);
                case 1 -> assertEquals(2, out0.recv());
                case 2 -> in1.send(1);
                case 3 -> assertEquals(3, out1.recv());
                default -> throw new AssertionError("no such case");
            }
        }
        assertFair(wins, runs);
    }

    @Test
    void sameChannelInSeveralReadyCasesIsChosenUniformlyAmongThem() {
        Chan<Integer> c = Chan.make(1);
        Chan<Integer> d = Chan.make(1);
        int runs = 40_000;
        int[] wins = new int[4];
        Select.Builder sel = Select.builder()
                .recv(c, v -> wins[0]++)
                .recv(c, v -> wins[1]++)
                .recv(d, v -> wins[2]++)
                .recv(c, v -> wins[3]++);
        c.send(0);
        d.send(0);
        for (int i = 0; i < runs; i++) {
            int taken = sel.run();
            (taken == 2 ? d : c).send(0);
        }
        assertFair(wins, runs);
    }

    /** Each of the cases won within ±15% of its fair share: many standard deviations, cannot flake. */
    private static void assertFair(int[] wins, int runs) {
        int expected = runs / wins.length;
        int slack = expected * 15 / 100;
        assertEquals(runs, Arrays.stream(wins).sum(), Arrays.toString(wins));
        for (int i = 0; i < wins.length; i++) {
            assertTrue(Math.abs(wins[i] - expected) <= slack,
                    "case " + i + " won " + wins[i] + " of " + runs + " times, expected " + expected + " ± " + slack
                            + ": " + Arrays.toString(wins));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1000})
    void pseudoRandomSendProducesBothValues(int cap) throws Exception {
        // TestPseudoRandomSend: select { case c <- 1: case c <- 0: } must not always pick one.
        int n = 1000;
        try (Scope s = scope()) {
            Chan<Integer> c = Chan.make(cap);
            Task<int[]> receiver = s.call(() -> {
                int[] counts = new int[2];
                for (int i = 0; i < n; i++) {
                    Go.gosched();
                    counts[c.recv()]++;
                }
                return counts;
            });
            for (int i = 0; i < n; i++) {
                Select.builder().send(c, 1, () -> {}).send(c, 0, () -> {}).run();
            }
            int[] counts = receiver.get();
            assertEquals(n, counts[0] + counts[1]);
            assertTrue(counts[0] > n / 4 && counts[1] > n / 4,
                    "want pseudo-random, got " + counts[0] + " zeros and " + counts[1] + " ones (cap " + cap + ")");
        }
    }

    // ---------------------------------------------------------------- blocking select

    @Test
    void blockedSelectTakesTheFirstCaseThatBecomesReadyAndOnlyThatOne() throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> a = Chan.make();
            Chan<Integer> b = Chan.make();
            Chan<Integer> out = Chan.make();
            List<String> log = new ArrayList<>();
            Task<Integer> sel = s.call(() -> Select.builder()
                    .recv(a, v -> log.add("a" + v))
                    .recv(b, v -> log.add("b" + v))
                    .send(out, 3, () -> log.add("out"))
                    .run());
            awaitBlocked(sel.thread(), SELECT);
            b.send(5);
            assertEquals(1, sel.get());
            assertEquals(List.of("b5"), log);
            assertFalse(a.trySend(1), "the select must not wait on a any more");
            assertNull(out.tryRecv(), "the send case must not have happened");
        }
    }

    @Test
    void blockedSelectSendCaseCompletesWhenAReceiverComes() throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> a = Chan.make();
            Chan<Integer> b = Chan.make(0);
            AtomicBoolean sentA = new AtomicBoolean();
            AtomicBoolean sentB = new AtomicBoolean();
            Task<Integer> sel = s.call(() -> Select.builder()
                    .send(a, 1, () -> sentA.set(true))
                    .send(b, 2, () -> sentB.set(true))
                    .run());
            awaitBlocked(sel.thread(), SELECT);
            assertEquals(1, a.recv());
            assertEquals(0, sel.get());
            assertTrue(sentA.get());
            assertFalse(sentB.get());
            assertNull(b.tryRecv(), "the select must have withdrawn its offer on b");
        }
    }

    @Test
    void closeWakesABlockedSelectReceiveWithNull() throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> a = Chan.make();
            Chan<Integer> b = Chan.make();
            AtomicReference<String> got = new AtomicReference<>();
            Task<Integer> sel = s.call(() -> Select.builder()
                    .recv(a, v -> got.set("a=" + v))
                    .recv(b, v -> got.set("b=" + v))
                    .run());
            awaitBlocked(sel.thread(), SELECT);
            b.close();
            assertEquals(1, sel.get());
            assertEquals("b=null", got.get());
            assertFalse(a.trySend(1), "no stale waiter left on a");
        }
    }

    @Test
    void closeOfTheChannelOfABlockedSelectSendCaseThrows() throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> a = Chan.make();
            Chan<Integer> b = Chan.make();
            AtomicBoolean ran = new AtomicBoolean();
            Task<Integer> sel = s.call(() -> Select.builder()
                    .send(a, 1, () -> ran.set(true))
                    .recv(b, v -> ran.set(true))
                    .run());
            awaitBlocked(sel.thread(), SELECT);
            a.close();
            assertEquals("send on closed channel", sel.failure(ChanClosedException.class).getMessage());
            assertFalse(ran.get(), "no action runs");
            assertFalse(b.trySend(1), "no stale waiter left on b");
        }
    }

    @Test
    void selectOnClosedChannels() {
        Chan<Integer> closed = Chan.make(2);
        closed.send(1);
        closed.close();
        List<Integer> got = new ArrayList<>();
        Select.Builder recv = Select.builder().recv(closed, got::add).orElse(() -> got.add(-1));
        assertEquals(0, recv.run());
        assertEquals(0, recv.run(), "closed and drained: ready, with null");
        assertEquals(Arrays.asList(1, null), got);

        AtomicBoolean ran = new AtomicBoolean();
        ChanClosedException e = assertThrows(ChanClosedException.class,
                () -> Select.builder().send(closed, 2, () -> ran.set(true)).orElse(() -> ran.set(true)).run(),
                "a send case on a closed channel throws even with a default, as Go panics");
        assertEquals("send on closed channel", e.getMessage());
        assertFalse(ran.get());
    }

    @Test
    void selectReceiveKeepsFifoOrderWhenSendersAreBlockedOnAFullBuffer() throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> c = Chan.make(2);
            Chan<Integer> never = Chan.make();
            c.send(0);
            c.send(1);
            List<Task<Void>> senders = new ArrayList<>();
            for (int v = 2; v < 5; v++) {
                int value = v;
                Task<Void> t = s.go(() -> c.send(value));
                awaitBlocked(t.thread(), "chan send");
                senders.add(t);
            }
            List<Integer> got = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                assertEquals(0, Select.builder().recv(c, got::add).recv(never, v -> got.add(-1)).run());
            }
            assertEquals(List.of(0, 1, 2, 3, 4), got);
            for (Task<Void> t : senders) {
                t.get();
            }
            assertEquals(0, c.len());
        }
    }

    // ---------------------------------------------------------------- no stale waiters

    @Test
    void finishedSelectLeavesNoStaleWaiterOnItsOtherChannels() throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> a = Chan.make();
            Chan<Integer> b = Chan.make();
            AtomicInteger got = new AtomicInteger();
            Task<Integer> sel = s.call(() -> Select.builder().recv(a, got::set).recv(b, got::set).run());
            awaitBlocked(sel.thread(), SELECT);
            a.send(1);
            assertEquals(0, sel.get());
            assertEquals(1, got.get());
            assertTrue(b.recvq.isEmptyHint(), "the select's waiter on b must be unlinked when it finished");
            assertFalse(b.trySend(2), "nobody waits on b: a non-blocking send must fail");
            // A later plain receiver gets the next send on b, not the finished select.
            Task<Integer> later = s.call(b::recv);
            awaitBlocked(later.thread(), "chan receive");
            b.send(3);
            assertEquals(3, later.get());
            assertEquals(1, got.get(), "the old select's action must not run again");
        }
    }

    @Test
    void interruptedSelectThrowsRunsNoCaseAndLeavesNoWaiter() throws Exception {
        try (Scope s = scope()) {
            Chan<Integer> a = Chan.make();
            Chan<Integer> b = Chan.make();
            AtomicBoolean ran = new AtomicBoolean();
            Task<Boolean> sel = s.call(() -> {
                try {
                    Select.builder().send(a, 1, () -> ran.set(true)).recv(b, v -> ran.set(true)).run();
                    return false;
                } catch (GoInterruptedException e) {
                    return Thread.currentThread().isInterrupted();
                }
            });
            awaitBlocked(sel.thread(), SELECT);
            sel.thread().interrupt();
            assertTrue(sel.get(), "GoInterruptedException, interrupt status kept");
            assertFalse(ran.get(), "no case ran");
            assertTrue(a.sendq.isEmptyHint() && b.recvq.isEmptyHint(), "both of the select's waiters must be unlinked");
            assertNull(a.tryRecv(), "the send case's value was not sent");
            assertFalse(b.trySend(1), "no waiter left on b");
        }
    }

    @Test
    void interruptRacingWithASendEitherRunsTheCaseOrThrowsNeverBoth() throws Exception {
        try (Scope s = scope()) {
            for (int i = 0; i < 2000; i++) {
                Chan<Integer> a = Chan.make();
                Chan<Integer> b = Chan.make();
                AtomicInteger got = new AtomicInteger(-1);
                Task<Boolean> sel = s.call(() -> {
                    try {
                        Select.builder().recv(a, got::set).recv(b, got::set).run();
                        return true;
                    } catch (GoInterruptedException e) {
                        return false;
                    }
                });
                awaitBlocked(sel.thread(), SELECT);
                sel.thread().interrupt();
                boolean sent = (i % 2 == 0 ? a : b).trySend(i);
                boolean completed = sel.get();
                assertEquals(sent, completed, "iteration " + i + ": sent " + sent + " but select completed " + completed);
                assertEquals(sent ? i : -1, got.get(), "iteration " + i);
                assertFalse(a.trySend(0) || b.trySend(0), "iteration " + i + ": stale waiter left");
            }
        }
    }

    // ---------------------------------------------------------------- duplicates and lock order

    @Test
    void sameChannelTwiceInOneSelectDoesNotCorruptItsWaitQueue() throws Exception {
        // TestSelectDuplicateChannel.
        try (Scope s = scope()) {
            Chan<Integer> c = Chan.make();
            Chan<Integer> d = Chan.make();
            Chan<Integer> e = Chan.make();
            Task<Void> a = s.go(() -> {
                Select.builder().recv(c, v -> {}).recv(c, v -> {}).recv(d, v -> {}).run();
                e.send(9);
            });
            awaitBlocked(a.thread(), SELECT); // A is queued on c (twice) first
            Task<Integer> b = s.call(c::recv);
            awaitBlocked(b.thread(), "chan receive"); // then B
            d.send(7); // wakes A, which unlinks itself from c
            assertEquals(9, e.recv());
            a.get();
            c.send(8); // must reach B
            assertEquals(8, b.get());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 10})
    void selectSendingAndReceivingOnTheSameChannelNeverReceivesItsOwnValue(int cap) throws Exception {
        // TestSelfSelect: two goroutines, each in a select with both a send and a receive on c.
        try (Scope s = scope()) {
            Chan<Integer> c = Chan.make(cap);
            List<Task<Integer>> tasks = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                int me = p;
                tasks.add(s.call(() -> {
                    int self = 0;
                    for (int i = 0; i < 1000; i++) {
                        AtomicInteger got = new AtomicInteger(-1);
                        if (me == 0 || i % 2 == 0) {
                            Select.builder().send(c, me, () -> {}).recv(c, got::set).run();
                        } else {
                            Select.builder().recv(c, got::set).send(c, me, () -> {}).run();
                        }
                        if (got.get() == me) {
                            self++;
                        }
                    }
                    return self;
                }));
            }
            for (Task<Integer> t : tasks) {
                int self = t.get(30);
                if (cap == 0) {
                    assertEquals(0, self, "an unbuffered select received its own send");
                }
            }
        }
    }

    @EveryScheduler
    void selectsListingTheSameChannelsInOppositeOrdersDoNotDeadlock(String scheduler) throws Exception {
        int n = 20_000;
        try (Scope s = scope(scheduler)) {
            Chan<Integer> a = Chan.make();
            Chan<Integer> b = Chan.make();
            // g1: a <- or <-b ; g2: b <- or <-a, listed in the opposite order. Each step of one
            // pairs with one step of the other.
            Task<int[]> g1 = s.call(() -> {
                int[] counts = new int[2];
                for (int i = 0; i < n; i++) {
                    Select.builder().send(a, 1, () -> counts[0]++).recv(b, v -> counts[1]++).run();
                }
                return counts;
            });
            Task<int[]> g2 = s.call(() -> {
                int[] counts = new int[2];
                for (int i = 0; i < n; i++) {
                    Select.builder().recv(a, v -> counts[0]++).send(b, 2, () -> counts[1]++).run();
                }
                return counts;
            });
            int[] c1 = g1.get(40);
            int[] c2 = g2.get(40);
            assertEquals(n, c1[0] + c1[1]);
            assertEquals(c1[0], c2[0], "sends on a = receives on a");
            assertEquals(c1[1], c2[1], "sends on b = receives on b");
        }
    }

    @EveryScheduler
    void concurrentSelectsListingSharedChannelsInDifferentOrdersNeverDeadlock(String scheduler) throws Exception {
        // Every select here is ready at once (each channel has a send and a receive case and
        // capacity 1, so one of the two can always proceed): the goroutines never park in a
        // channel, they only contend for the channel locks — which a select must take in one
        // global order, whatever order its cases are listed in.
        int goroutines = 4;
        int n = 25_000;
        try (Scope s = scope(scheduler)) {
            List<Chan<Integer>> chans = List.of(Chan.make(1), Chan.make(1), Chan.make(1), Chan.make(1));
            int[][] orders = {{0, 1, 2, 3}, {3, 2, 1, 0}, {1, 3, 0, 2}, {2, 0, 3, 1}};
            List<Task<long[]>> tasks = new ArrayList<>();
            for (int g = 0; g < goroutines; g++) {
                int[] order = orders[g];
                tasks.add(s.call(() -> {
                    long[] sentReceived = new long[2];
                    Select.Builder b = Select.builder();
                    for (int k : order) {
                        b.send(chans.get(k), k, () -> sentReceived[0]++);
                        b.recv(chans.get(k), v -> {
                            if (v != k) {
                                throw new AssertionError("channel " + k + " delivered " + v);
                            }
                            sentReceived[1]++;
                        });
                    }
                    for (int i = 0; i < n; i++) {
                        b.run();
                    }
                    return sentReceived;
                }));
            }
            long sent = 0;
            long received = 0;
            for (Task<long[]> t : tasks) {
                long[] r = t.get(40);
                assertEquals(n, r[0] + r[1]);
                sent += r[0];
                received += r[1];
            }
            long left = 0;
            for (Chan<Integer> c : chans) {
                left += c.len();
            }
            assertEquals(sent, received + left, "every value sent was received or is still buffered");
        }
    }

    @EveryScheduler
    void selectStressWithPlainAndSelectingSendersAndReceiversCompletes(String scheduler) throws Exception {
        // TestSelectStress: per channel a plain sender and a plain receiver of N values, plus one
        // goroutine sending N on each in a single select and one receiving N from each.
        int n = 10_000;
        try (Scope s = scope(scheduler)) {
            List<Chan<Integer>> c = List.of(Chan.make(), Chan.make(), Chan.make(2), Chan.make(3));
            List<Task<?>> all = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                Chan<Integer> ch = c.get(k);
                all.add(s.go(() -> {
                    for (int i = 0; i < n; i++) {
                        ch.send(0);
                    }
                }));
                all.add(s.go(() -> {
                    for (int i = 0; i < n; i++) {
                        if (ch.recv() == null) {
                            throw new AssertionError("closed?");
                        }
                    }
                }));
            }
            Task<int[]> selSender = s.call(() -> {
                int[] cnt = new int[4];
                List<Chan<Integer>> c1 = new ArrayList<>(c);
                for (int i = 0; i < 4 * n; i++) {
                    Select.Builder b = Select.builder();
                    for (int k : new int[] {3, 2, 0, 1}) {
                        b.send(c1.get(k), 0, () -> {
                            if (++cnt[k] == n) {
                                c1.set(k, null);
                            }
                        });
                    }
                    b.run();
                }
                return cnt;
            });
            Task<int[]> selReceiver = s.call(() -> {
                int[] cnt = new int[4];
                List<Chan<Integer>> c1 = new ArrayList<>(c);
                for (int i = 0; i < 4 * n; i++) {
                    Select.Builder b = Select.builder();
                    for (int k = 0; k < 4; k++) {
                        int kk = k;
                        b.recv(c1.get(k), v -> {
                            if (++cnt[kk] == n) {
                                c1.set(kk, null);
                            }
                        });
                    }
                    b.run();
                }
                return cnt;
            });
            for (Task<?> t : all) {
                t.get(40);
            }
            int[] expected = {n, n, n, n};
            assertEquals(Arrays.toString(expected), Arrays.toString(selSender.get(40)), "values sent per channel by the select");
            assertEquals(Arrays.toString(expected), Arrays.toString(selReceiver.get(40)), "values received per channel by the select");
            for (Chan<Integer> ch : c) {
                assertNull(ch.tryRecv(), "every value sent was received");
            }
        }
    }

    // ---------------------------------------------------------------- non-blocking races

    @Test
    void nonBlockingSelectSeesOneOfTwoChannelsAlwaysReady() throws Exception {
        // TestNonblockSelectRace: from the goroutine's start, c1 or c2 is always ready.
        try (Scope s = scope()) {
            for (int i = 0; i < 20_000; i++) {
                Chan<Integer> c1 = Chan.make(1);
                Chan<Integer> c2 = Chan.make(1);
                c1.send(1);
                Task<Integer> t = s.call(() -> Select.builder().recv(c1, v -> {}).recv(c2, v -> {}).orElse(() -> {}).run());
                c2.send(1);
                Select.builder().recv(c1, v -> {}).orElse(() -> {}).run();
                assertTrue(t.get() != 2, "iteration " + i + ": no channel was ready");
            }
        }
    }

    @Test
    void nonBlockingSelectSeesOneOfTwoChannelsAlwaysReadyWhenOneIsClosed() throws Exception {
        // TestNonblockSelectRace2: close(c2) instead of c2 <- 1.
        try (Scope s = scope()) {
            for (int i = 0; i < 20_000; i++) {
                Chan<Integer> c1 = Chan.make(1);
                Chan<Integer> c2 = Chan.make();
                c1.send(1);
                Task<Integer> t = s.call(() -> Select.builder().recv(c1, v -> {}).recv(c2, v -> {}).orElse(() -> {}).run());
                c2.close();
                Select.builder().recv(c1, v -> {}).orElse(() -> {}).run();
                assertTrue(t.get() != 2, "iteration " + i + ": no channel was ready");
            }
        }
    }

    // ---------------------------------------------------------------- platform threads

    @Test
    void platformThreadsCanSelect() throws Exception {
        Chan<Integer> a = Chan.make();
        Chan<Integer> b = Chan.make();
        Task<Integer> sel = platform(() -> Select.builder().recv(a, v -> {}).send(b, 4, () -> {}).run());
        awaitBlocked(sel.thread(), SELECT);
        assertEquals(4, b.recv());
        assertEquals(1, sel.get());
        assertNull(a.tryRecv());
        assertFalse(a.trySend(1), "no stale waiter");
    }
}
