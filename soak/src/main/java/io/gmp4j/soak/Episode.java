package io.gmp4j.soak;

import io.gmp4j.runtime.Go;
import io.gmp4j.runtime.GoRuntime;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * One bounded piece of the workload — a spawn burst, a channel mesh, a batch of connections —
 * started by the phase's conductor and run by goroutines of the phase's runtime.
 *
 * <h2>Implementation notes</h2>
 * Accounting: {@link #pending} counts the episode's goroutines (and platform threads) not yet
 * ended, plus one token held while {@link #launch} runs; every goroutine is started through
 * {@link #go}, which counts it before it is started and uncounts it in a {@code finally} at its
 * end, so the count reaches zero exactly once, when the last one has ended (a goroutine is
 * counted by its parent before the parent ends). Progress: every goroutine end and every unit
 * of work ({@link #step}) moves {@link #progress} and the phase's counter; the watchdog reports
 * a stall when the phase's counter stands still while episodes are unfinished, or an episode's
 * own counter stands still for the (longer) episode limit. Randomness: {@link #rng} is used only on the conductor
 * thread, in {@link #launch}, to hand each goroutine its own seed, so the plan of an episode is
 * a function of its seed.
 */
abstract class Episode {
    final Phase phase;
    final GoRuntime rt;
    final Counters counters;
    final String kind;
    final int number;
    final long seed;
    /** Conductor-only: seeds and sizes for {@link #launch}. */
    final RandomGenerator rng;
    /** Moves whenever the episode gets anything done; read by the watchdog. */
    final AtomicLong progress = new AtomicLong();
    private final AtomicInteger pending = new AtomicInteger(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    final long startNanos = System.nanoTime();
    /** When the last goroutine ended; written once before {@link #finished} opens. */
    private volatile long endNanos;
    /** Watchdog-only: the progress value last seen and since when. */
    long seenProgress = Long.MIN_VALUE;
    long seenAtNanos;
    boolean stallReported;

    Episode(Phase phase, String kind, int number, long seed) {
        this.phase = phase;
        this.rt = phase.rt;
        this.counters = phase.counters;
        this.kind = kind;
        this.number = number;
        this.seed = seed;
        this.rng = Diag.rng(seed);
    }

    /** Starts the episode's goroutines; called once, on the conductor thread; must not block. */
    abstract void launch();

    /** Checks what can only be checked once every goroutine has ended; on the conductor thread. */
    void verify() {
    }

    /** A line about the episode's state, for stall and hang reports. */
    String state() {
        return "";
    }

    final void start() {
        try {
            launch();
        } catch (RuntimeException | Error e) {
            fail("launch threw " + e);
        } finally {
            release();
        }
    }

    final boolean isFinished() {
        return finished.getCount() == 0;
    }

    final int pending() {
        return pending.get();
    }

    final long elapsedMillis() {
        long end = isFinished() ? endNanos : System.nanoTime();
        return (end - startNanos) / 1_000_000;
    }

    String name() {
        return kind + "#" + number + "(seed " + seed + ")";
    }

    final void step() {
        progress.incrementAndGet();
        phase.progress.increment();
    }

    final void fail(String message) {
        phase.run.fail(phase.label() + " " + name() + ": " + message);
    }

    /**
     * Starts a goroutine of this episode: from a goroutine with {@code Go.go} (the caller's
     * runtime, which must be the phase's), from the conductor with {@code rt.go}.
     */
    final Thread go(Runnable body) {
        int n = pending.incrementAndGet();
        counters.inc(Counter.GOROUTINES_STARTED);
        Runnable counted = () -> {
            try {
                GoRuntime mine = GoRuntime.current().orElse(null);
                if (mine != rt) {
                    fail("a goroutine started on " + rt + " finds its runtime is " + mine);
                }
                body.run();
            } finally {
                counters.inc(Counter.GOROUTINES_ENDED);
                step();
                release();
            }
        };
        Thread t;
        try {
            t = GoRuntime.current().isPresent() ? Go.go(counted) : rt.go(counted);
        } catch (RuntimeException | Error e) {
            counters.inc(Counter.GOROUTINES_ENDED); // it never ran: counted as ended so the totals still match
            release();
            fail("starting a goroutine threw " + e);
            throw e;
        }
        if ((n & 31) == 0) {
            phase.remember(t);
        }
        return t;
    }

    /** Starts a platform thread that belongs to this episode (counted like a goroutine). */
    final void platform(String name, Runnable body) {
        pending.incrementAndGet();
        Thread.ofPlatform().daemon().name("soak-" + name).start(() -> {
            try {
                body.run();
            } finally {
                step();
                release();
            }
        });
    }

    private void release() {
        if (pending.decrementAndGet() == 0) {
            endNanos = System.nanoTime();
            finished.countDown();
        }
    }
}
