package io.gmp4j.benchmarks;

import io.gmp4j.patterns.Semaphore;
import io.gmp4j.runtime.Context;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Acquire/release pairs on a counting semaphore. Score: time per pair.
 * <ul>
 *   <li>{@link #uncontended}: one goroutine makes {@value #UNCONTENDED_PAIRS}
 *       {@code acquire(1)}/{@code release(1)} pairs on a semaphore of size 1 that nobody else
 *       uses: the fast path (x/sync's {@code Weighted}: a mutex, a check, a counter).</li>
 *   <li>{@link #contended}: {@value #GOROUTINES} goroutines, started by one goroutine of the
 *       same scheduler, share a semaphore of size
 *       {@value #PERMITS}, each making {@value #PAIRS_EACH} pairs around a tiny critical section
 *       of {@value #CRITICAL_ROUNDS} xorshift64 rounds ({@code hold} {@code spin}), or the same
 *       followed by {@code Thread.yield()} ({@code hold} {@code yield}: Go's
 *       {@code runtime.Gosched()} on gmp4j, the holder loses its processor while it holds a
 *       token, as one that blocks briefly would). The critical section counts its holders and
 *       fails the run if more than {@value #PERMITS} are ever inside. With 2 processors and
 *       {@value #PERMITS} tokens, {@code spin} never runs out of tokens (only 2 goroutines run
 *       at a time; a diagnostic counting failed {@code tryAcquire}s found 0 waits in 16,000
 *       acquires on gmp and jdk), so it measures the bookkeeping with the semaphore's lock and
 *       counter bouncing between the two cores; under {@code yield} nearly every acquire waits
 *       (the same diagnostic: 57–99 %), so it measures waiting and hand-off, plus one yield per
 *       pair. x/sync, and so gmp4j, give a released token to the first waiter; a non-fair JDK
 *       semaphore lets a running acquirer take it first.</li>
 * </ul>
 *
 * <p>Contenders ({@code impl}), all with 2 processors/carriers: gmp4j's
 * {@link io.gmp4j.patterns.Semaphore} (x/sync semantics: strictly FIFO, no barging; a waiter
 * parks on a channel) on the {@code gmp} scheduler and on the {@code jdk} provider, and
 * {@link java.util.concurrent.Semaphore} between plain virtual threads on the JDK's default
 * scheduler, non-fair ({@code juc}, an acquire may barge ahead of the waiters) and fair
 * ({@code juc-fair}, FIFO like gmp4j's). gmp4j's acquires take {@link Context#background()}.
 *
 * <p>Every wait is bounded: a goroutine that fails or stalls for 60 s fails the run
 * ({@link Crew}; an interrupted acquire gives up in all four). After each iteration the gmp4j
 * runtime must have no goroutine left.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Schedulers.OPENS})
public class SemaphoreBenchmark {
    static final int MAX_PROCS = 2;
    static final int UNCONTENDED_PAIRS = 10_000;
    static final int GOROUTINES = 8;
    static final int PERMITS = 2;
    static final int PAIRS_EACH = 2_000;
    static final int CONTENDED_PAIRS = GOROUTINES * PAIRS_EACH;
    static final int CRITICAL_ROUNDS = 20;

    static final String GMP = "gmp";
    static final String JDK = "jdk";
    static final String JUC = "juc";
    static final String JUC_FAIR = "juc-fair";

    /** The contender, and the goroutines' scheduler. */
    @State(Scope.Benchmark)
    public static class Impl {
        @Param({GMP, JDK, JUC, JUC_FAIR})
        public String impl;

        Schedulers schedulers;

        @Setup
        public void setup() {
            schedulers = switch (impl) {
                case GMP -> new Schedulers("gmp", MAX_PROCS);
                case JDK -> new Schedulers("jdk", MAX_PROCS);
                case JUC, JUC_FAIR -> new Schedulers("raw-vthread", MAX_PROCS);
                default -> throw new IllegalArgumentException("impl: " + impl + " (expected gmp, jdk, juc or juc-fair)");
            };
        }

        @TearDown(Level.Iteration)
        public void endIteration() throws InterruptedException {
            schedulers.awaitNoGoroutines("semaphore on " + impl, Duration.ofSeconds(10));
        }

        @TearDown
        public void tearDown() {
            schedulers.close();
        }

        Sem make(int size) {
            return switch (impl) {
                case GMP, JDK -> new GoSem(new Semaphore(size));
                case JUC -> new JucSem(new java.util.concurrent.Semaphore(size, false));
                case JUC_FAIR -> new JucSem(new java.util.concurrent.Semaphore(size, true));
                default -> throw new IllegalArgumentException("impl: " + impl);
            };
        }
    }

    /** How the contended critical section holds its token, and its holder count. */
    @State(Scope.Benchmark)
    public static class Contention {
        @Param({"spin", "yield"})
        public String hold;

        /** Goroutines inside the critical section now, and the most ever seen above {@link #PERMITS}. */
        final AtomicInteger holders = new AtomicInteger();
        final AtomicInteger maxHolders = new AtomicInteger();
        final long[] results = new long[GOROUTINES];

        @Setup
        public void setup() {
            if (!hold.equals("spin") && !hold.equals("yield")) {
                throw new IllegalArgumentException("hold: " + hold + " (expected spin or yield)");
            }
        }
    }

    /** The operations measured, over either semaphore. */
    interface Sem {
        void acquire();

        void release();
    }

    /** gmp4j's semaphore: {@code acquire(ctx, 1)} with a context that never ends. */
    record GoSem(Semaphore sem) implements Sem {
        @Override
        public void acquire() {
            sem.acquire(Context.background(), 1);
        }

        @Override
        public void release() {
            sem.release(1);
        }
    }

    /** {@link java.util.concurrent.Semaphore}: an interrupted acquire gives up. */
    record JucSem(java.util.concurrent.Semaphore sem) implements Sem {
        @Override
        public void acquire() {
            try {
                sem.acquire();
            } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted in acquire", e);
            }
        }

        @Override
        public void release() {
            sem.release();
        }
    }

    static long critical(long x) {
        for (int r = 0; r < CRITICAL_ROUNDS; r++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    @Benchmark
    @OperationsPerInvocation(UNCONTENDED_PAIRS)
    public long uncontended(Impl im) throws InterruptedException {
        Sem sem = im.make(1);
        Crew crew = new Crew(im.schedulers, "uncontended semaphore on " + im.impl);
        crew.go(() -> {
            for (int i = 0; i < UNCONTENDED_PAIRS; i++) {
                sem.acquire();
                sem.release();
            }
        });
        crew.join();
        return UNCONTENDED_PAIRS;
    }

    @Benchmark
    @OperationsPerInvocation(CONTENDED_PAIRS)
    public long contended(Impl im, Contention c) throws InterruptedException {
        Sem sem = im.make(PERMITS);
        boolean yield = c.hold.equals("yield");
        String what = "contended semaphore (" + c.hold + ") on " + im.impl;
        Crew crew = new Crew(im.schedulers, what);
        AtomicInteger holders = c.holders;
        AtomicInteger maxHolders = c.maxHolders;
        long[] results = c.results;
        holders.set(0);
        maxHolders.set(0);
        // Go's shape: one goroutine starts the others (see Crew: no deadlock report while they start).
        crew.go(() -> {
            for (int g = 0; g < GOROUTINES; g++) {
                int id = g;
                crew.go(() -> {
                    long x = id + 1;
                    for (int i = 0; i < PAIRS_EACH; i++) {
                        sem.acquire();
                        int h = holders.incrementAndGet();
                        if (h > PERMITS) {
                            maxHolders.accumulateAndGet(h, Math::max);
                        }
                        x = critical(x);
                        if (yield) {
                            Thread.yield();
                        }
                        holders.decrementAndGet();
                        sem.release();
                    }
                    results[id] = x;
                });
            }
        });
        crew.join();
        if (maxHolders.get() > PERMITS) {
            throw new IllegalStateException(what + ": " + maxHolders.get() + " goroutines held it at once");
        }
        long s = 0;
        for (long r : results) {
            s += r;
        }
        return s;
    }
}
