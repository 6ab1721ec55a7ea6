package io.gmp4j.soak;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Go;
import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.runtime.Select;
import io.gmp4j.runtime.Ticker;
import io.gmp4j.runtime.Timer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Timers used the way programs use them, checked against Go 1.23's rules: goroutines that
 * reset, stop and wait on a {@code Timer} ({@code stop()}/{@code reset()} report exactly whether
 * it was active; no value from before a stop or reset is ever received; a value never comes
 * before the deadline, and comes), {@code afterFunc}s stopped at random
 * (a true stop means it never runs, a false one that it runs exactly once — checked again when
 * the phase ends), a {@code Ticker} reset and stopped (nothing after the stop), and sleepers
 * ({@code Go.sleep} never returns early).
 */
final class TimerChurn extends Episode {
    /**
     * How long past its deadline a timer may take before it counts as lost: the episode stall
     * limit (10 s by default). Not a latency bound: a firing is delivered by a goroutine when the
     * channel is busy, an afterFunc runs in one, and on the fifo and jdk schedulers a goroutine
     * can wait most of a second behind a 150,000-goroutine burst; the lateness seen is reported.
     */
    private final Duration lost;

    TimerChurn(Phase phase, int number, long seed) {
        super(phase, "timers", number, seed);
        lost = Duration.ofMillis(phase.run.options.episodeStallMillis());
    }

    @Override
    void launch() {
        int timers = 2 + rng.nextInt(10);
        for (int i = 0; i < timers; i++) {
            long s = rng.nextLong();
            go(() -> timer(s));
        }
        int sleepers = rng.nextInt(20);
        for (int i = 0; i < sleepers; i++) {
            long nanos = rng.nextInt(20_000_000);
            go(() -> sleeper(nanos));
        }
        long s = rng.nextLong();
        go(() -> afterFuncs(s));
        if (rng.nextBoolean()) {
            long t = rng.nextLong();
            go(() -> ticker(t));
        }
    }

    private static long delay(RandomGenerator r) {
        return r.nextInt(8) == 0 ? 0 : 1 + r.nextInt(30_000_000);
    }

    /**
     * Receives from {@code c} unless a guard timer of {@code within} fires first; null then. A
     * goroutine that was itself kept waiting may find both ready (select picks either): the
     * channel is tried once more, so only a value that is really missing counts.
     */
    private static Instant recvWithin(Chan<Instant> c, Duration within) {
        Instant[] got = {null};
        Timer guard = Timer.newTimer(within);
        Select.builder().recv(c, v -> got[0] = v).recv(guard.c(), x -> { }).run();
        guard.stop();
        return got[0] != null ? got[0] : c.tryRecv();
    }

    private void timer(long s) {
        RandomGenerator r = Diag.rng(s);
        long d = delay(r);
        Instant armedAt = Instant.now();
        Timer t = Timer.newTimer(Duration.ofNanos(d));
        boolean armed = true;
        int ops = 3 + r.nextInt(10);
        for (int op = 0; op < ops; op++) {
            switch (r.nextInt(4)) {
                case 0 -> {
                    if (armed) {
                        Instant v = recvWithin(t.c(), Duration.ofNanos(d).plus(lost));
                        Instant due = armedAt.plusNanos(d);
                        if (v == null) {
                            fail("a timer of " + d / 1000 + " us did not fire within " + lost.toMillis()
                                    + " ms of its deadline: lost");
                            return;
                        }
                        if (v.isBefore(due.minus(ContextTree.CLOCK_SLACK))) {
                            fail("a timer of " + d / 1000 + " us fired " + Duration.between(v, due).toNanos() / 1000
                                    + " us early");
                        }
                        phase.run.noteLateness(phase, Duration.between(due, Instant.now()));
                        armed = false;
                        counters.inc(Counter.TIMER_FIRES);
                    } else if (t.c().tryRecv() != null) {
                        fail("a value came out of a timer that was not armed");
                    }
                }
                case 1 -> {
                    boolean active = t.stop();
                    if (active != armed) {
                        fail("Timer.stop() returned " + active + " for a timer that was "
                                + (armed ? "armed" : "stopped or received"));
                    }
                    armed = false;
                    if (t.c().tryRecv() != null) {
                        fail("a value was received after Timer.stop() returned");
                    }
                    counters.inc(Counter.TIMER_STOPS);
                }
                case 2 -> {
                    d = delay(r);
                    armedAt = Instant.now();
                    boolean active = t.reset(Duration.ofNanos(d));
                    if (active != armed) {
                        fail("Timer.reset() returned " + active + " for a timer that was "
                                + (armed ? "armed" : "stopped or received"));
                    }
                    armed = true;
                    counters.inc(Counter.TIMER_RESETS);
                }
                default -> Go.sleep(Duration.ofNanos(r.nextInt(5_000_000)));
            }
            step();
        }
        if (t.stop() != armed) {
            fail("the last Timer.stop() did not match the timer's state (armed: " + armed + ")");
        }
    }

