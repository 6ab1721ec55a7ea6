package io.gmp4j.benchmarks;

import io.gmp4j.patterns.WaitGroup;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * {@code add(1)}/{@code done()} pairs on a {@link WaitGroup} whose counter never reaches zero
 * (one unit is held for the whole run): the path every launcher and every finishing goroutine
 * takes (Go's: one atomic add each). Score: time per pair, from one thread ({@link #pair}) and
 * from two threads sharing the group ({@link #pairTwoThreads}). Platform threads: the fast path
 * does not park, so no scheduler is involved.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Schedulers.OPENS})
@State(Scope.Benchmark)
public class WaitGroupBenchmark {
    private WaitGroup wg;

    /** A group holding one unit, so that no pair takes it to zero. */
    @Setup
    public void setup() {
        wg = new WaitGroup();
        wg.add(1);
    }

    /** Releases the held unit; the counter must be back at zero. */
    @TearDown
    public void tearDown() {
        wg.done();
        if (!wg.toString().equals("WaitGroup(0)")) {
            throw new IllegalStateException("counter not back at zero: " + wg);
        }
    }

    /** One add/done pair from one thread. */
    @Benchmark
    public void pair() {
        wg.add(1);
        wg.done();
    }

    /** One add/done pair, two threads on one group. */
    @Benchmark
    @Threads(2)
    public void pairTwoThreads() {
        wg.add(1);
        wg.done();
    }
}
