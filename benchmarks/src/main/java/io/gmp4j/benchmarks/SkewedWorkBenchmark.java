package io.gmp4j.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One goroutine spawns 10,000 tasks of very uneven cost (most ~1 µs, every 100th ~1 ms) and
 * waits for all: the makespan. The efficiency counter is the measured sequential cost of the
 * same tasks (timed on this fork's thread at trial set-up) divided by makespan × processors,
 * printed after each iteration as "[skewed] ... efficiency N%": 100 % means every processor
 * was busy with real work the whole time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Schedulers.OPENS})
public class SkewedWorkBenchmark {
    static final int TASKS = 10_000;

    @Param({"gmp", "jdk", "fifo"})
    public String scheduler;

    private Schedulers schedulers;
    private int procs;
    private long sequentialNanos;
    private int smallUnits;
    private int bigUnits;

    // Makespans of the current iteration, for the efficiency line printed after it.
    private long makespanSum;
    private int invocations;
    private double efficiencySum;
    private int iterations;

    @Setup(Level.Iteration)
    public void startIteration() {
        makespanSum = 0;
        invocations = 0;
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        double eff = 100.0 * sequentialNanos * invocations / ((double) makespanSum * procs);
        efficiencySum += eff;
        iterations++;
        System.out.printf("%n[skewed] %s: sequential work %.2f ms, mean makespan %.2f ms on %d processors: "
                + "efficiency %.1f%%%n", scheduler, sequentialNanos / 1e6, makespanSum / 1e6 / invocations, procs, eff);
    }

    static long work(int seed, int units) {
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        for (int k = 0; k < units; k++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    int units(int i) {
        return i % 100 == 0 ? bigUnits : smallUnits;
    }

    @Setup
    public void setup() {
        procs = Runtime.getRuntime().availableProcessors();
        schedulers = new Schedulers(scheduler, procs);
        // calibrate: units of work per microsecond on this machine, after warming the loop
        long sink = 0;
        for (int r = 0; r < 200; r++) {
            sink += work(r, 100_000);
        }
        long t0 = System.nanoTime();
        sink += work(7, 10_000_000);
        double unitsPerMicro = 10_000_000 / ((System.nanoTime() - t0) / 1000.0);
        smallUnits = (int) Math.max(1, unitsPerMicro);
        bigUnits = (int) Math.max(1, unitsPerMicro * 1000);
        // sequential cost of exactly the benchmark's tasks, measured
        long best = Long.MAX_VALUE;
        for (int r = 0; r < 3; r++) {
            t0 = System.nanoTime();
            for (int i = 0; i < TASKS; i++) {
                sink += work(i, units(i));
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        sequentialNanos = best;
        if (sink == 42) {
            System.out.print("");
        }
    }

    @TearDown
    public void tearDown() {
        schedulers.close();
        if (iterations > 0) {
            System.out.printf("%n[skewed] %s: efficiency over %d iterations (warm-up included): %.1f%%%n",
                    scheduler, iterations, efficiencySum / iterations);
        }
    }

    @Benchmark
    public long makespan() throws InterruptedException {
        LongAdder sum = new LongAdder();
        CountDownLatch all = new CountDownLatch(TASKS);
        long t0 = System.nanoTime();
        schedulers.go(() -> {
            for (int i = 0; i < TASKS; i++) {
                int id = i;
                Schedulers.goFromGoroutine(() -> {
                    sum.add(work(id, units(id)));
                    all.countDown();
                });
            }
        });
        if (!all.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("skewed work stalled on " + scheduler);
        }
        long makespan = System.nanoTime() - t0;
        makespanSum += makespan;
        invocations++;
        return sum.sum();
    }
}