    private void sleeper(long nanos) {
        long t0 = System.nanoTime();
        Go.sleep(Duration.ofNanos(nanos));
        long slept = System.nanoTime() - t0;
        if (slept < nanos) {
            fail("Go.sleep(" + nanos / 1000 + " us) returned after " + slept / 1000 + " us");
        }
        counters.inc(Counter.SLEEPS);
    }

    private void afterFuncs(long s) {
        RandomGenerator r = Diag.rng(s);
        int n = r.nextInt(10);
        List<AtomicInteger> runs = new ArrayList<>();
        List<Boolean> stopped = new ArrayList<>();
        long longest = 0;
        for (int i = 0; i < n; i++) {
            long d = r.nextInt(40_000_000);
            longest = Math.max(longest, d);
            AtomicInteger ran = new AtomicInteger();
            Timer f = Timer.afterFunc(Duration.ofNanos(d), () -> {
                if (GoRuntime.current().orElse(null) != rt) {
                    fail("an afterFunc ran outside its runtime");
                }
                ran.incrementAndGet();
                counters.inc(Counter.AFTER_FUNCS);
                step();
            });
            runs.add(ran);
            if (r.nextBoolean()) {
                Go.sleep(Duration.ofNanos(r.nextInt(40_000_000)));
                stopped.add(f.stop());
                counters.inc(Counter.TIMER_STOPS);
            } else {
                stopped.add(false);
            }
        }
        // Every function not stopped must run (in its own goroutine, not counted by the episode).
        long deadline = System.nanoTime() + longest + lost.toNanos();
        for (int i = 0; i < n; i++) {
            while (!stopped.get(i) && runs.get(i).get() == 0 && System.nanoTime() - deadline < 0) {
                Go.sleep(Duration.ofMillis(1));
            }
        }
        checkAfterFuncs(runs, stopped, "within " + lost.toMillis() + " ms of its time");
        phase.endChecks.add(() -> checkAfterFuncs(runs, stopped, "by the end of the phase"));
    }

    private void checkAfterFuncs(List<AtomicInteger> runs, List<Boolean> stopped, String when) {
        for (int i = 0; i < runs.size(); i++) {
            int ran = runs.get(i).get();
            if (stopped.get(i) && ran != 0) {
                fail("an afterFunc ran " + ran + " time(s) although stop() returned true (" + when + ")");
            } else if (!stopped.get(i) && ran != 1) {
                fail("an afterFunc ran " + ran + " time(s), expected once " + when);
            }
        }
    }

    private void ticker(long s) {
        RandomGenerator r = Diag.rng(s);
        long period = TimeUnit.MICROSECONDS.toNanos(500 + r.nextInt(5000));
        Ticker tk = Ticker.newTicker(Duration.ofNanos(period));
        Instant last = Instant.MIN;
        int ticks = 3 + r.nextInt(10);
        for (int i = 0; i < ticks; i++) {
            if (i == ticks / 2 && r.nextBoolean()) {
                period = TimeUnit.MICROSECONDS.toNanos(500 + r.nextInt(5000));
                tk.reset(Duration.ofNanos(period));
            }
            Instant v = recvWithin(tk.c(), Duration.ofNanos(period).plus(lost));
            if (v == null) {
                fail("a ticker of " + period / 1000 + " us gave no tick for " + lost.toMillis() + " ms");
                tk.stop();
                return;
            }
            if (v.isBefore(last)) {
                fail("ticks out of order: " + v + " after " + last);
            }
            last = v;
            counters.inc(Counter.TICKS);
            step();
        }
        tk.stop();
        if (tk.c().tryRecv() != null) {
            fail("a tick was received after Ticker.stop()");
        }
        Go.sleep(Duration.ofNanos(3 * period));
        if (tk.c().tryRecv() != null) {
            fail("the ticker ticked after Ticker.stop()");
        }
    }
}
