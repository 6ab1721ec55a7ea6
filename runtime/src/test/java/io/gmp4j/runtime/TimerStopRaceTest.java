package io.gmp4j.runtime;

import io.gmp4j.tck.fixtures.Await;
import io.gmp4j.tck.fixtures.EveryScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link Timer#stop()} and {@link Timer#reset(Duration)} racing the timer's own firing, and
 * ports of Go's {@code src/time/sleep_test.go} tests about stop/reset results. Go 1.23: if the
 * value has not been received, {@code Stop} and {@code Reset} report the timer as active; a
 * firing in flight is either delivered (and then drained by stop/reset) or cancelled — never
 * reported as delivered while it is dropped. Every receive is bounded, so a lost value fails
 * the test instead of hanging it.
 */
@Timeout(value = 60, unit = SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimerStopRaceTest {
    /** How long a value that stop() said was already delivered may take to show up. */
    private static final Duration LOST = Duration.ofSeconds(2);

    private static GoRuntime runtime(String scheduler) {
        return GoRuntime.builder().maxProcs(2).scheduler(scheduler).build();
    }

    /** Receives from c, or returns null if nothing arrives within {@code bound}. */
    private static <T> T recvWithin(Chan<T> c, Duration bound) {
        List<T> got = new ArrayList<>(1);
        Timer giveUp = Timer.newTimer(bound);
        Select.builder().recv(c, got::add).recv(giveUp.c(), v -> { }).run();
        giveUp.stop();
        return got.isEmpty() ? null : got.getFirst();
    }

    /** Runs body in a goroutine of rt, bounded by 30 s (interrupted then, so close() can end). */
    private static <T> T inGoroutine(GoRuntime rt, Callable<T> body) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread g = rt.go(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return await(result, g, () -> TimerTest.diagnose(rt));
    }

    /** Runs body on a new platform thread (its timers go to the default runtime), bounded by 30 s. */
    private static <T> T onPlatformThread(Callable<T> body) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread th = Thread.ofPlatform().daemon().start(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return await(result, th, () -> TimerTest.diagnose(GoRuntime.defaultRuntime()));
    }

    private static <T> T await(CompletableFuture<T> result, Thread runner, Callable<String> diagnose)
            throws Exception {
        return Await.result(result, Duration.ofSeconds(30), () -> {
            String diagnosis;
            try {
                diagnosis = diagnose.call();
            } catch (Exception e) {
                diagnosis = "(diagnosis failed: " + e + ")";
            }
            runner.interrupt();
            return "the test body did not finish within 30 s\n" + diagnosis;
        });
    }

    // ---------------------------------------------------------------- the reported race

    /**
     * The reproducer of the bug: {@code reset(-1)} makes the timer due at once, so the firing
     * races the stop. Nobody ever receives from the channel, so every stop must return true
     * (the value was never received); before the fix, stop sometimes returned false while its
     * sequence bump cancelled the delivery, and the drain {@code recv()} blocked for ever.
     * Every other iteration checks reset's result in the same window instead.
     */
    private static Void stopOrResetRacingTheFiring(int iterations) {
        for (int i = 0; i < iterations; i++) {
            Timer t = Timer.newTimer(Duration.ofHours(1));
            assertTrue(t.reset(Duration.ofNanos(-1)), "reset of a 1 h timer must report it active");
            if (i % 2 == 0) {
                if (!t.stop()) {
                    Instant v = recvWithin(t.c(), LOST);
                    fail("iteration " + i + ": stop() returned false (\"already delivered\") although nothing"
                            + " had been received; " + (v == null
                            ? "and nothing arrived within " + LOST + ": the firing was lost"
                            : "the value arrived after stop returned: a stale value"));
                }
            } else {
                if (!t.reset(Duration.ofHours(1))) {
                    fail("iteration " + i + ": reset() returned false (\"not active\") although the value of"
                            + " the firing had not been received");
                }
                assertTrue(t.stop(), "iteration " + i + ": a timer re-armed for 1 h must stop with true");
            }
            assertNull(t.c().tryRecv(), "iteration " + i + ": a value after stop/reset returned");
        }
        return null;
    }

    @EveryScheduler
    void stopAndResetNeverReportAnUnreceivedFiringAsDeliveredInAGoroutine(String sched) throws Exception {
        try (GoRuntime rt = runtime(sched)) {
            inGoroutine(rt, () -> stopOrResetRacingTheFiring(50_000));
            assertEquals(0, rt.pendingTimers());
        }
    }

    @Test
    void stopAndResetNeverReportAnUnreceivedFiringAsDeliveredOnAPlatformThread() throws Exception {
        onPlatformThread(() -> stopOrResetRacingTheFiring(50_000));
    }

    @EveryScheduler
    void tickerDeliversNothingOnceStopOrResetReturns(String sched) throws Exception {
        // Ticker.stop/reset report nothing, but a tick in flight when they run must not arrive
        // after they return (Go 1.23), and reset must leave a ticker that ticks.
        try (GoRuntime rt = runtime(sched)) {
            inGoroutine(rt, () -> {
                SplittableRandom r = new SplittableRandom(3);
                List<Ticker> stopped = new ArrayList<>();
                for (int i = 0; i < 2_000; i++) {
                    Ticker tk = Ticker.newTicker(Duration.ofNanos(1 + r.nextInt(20_000)));
                    long until = System.nanoTime() + r.nextInt(20_000);
                    while (System.nanoTime() - until < 0) {
                        Thread.onSpinWait();
                    }
                    if (i % 2 == 0) {
                        tk.stop();
                        assertNull(tk.c().tryRecv(), "iteration " + i + ": a tick received after stop returned");
                        stopped.add(tk);
                    } else {
                        tk.reset(Duration.ofHours(1));
                        assertNull(tk.c().tryRecv(), "iteration " + i + ": a tick received after reset returned");
                        tk.stop();
                    }
                }
                // A firing still in flight has long finished when this later timer fires.
                assertNotNull(recvWithin(Timer.after(Duration.ofMillis(100)), Duration.ofSeconds(10)));
                for (Ticker tk : stopped) {
                    assertNull(tk.c().tryRecv(), "a stopped ticker ticked");
                }
                return null;
            });
            assertEquals(0, rt.pendingTimers());
        }
    }

    // ---------------------------------------------------------------- refused reset

    @EveryScheduler
    void aRefusedResetLeavesTheTimerRunning(String sched) throws Exception {
        try (GoRuntime rt = runtime(sched)) {
            inGoroutine(rt, () -> {
                Timer t = Timer.newTimer(Duration.ofMillis(20));
                NullPointerException e = assertThrows(NullPointerException.class, () -> t.reset(null));
                assertTrue(e.getMessage().contains("duration"), "the message names the argument: " + e.getMessage());
                assertEquals(1, rt.pendingTimers(), "a refused reset must not stop the timer");
                assertNotNull(recvWithin(t.c(), Duration.ofSeconds(10)), "the timer never fired after a refused reset");
                assertFalse(t.stop(), "the value was received: stop finds nothing to stop");

                Ticker tk = Ticker.newTicker(Duration.ofMillis(5));
                try {
                    assertThrows(NullPointerException.class, () -> tk.reset(null));
                    assertNotNull(recvWithin(tk.c(), Duration.ofSeconds(10)), "the ticker stopped after a refused reset");
                } finally {
                    tk.stop();
                }
                return null;
            });
        }
    }

    // ---------------------------------------------------------------- ports of Go's tests

    /**
     * Go's TestTimerModifiedEarlier (issue 47329): rapidly moving a timer earlier, with the
     * stop-and-drain idiom between the moves, must not drop it. The drain is exactly the
     * receive that blocked for ever when stop misreported a firing in flight.
     */
    @EveryScheduler
    void timerModifiedEarlierIsNeverDropped(String sched) throws Exception {
        Duration past = Duration.between(Instant.now(), Instant.EPOCH);
        try (GoRuntime rt = runtime(sched)) {
            inGoroutine(rt, () -> {
                for (int i = 0; i < 1_000; i++) {
                    Timer timer = Timer.newTimer(Duration.ofHours(1));
                    for (int j = 0; j < 10; j++) {
                        if (!timer.stop()) {
                            assertNotNull(recvWithin(timer.c(), LOST), "timer " + i + ", move " + j
                                    + ": stop returned false but its value never arrived");
                        }
                        timer.reset(past);
                    }
                    assertNotNull(recvWithin(timer.c(), Duration.ofSeconds(10)),
                            "timer " + i + " moved into the past never fired");
                }
                return null;
            });
            assertEquals(0, rt.pendingTimers());
        }
    }

    /**
     * Go's TestAdjustTimers (issue 47762): timers moved earlier and later in a random
     * interleaving; reset of a stopped or received timer reports it inactive, stop of a
     * long timer reports it active, and the short ones still fire.
     */
    @EveryScheduler
    void adjustingManyTimersLosesNone(String sched) throws Exception {
        try (GoRuntime rt = runtime(sched)) {
            inGoroutine(rt, () -> {
                SplittableRandom rnd = new SplittableRandom(47762);
                int n = 100;
                Timer[] timers = new Timer[n];
                int[] states = new int[n];
                List<Integer> indices = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    indices.add(i);
                }
                while (!indices.isEmpty()) {
                    int ii = rnd.nextInt(indices.size());
                    int i = indices.get(ii);
                    Timer timer = timers[i];
                    int state = states[i]++;
                    String where = "timer " + i + " state " + state;
                    switch (state) {
                        case 0 -> timers[i] = Timer.newTimer(Duration.ZERO);
                        case 1 -> assertNotNull(recvWithin(timer.c(), Duration.ofSeconds(10)), where + ": never fired");
                        // Reset to various long durations, which are then cancelled.
                        case 2 -> assertFalse(timer.reset(Duration.ofMinutes(1)), where + ": shouldn't be active (1)");
                        case 4 -> assertFalse(timer.reset(Duration.ofMinutes(3)), where + ": shouldn't be active (3)");
                        case 6 -> assertFalse(timer.reset(Duration.ofMinutes(2)), where + ": shouldn't be active (2)");
                        // Stop a long-duration timer.
                        case 3, 5, 7 -> assertTrue(timer.stop(), where + ": stop of a minutes-long timer returned false");
                        // A short-duration timer to receive from.
                        case 8 -> assertFalse(timer.reset(Duration.ZERO), where + ": reset of a stopped timer returned true");
                        case 9 -> assertNotNull(recvWithin(timer.c(), Duration.ofSeconds(10)), where + ": never fired");
                        default -> indices.remove(ii); // done
                    }
                }
                return null;
            });
            assertEquals(0, rt.pendingTimers());
        }
    }

    /**
     * Go's TestTimerStopStress, scaled down: 100 goroutines each start an afterFunc timer,
     * sleep for a small part of its delay and stop it; none may run.
     */
    @EveryScheduler
    void manyGoroutinesStoppingTheirAfterFuncTimersStopThemAll(String sched) throws Exception {
        try (GoRuntime rt = runtime(sched)) {
            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            Chan<Boolean> done = Chan.make(100);
            for (int i = 0; i < 100; i++) {
                int id = i;
                rt.go(() -> {
                    Timer timer = Timer.afterFunc(Duration.ofMillis(500), () -> errors.add("timer " + id + " was not stopped"));
                    Go.sleep(Duration.ofMillis(id % 20));
                    if (!timer.stop()) {
                        errors.add("timer " + id + ": stop returned false 480 ms or more before its deadline");
                    }
                    done.send(true);
                });
            }
            inGoroutine(rt, () -> {
                for (int i = 0; i < 100; i++) {
                    assertNotNull(recvWithin(done, Duration.ofSeconds(10)), "a goroutine never finished");
                }
                // Past every deadline (500 ms after the last start): a function not stopped has run.
                assertNotNull(recvWithin(Timer.after(Duration.ofMillis(600)), Duration.ofSeconds(10)));
                return null;
            });
            assertTrue(errors.isEmpty(), () -> String.join("\n", errors));
            assertEquals(0, rt.pendingTimers());
        }
    }
}
