package io.gmp4j.runtime;

import io.gmp4j.tck.fixtures.Await;
import io.gmp4j.tck.fixtures.EveryScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Go 1.23 timer semantics ({@link Timer}, {@link Ticker}, {@link Go#sleep}) on every scheduler.
 * Assertions are about order and "no earlier than asked", never about how quickly something
 * happens; every wait is bounded.
 *
 * <p>The timeout runs each test in a separate thread: if a runtime deadlocks, its
 * {@code close()} waits forever (ignoring interrupts), and only a separate thread lets the test
 * fail and the suite go on.
 */
@Timeout(value = 60, unit = SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimerTest {

    // ---------------------------------------------------------------- helpers

    private static GoRuntime runtime(String scheduler) {
        return GoRuntime.builder().maxProcs(2).scheduler(scheduler).build();
    }

    /**
     * Runs body in a goroutine of rt and returns its result; assertion failures propagate. If
     * the goroutine does not finish within 30 s it is interrupted (so that closing the runtime
     * does not wait for it forever) and the test fails.
     */
    private static <T> T inGoroutine(GoRuntime rt, Callable<T> body) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread g = rt.go(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return Await.result(result, Duration.ofSeconds(30), () -> {
            String diagnosis = diagnose(rt);
            System.err.println("TimerTest: goroutine stuck for 30 s\n" + diagnosis);
            g.interrupt();
            return "the goroutine did not finish within 30 s\n" + diagnosis;
        });
    }

    /** The runtime's stats, its goroutines and its machine threads' stacks (printed before a hang). */
    static String diagnose(GoRuntime rt) {
        StringBuilder sb = new StringBuilder(rt.schedtrace()).append('\n');
        StringBuilder goroutines = new StringBuilder();
        rt.dumpGoroutines(goroutines);
        sb.append(goroutines, 0, Math.min(goroutines.length(), 20_000)).append('\n');
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (t.getName().startsWith("gmp4j-")) { // machines and timer threads
                sb.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
                for (StackTraceElement e : stack) {
                    sb.append("\t").append(e).append('\n');
                }
            }
        });
        return sb.toString();
    }

    private static void runInGoroutine(GoRuntime rt, ThrowingRunnable body) throws Exception {
        inGoroutine(rt, () -> {
            body.run();
            return null;
        });
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** In a goroutine: waits (bounded, 10 s) until cond holds, polling with short sleeps. */
    private static void awaitInGoroutine(BooleanSupplier cond, String what) {
        long deadline = System.nanoTime() + SECONDS.toNanos(10);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after 10 s waiting for: " + what);
            }
            Go.sleep(Duration.ofMillis(1));
        }
    }

    /** Interrupts goroutines left behind by a failed test, so that closing the runtime can end. */
    private static void interruptAll(List<Thread> goroutines) {
        for (Thread t : goroutines) {
            t.interrupt();
        }
    }

    // ---------------------------------------------------------------- Timer

    @EveryScheduler
    void timersFireInDeadlineOrderWhateverTheCreationOrder(String sched) throws Exception {
        long[] delaysMs = {320, 20, 420, 120, 220}; // deadline order: 1, 3, 4, 0, 2
        try (GoRuntime rt = runtime(sched)) {
            List<Object[]> got = inGoroutine(rt, () -> {
                List<Chan<Instant>> timers = new ArrayList<>();
                for (long ms : delaysMs) {
                    timers.add(Timer.after(Duration.ofMillis(ms)));
                }
                List<Object[]> received = new ArrayList<>();
                List<Integer> remaining = new ArrayList<>(List.of(0, 1, 2, 3, 4));
                while (!remaining.isEmpty()) {
                    Select.Builder sel = Select.builder();
                    for (int idx : remaining) {
                        sel.recv(timers.get(idx), v -> received.add(new Object[] {idx, v}));
                    }
                    sel.run();
                    remaining.remove((Integer) received.getLast()[0]);
                }
                return received;
            });
            List<Integer> order = got.stream().map(r -> (Integer) r[0]).toList();
            assertEquals(List.of(1, 3, 4, 0, 2), order, "timers must be received in deadline order");
            for (int i = 1; i < got.size(); i++) {
                Instant prev = (Instant) got.get(i - 1)[1];
                Instant cur = (Instant) got.get(i)[1];
                assertNotNull(cur);
                assertFalse(cur.isBefore(prev), "fire times must follow deadline order: " + prev + " then " + cur);
            }
            assertEquals(0, rt.pendingTimers(), "fired one-shot timers must leave the heaps");
        }
    }

    @EveryScheduler
    void stopBeforeFiringReturnsTrueAndNothingIsEverReceived(String sched) throws Exception {
        try (GoRuntime rt = runtime(sched)) {
            runInGoroutine(rt, () -> {
                int before = rt.pendingTimers();
                Timer t = Timer.newTimer(Duration.ofMillis(50));
                assertNotNull(t.c());
                assertEquals(before + 1, rt.pendingTimers(), "a started timer is pending");
                assertTrue(t.stop(), "stop of an active timer returns true");
                assertEquals(before, rt.pendingTimers(), "a stopped timer leaves the heap at once");
                assertFalse(t.stop(), "a second stop finds nothing to stop");
                // A later timer bounds the wait: by the time it fires, the stopped one would have.
                assertNotNull(Timer.after(Duration.ofMillis(300)).recv());
                assertNull(t.c().tryRecv(), "a stopped timer must never deliver");
                assertEquals(0, t.c().len());
            });
        }
    }

    @EveryScheduler
    void stopAfterTheValueWasReceivedReturnsFalse(String sched) throws Exception {
        try (GoRuntime rt = runtime(sched)) {
            runInGoroutine(rt, () -> {
                Instant created = Instant.now();
                Timer t = Timer.newTimer(Duration.ofMillis(1));
                Instant v = t.c().recv();
                assertNotNull(v);
                assertFalse(v.isBefore(created), "fired before it was created: " + v + " < " + created);
                assertFalse(t.stop(), "stop after the value was received: the timer had expired");
                assertFalse(t.reset(Duration.ofMillis(1)), "reset of an expired timer: it was not active");
                assertNotNull(t.c().recv(), "reset re-arms an expired timer");
                assertEquals(0, rt.pendingTimers());
            });
        }
    }

    @EveryScheduler
    void stopAfterFiringButBeforeReceivingDiscardsTheValue(String sched) throws Exception {
        try (GoRuntime rt = runtime(sched)) {
            runInGoroutine(rt, () -> {
                Timer t = Timer.newTimer(Duration.ofMillis(1));
                awaitInGoroutine(() -> t.c().len() == 1, "the timer to fire");
                assertTrue(t.stop(), "Go 1.23: an unreceived value counts as not yet expired");
                assertNull(t.c().tryRecv(), "after stop returns, the stale value cannot be received");
                assertEquals(0, t.c().len());
            });
        }
    }

    @EveryScheduler
    void noValueArrivesAfterStopReturnsEvenWhileTheTimerIsFiring(String sched) throws Exception {
        // Stop races the firing: timers due in 0–20 µs, stopped after a random 0–20 µs spin.
        // Go 1.23: whatever stop returns, no value can be received once it has returned, not
        // even from a firing that was already in flight.
        try (GoRuntime rt = runtime(sched)) {
            runInGoroutine(rt, () -> {
                int n = 20_000;
                SplittableRandom r = new SplittableRandom(11);
                List<Chan<Instant>> stopped = new ArrayList<>(n);
                int stale = 0;
                for (int i = 0; i < n; i++) {
                    Timer t = Timer.newTimer(Duration.ofNanos(r.nextInt(20_000)));
                    long until = System.nanoTime() + r.nextInt(20_000);
                    while (System.nanoTime() - until < 0) {
                        Thread.onSpinWait();
                    }
                    t.stop();
                    if (t.c().tryRecv() != null) {
                        stale++;
                    }
                    stopped.add(t.c());
                }
                // Any firing still in flight has finished long before this later timer fires.
                assertNotNull(Timer.after(Duration.ofMillis(100)).recv());
                for (Chan<Instant> c : stopped) {
                    if (c.tryRecv() != null) {
                        stale++;
                    }
                }
                assertEquals(0, stale, "values received from timers after stop() returned");
                assertEquals(0, rt.pendingTimers());
            });
        }
    }

    @EveryScheduler
    void aGoroutineStoppingTimersAsTheyFireNeverStallsTheRuntime(String sched) throws Exception {
        // The owner stops (or resets) timers just as the runtime fires them, so the owner's stop
        // and the firing meet on the timer and on its heap. One owner leaves the other
        // processor's machine free to be the one firing. The goroutine must always finish.
        int n = 50_000;
        try (GoRuntime rt = runtime(sched)) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            Thread g = rt.go(() -> {
                try {
                    SplittableRandom r = new SplittableRandom(5);
                    for (int i = 0; i < n; i++) {
                        Timer t = Timer.newTimer(Duration.ofNanos(r.nextInt(20_000)));
                        long until = System.nanoTime() + r.nextInt(20_000);
                        while (System.nanoTime() - until < 0) {
                            Thread.onSpinWait();
                        }
                        if (i % 8 != 7) {
                            t.stop();
                        } else {
                            t.reset(Duration.ofNanos(r.nextInt(20_000)));
                            t.c().recv();
                        }
                    }
                    done.complete(null);
                } catch (Throwable e) {
                    done.completeExceptionally(e);
                }
            });
            Await.result(done, Duration.ofSeconds(30), () -> {
                String diagnosis = diagnose(rt);
                System.err.println("TimerTest: timer owner stuck for 30 s\n" + diagnosis);
                g.interrupt();
                return "the goroutine stopping timers is stuck (deadlock?)\n" + diagnosis;
            });
            assertEquals(0, rt.pendingTimers());
        }
    }

    @EveryScheduler
    void resetDiscardsAnUnreceivedValueAndFiresAgain(String sched) throws Exception {
        try (GoRuntime rt = runtime(sched)) {
            runInGoroutine(rt, () -> {
                Timer t = Timer.newTimer(Duration.ofMillis(1));
                awaitInGoroutine(() -> t.c().len() == 1, "the timer to fire");
                Instant beforeReset = Instant.now(); // the stale value is older than this
                assertTrue(t.reset(Duration.ofMillis(20)), "Go 1.23: reset drained an unreceived value");
                Instant v = t.c().recv();
                assertNotNull(v);
                assertFalse(v.isBefore(beforeReset),
                        "received the stale value from before reset: " + v + " < " + beforeReset);
                assertNull(t.c().tryRecv(), "a one-shot timer delivers once per reset");
            });
        }
    }

    @EveryScheduler
    void resetOfAnActiveTimerMovesItsDeadline(String sched) throws Exception {
        try (GoRuntime rt = runtime(sched)) {
            runInGoroutine(rt, () -> {
                Timer slow = Timer.newTimer(Duration.ofHours(1));
                Chan<Instant> bound = Timer.after(Duration.ofMillis(300));
                assertTrue(slow.reset(Duration.ofMillis(5)), "reset of an active timer returns true");
                Instant reset = slow.c().recv(); // would wait an hour if reset kept the old deadline
                Instant bounding = bound.recv();
                assertFalse(reset.isAfter(bounding),
                        "the timer reset to 5 ms fired after the 300 ms one: " + reset + " > " + bounding);
                assertNull(slow.c().tryRecv(), "the old deadline must not fire as well");
                assertEquals(0, rt.pendingTimers());
            });
        }
    }

    @EveryScheduler
    void zeroAndNegativeDurationsFireAtOnce(String sched) throws Exception {
        try (GoRuntime rt = runtime(sched)) {
            runInGoroutine(rt, () -> {
                assertNotNull(Timer.after(Duration.ZERO).recv());
                assertNotNull(Timer.after(Duration.ofMillis(-5)).recv());
                assertNotNull(Timer.after(Duration.ofSeconds(Long.MIN_VALUE)).recv(), "saturates, no overflow");
                Timer far = Timer.newTimer(Duration.ofSeconds(Long.MAX_VALUE)); // saturates, stays pending
                assertEquals(1, rt.pendingTimers());
                assertTrue(far.stop());
                assertEquals(0, rt.pendingTimers());
            });
        }
    }

    @EveryScheduler
    void afterFuncRunsInAGoroutineOfTheSameRuntime(String sched) throws Exception {
        try (GoRuntime rt = runtime(sched)) {
            CompletableFuture<Optional<GoRuntime>> where = new CompletableFuture<>();
            CompletableFuture<Thread> ranOn = new CompletableFuture<>();
            Thread creator = inGoroutine(rt, () -> {
                Timer t = Timer.afterFunc(Duration.ofMillis(5), () -> {
                    ranOn.complete(Thread.currentThread());
                    where.complete(GoRuntime.current());
                });
                assertNull(t.c(), "an afterFunc timer has no channel");
                return Thread.currentThread();
            });
            assertEquals(Optional.of(rt), where.get(10, SECONDS), "afterFunc must run on its creator's runtime");
            Thread th = ranOn.get(10, SECONDS);
            assertTrue(th.isVirtual(), "afterFunc runs in a goroutine (virtual thread)");
            assertNotSame(creator, th, "afterFunc runs in a goroutine of its own");
        }
    }

    @EveryScheduler
    void stoppedAfterFuncNeverRunsAndStopAfterItRanReturnsFalse(String sched) throws Exception {
        try (GoRuntime rt = runtime(sched)) {
            AtomicBoolean stoppedRan = new AtomicBoolean();
            CountDownLatch ran = new CountDownLatch(1);
            runInGoroutine(rt, () -> {
                Timer stopped = Timer.afterFunc(Duration.ofMillis(50), () -> stoppedRan.set(true));
                assertTrue(stopped.stop(), "stop of a pending afterFunc returns true");
                Timer runs = Timer.afterFunc(Duration.ofMillis(1), ran::countDown);
                assertNotNull(Timer.after(Duration.ofMillis(300)).recv());
                assertTrue(ran.await(10, SECONDS), "the unstopped afterFunc never ran");
                assertFalse(runs.stop(), "stop after the function started returns false");
                assertEquals(0, rt.pendingTimers());
            });
            assertFalse(stoppedRan.get(), "a stopped afterFunc must never run");
        }
    }

    @EveryScheduler
    void afterFuncRunsExactlyWhenStopReturnsFalseEvenWhenStopRacesTheFiring(String sched) throws Exception {
        // Go: "if t.Stop returns false, then the timer has already expired and the function f
        // has been started in its own goroutine"; if it returns true, f never runs. Timers due
        // in 0–20 µs are stopped after a random 0–20 µs spin, so stop races the firing.
        int n = 20_000;
        try (GoRuntime rt = runtime(sched)) {
            AtomicIntegerArray runs = new AtomicIntegerArray(n);
            boolean[] stopFailed = new boolean[n];
            runInGoroutine(rt, () -> {
                SplittableRandom r = new SplittableRandom(13);
                for (int i = 0; i < n; i++) {
                    int id = i;
                    Timer t = Timer.afterFunc(Duration.ofNanos(r.nextInt(20_000)), () -> runs.incrementAndGet(id));
                    long until = System.nanoTime() + r.nextInt(20_000);
                    while (System.nanoTime() - until < 0) {
                        Thread.onSpinWait();
                    }
                    stopFailed[i] = !t.stop();
                }
                // Every function whose stop failed must run (waited for, at most 10 s) ...
                long deadline = System.nanoTime() + SECONDS.toNanos(10);
                while (notRun(stopFailed, runs) > 0 && System.nanoTime() - deadline < 0) {
                    Go.sleep(Duration.ofMillis(1));
                }
                // ... and none whose stop succeeded, even late (a later timer bounds the wait).
                assertNotNull(Timer.after(Duration.ofMillis(100)).recv());
            });
            int stopFalse = 0;
            int wronglyRan = 0;
            int ranTwice = 0;
            for (int i = 0; i < n; i++) {
                stopFalse += stopFailed[i] ? 1 : 0;
                if (!stopFailed[i] && runs.get(i) != 0) {
                    wronglyRan++;
                }
                if (runs.get(i) > 1) {
                    ranTwice++;
                }
            }
            assertEquals(0, notRun(stopFailed, runs), "afterFuncs that never ran although stop() returned false"
                    + " (of " + stopFalse + " whose stop returned false)");
            assertEquals(0, wronglyRan, "afterFuncs that ran although stop() returned true");
            assertEquals(0, ranTwice, "afterFuncs that ran more than once");
        }
    }

    private static int notRun(boolean[] stopFailed, AtomicIntegerArray runs) {
        int missing = 0;
        for (int i = 0; i < stopFailed.length; i++) {
            if (stopFailed[i] && runs.get(i) == 0) {
                missing++;
            }
        }
        return missing;
    }

    @Test
    void timersCreatedOnAPlatformThreadUseTheDefaultRuntimeAndFire() throws Exception {
        assertTrue(GoRuntime.current().isEmpty(), "the test thread is not a goroutine");
        CompletableFuture<Instant> after = CompletableFuture.supplyAsync(
                () -> Timer.after(Duration.ofMillis(5)).recv(), r -> Thread.ofPlatform().start(r));
        assertNotNull(after.get(10, SECONDS));

        // Created here, on this platform thread; received on another platform thread.
        Timer t = Timer.newTimer(Duration.ofMillis(5));
        assertNotNull(CompletableFuture.supplyAsync(() -> t.c().recv(),
                r -> Thread.ofPlatform().start(r)).get(10, SECONDS));

        CompletableFuture<Optional<GoRuntime>> where = new CompletableFuture<>();
        Timer.afterFunc(Duration.ofMillis(5), () -> where.complete(GoRuntime.current()));
        assertEquals(Optional.of(GoRuntime.defaultRuntime()), where.get(10, SECONDS),
                "afterFunc from a platform thread runs on the default runtime");

        Ticker tk = Ticker.newTicker(Duration.ofMillis(5));
        try {
            for (int i = 0; i < 3; i++) {
                assertNotNull(CompletableFuture.supplyAsync(() -> tk.c().recv(),
                        r -> Thread.ofPlatform().start(r)).get(10, SECONDS), "tick " + i);
            }
        } finally {
            tk.stop();
        }
    }

    @EveryScheduler
    void timersCreatedByGoroutinesCanBeResetAndReceivedOnPlatformThreads(String sched) throws Exception {
        try (GoRuntime rt = runtime(sched)) {
            Timer t = inGoroutine(rt, () -> Timer.newTimer(Duration.ofHours(1)));
            assertEquals(1, rt.pendingTimers(), "the goroutine's timer lives in its runtime");
            assertTrue(t.reset(Duration.ofMillis(10)), "reset from a platform thread");
            CompletableFuture<Instant> v = CompletableFuture.supplyAsync(() -> t.c().recv(),
                    r -> Thread.ofPlatform().start(r));
            assertNotNull(v.get(10, SECONDS));
            assertEquals(0, rt.pendingTimers());
        }
    }

    @Test
    void nullArgumentsAreRejectedWithTheirName() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> Timer.after(null));
        assertTrue(e.getMessage().contains("duration"), e.getMessage());
        e = assertThrows(NullPointerException.class, () -> Timer.newTimer(null));
        assertTrue(e.getMessage().contains("duration"), e.getMessage());
        e = assertThrows(NullPointerException.class, () -> Timer.afterFunc(Duration.ZERO, null));
        assertTrue(e.getMessage().contains("f"), e.getMessage());
        e = assertThrows(NullPointerException.class, () -> Ticker.newTicker(null));
        assertTrue(e.getMessage().contains("duration"), e.getMessage());
        e = assertThrows(NullPointerException.class, () -> Go.sleep(null));
        assertNotNull(e.getMessage());
    }

    // ---------------------------------------------------------------- Ticker

    @EveryScheduler
    void tickerDeliversSeveralTicksInTimeOrder(String sched) throws Exception {
        try (GoRuntime rt = runtime(sched)) {
            runInGoroutine(rt, () -> {
                Instant created = Instant.now();
                Ticker tk = Ticker.newTicker(Duration.ofMillis(10));
                Instant prev = created;
                for (int i = 0; i < 5; i++) {
                    Instant tick = tk.c().recv();
                    assertNotNull(tick, "tick " + i);
                    assertFalse(tick.isBefore(prev), "tick " + i + " went back in time: " + tick + " < " + prev);
                    prev = tick;
                }
                assertEquals(1, rt.pendingTimers(), "a running ticker stays in the heap");
                tk.stop();
                assertEquals(0, rt.pendingTimers(), "a stopped ticker leaves the heap");
            });
        }
    }

    @EveryScheduler
    void tickerDropsTicksForASlowReceiver(String sched) throws Exception {
        try (GoRuntime rt = runtime(sched)) {
            runInGoroutine(rt, () -> {
                Ticker tk = Ticker.newTicker(Duration.ofMillis(5));
                try {
                    assertEquals(1, tk.c().cap(), "a ticker's channel has one slot");
                    assertNotNull(tk.c().recv());
                    // Receive nothing for many intervals; the channel never holds more than one tick.
                    for (int i = 0; i < 20; i++) {
                        Go.sleep(Duration.ofMillis(5));
                        assertTrue(tk.c().len() <= 1, "ticks piled up: " + tk.c().len());
                    }
                    Instant mark = Instant.now(); // half-way through the slow phase
                    for (int i = 0; i < 20; i++) {
                        Go.sleep(Duration.ofMillis(5));
                        assertTrue(tk.c().len() <= 1, "ticks piled up: " + tk.c().len());
                    }
                    // Only one tick can be buffered (an old one); the one after it is produced
                    // only once the slot is free again, i.e. after the slow phase.
                    Instant buffered = tk.c().recv();
                    Instant next = tk.c().recv();
                    assertNotNull(buffered);
                    assertNotNull(next);
                    assertFalse(next.isBefore(mark), "missed ticks were queued instead of dropped: tick "
                            + next + " was produced during the slow phase (before " + mark + ")");
                    assertTrue(tk.c().len() <= 1);
                } finally {
                    tk.stop();
                }
            });
        }
    }

    @EveryScheduler
    void stoppedTickerDeliversNothingMoreAndResetRestartsIt(String sched) throws Exception {
        try (GoRuntime rt = runtime(sched)) {
            runInGoroutine(rt, () -> {
                Ticker tk = Ticker.newTicker(Duration.ofMillis(10));
                assertNotNull(tk.c().recv());
                tk.stop();
                assertEquals(0, rt.pendingTimers(), "a stopped ticker leaves the heap");
                assertNull(tk.c().tryRecv(), "stop discards an unreceived tick");
                assertNotNull(Timer.after(Duration.ofMillis(200)).recv()); // 20 intervals
                assertNull(tk.c().tryRecv(), "a stopped ticker must not tick");
                tk.reset(Duration.ofMillis(10));
                assertNotNull(tk.c().recv(), "reset restarts a stopped ticker");
                tk.stop();
                assertEquals(0, rt.pendingTimers());
            });
        }
    }

    @Test
    void tickerRejectsZeroAndNegativeIntervalsWithAHelpfulMessage() throws Exception {
        for (Duration bad : List.of(Duration.ZERO, Duration.ofMillis(-1), Duration.ofNanos(-1),
                Duration.ofSeconds(Long.MIN_VALUE))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ticker.newTicker(bad));
            assertTrue(e.getMessage().contains("ticker interval"), e.getMessage());
            assertTrue(e.getMessage().contains(bad.toString()), "message must show the value: " + e.getMessage());
            assertTrue(e.getMessage().contains("> 0"), "message must say what is expected: " + e.getMessage());
        }
        try (GoRuntime rt = runtime("gmp")) {
            runInGoroutine(rt, () -> {
                Ticker tk = Ticker.newTicker(Duration.ofMillis(5));
                try {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> tk.reset(Duration.ZERO));
                    assertTrue(e.getMessage().contains("ticker interval"), e.getMessage());
                    assertEquals(1, rt.pendingTimers(), "a rejected reset leaves the ticker running");
                    assertNotNull(tk.c().recv(), "the ticker still ticks after a rejected reset");
                } finally {
                    tk.stop();
                }
            });
        }
    }

    // ---------------------------------------------------------------- Go.sleep

    @EveryScheduler
    void sleepWithZeroOrNegativeDurationReturnsAtOnce(String sched) throws Exception {
        Duration[] none = {Duration.ZERO, Duration.ofNanos(-1), Duration.ofMillis(-50),
                Duration.ofSeconds(Long.MIN_VALUE)};
        try (GoRuntime rt = runtime(sched)) {
            // 40,000 calls: even a 1 ms minimum sleep each would overrun the 30 s bounded wait.
            runInGoroutine(rt, () -> {
                for (int i = 0; i < 40_000; i++) {
                    Go.sleep(none[i % none.length]);
                }
                assertEquals(0, rt.pendingTimers(), "a no-op sleep must not leave a timer");
            });
        }
        CompletableFuture<Void> platform = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 20_000; i++) { // and 20,000 here against a 10 s wait
                Go.sleep(none[i % none.length]);
            }
        }, r -> Thread.ofPlatform().start(r));
        platform.get(10, SECONDS);
    }

    @Test
    void sleepingGoroutinesHoldNoThreadOnGmp() throws Exception {
        int n = 10_000;
        try (GoRuntime rt = runtime("gmp")) {
            CountDownLatch asleep = new CountDownLatch(n);
            CountDownLatch woke = new CountDownLatch(n);
            AtomicInteger early = new AtomicInteger();
            List<Thread> sleepers = new ArrayList<>(n + 1);
            for (int i = 0; i < n; i++) {
                sleepers.add(rt.go(() -> {
                    asleep.countDown();
                    long t0 = System.nanoTime();
                    Go.sleep(Duration.ofSeconds(1));
                    if (System.nanoTime() - t0 < SECONDS.toNanos(1)) {
                        early.incrementAndGet();
                    }
                    woke.countDown();
                }));
            }
            // A witness that sleeps until interrupted, so the dump never races a wake-up (30 s
            // rather than forever: if interrupts were broken, close() could still finish).
            CountDownLatch witnessAsleep = new CountDownLatch(1);
            Thread witness = rt.go(() -> {
                witnessAsleep.countDown();
                Go.sleep(Duration.ofSeconds(30));
            });
            sleepers.add(witness);
            try {
                assertTrue(asleep.await(30, SECONDS), "goroutines never started: " + asleep.getCount());
                assertTrue(witnessAsleep.await(10, SECONDS));
                Await.state(witness, Duration.ofSeconds(10), "the witness is parked in sleep", Thread.State.WAITING);

                // While they all sleep: the dump shows the wait reason.
                StringWriter dump = new StringWriter();
                rt.dumpGoroutines(dump);
                String text = dump.toString();
                assertTrue(text.contains("goroutine " + witness.threadId() + " [sleep, "),
                        () -> "no [sleep, ...] line for the witness in:\n" + text.substring(0, Math.min(text.length(), 4000)));
                assertTrue(text.contains("io.gmp4j.runtime.Go.sleep"), "the sleeping stack shows Go.sleep");

                int peak = rt.stats().threads();
                long deadline = System.nanoTime() + SECONDS.toNanos(30);
                while (!woke.await(5, MILLISECONDS)) {
                    peak = Math.max(peak, rt.stats().threads());
                    assertTrue(System.nanoTime() < deadline, "sleepers never all woke: " + woke.getCount());
                }
                peak = Math.max(peak, rt.stats().threads());
                assertTrue(peak < 10, "10,000 sleeping goroutines on 2 processors used " + peak + " machine threads");
                assertEquals(0, early.get(), "goroutines woke before their 1 s sleep was over");


                witness.interrupt();
                witness.join(SECONDS.toMillis(10));
                assertFalse(witness.isAlive(), "an interrupted sleeper must wake");
                assertEquals(0, rt.pendingTimers(), "after all sleepers woke no timer may be left");
            } catch (Throwable e) {
                System.err.println("TimerTest: " + e + "\n" + diagnose(rt));
                interruptAll(sleepers);
                throw e;
            }
        }
    }

    @EveryScheduler
    void interruptedSleepingGoroutineWakesEarlyAndKeepsTheInterrupt(String sched) throws Exception {
        try (GoRuntime rt = runtime(sched)) {
            CountDownLatch sleeping = new CountDownLatch(1);
            CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
            Thread g = rt.go(() -> {
                sleeping.countDown();
                Go.sleep(Duration.ofSeconds(30)); // not forever: close() must end even if this test fails
                interruptedAfter.complete(Thread.currentThread().isInterrupted());
            });
            assertTrue(sleeping.await(10, SECONDS));
            Await.parked(g, Duration.ofSeconds(10), "the goroutine is parked in sleep");
            g.interrupt();
            assertTrue(interruptedAfter.get(10, SECONDS), "the interrupt must stay set after the sleep ends");
            assertEquals(0, rt.pendingTimers(), "an interrupted sleep must remove its timer");
        }
    }

    @EveryScheduler
    void noTimerIsLeftPendingOnceSleepersAndTimersAreDone(String sched) throws Exception {
        int n = 2_000;
        try (GoRuntime rt = runtime(sched)) {
            CountDownLatch done = new CountDownLatch(n);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> goroutines = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int id = i;
                goroutines.add(rt.go(() -> {
                    try {
                        Duration d = Duration.ofMillis(1 + id % 20);
                        Go.sleep(d);
                        if (Timer.after(d).recv() == null) {
                            throw new AssertionError("a timer delivered null");
                        }
                        Timer stopped = Timer.newTimer(Duration.ofHours(1));
                        if (!stopped.stop()) {
                            throw new AssertionError("stop of a 1 h timer returned false");
                        }
                        Ticker tk = Ticker.newTicker(Duration.ofMillis(1));
                        tk.c().recv();
                        tk.stop();
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        done.countDown();
                    }
                }));
            }
            if (!done.await(30, SECONDS)) {
                System.err.println("TimerTest: goroutines stuck for 30 s\n" + diagnose(rt));
                interruptAll(goroutines);
                fail("goroutines left: " + done.getCount() + ", " + rt.stats());
            }
            assertNull(failure.get(), () -> "goroutine failed: " + failure.get());
            assertEquals(0, rt.pendingTimers(), "every timer fired or was stopped: none may stay pending");
        }
    }

    @EveryScheduler
    void hundredThousandSleepersAllWakeNoEarlierThanAsked(String sched) throws Exception {
        int n = 100_000;
        try (GoRuntime rt = runtime(sched)) {
            CountDownLatch done = new CountDownLatch(n);
            AtomicInteger early = new AtomicInteger();
            AtomicReference<String> example = new AtomicReference<>();
            SplittableRandom r = new SplittableRandom(7);
            List<Thread> sleepers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long asked = r.nextLong(2_000_001); // 0–2 ms
                sleepers.add(rt.go(() -> {
                    long t0 = System.nanoTime();
                    Go.sleep(Duration.ofNanos(asked));
                    long slept = System.nanoTime() - t0;
                    if (slept < asked) {
                        early.incrementAndGet();
                        example.compareAndSet(null, "asked " + asked + " ns, slept " + slept + " ns");
                    }
                    done.countDown();
                }));
            }
            if (!done.await(40, SECONDS)) {
                System.err.println("TimerTest: sleepers stuck for 40 s\n" + diagnose(rt));
                interruptAll(sleepers);
                fail("sleepers left: " + done.getCount() + ", " + rt.stats());
            }
            assertEquals(0, early.get(), () -> early.get() + " goroutines woke early, e.g. " + example.get());
            assertEquals(0, rt.pendingTimers());
        }
    }
}
