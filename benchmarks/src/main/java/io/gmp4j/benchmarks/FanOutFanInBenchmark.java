package io.gmp4j.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fan-out/fan-in pipeline: a producer sends one million items into {@code in}; 2 workers
 * receive from {@code in}, spend 200 xorshift64 rounds on each item and send the result into
 * {@code out}; the last worker to finish closes {@code out}; the collector sums {@code out}
 * until it is closed. Score: items per second (Throughput mode, one million operations per
 * invocation). Go's version of this pipeline — {@code close(in)}, {@code for v := range in},
 * a WaitGroup closing {@code out} — does 1.6–1.75 M items/s on this kind of 2-core machine
 * (a reference figure whose channel buffer size was not recorded, so both an unbuffered
 * ({@code capacity} 0) and a buffered variant are run here).
 *
 * <p>Contenders ({@code impl}, see {@link Pipes}): gmp4j {@code Chan} on the {@code gmp} and
 * {@code jdk} schedulers, jox channels and JDK queues ({@code SynchronousQueue} for capacity 0,
 * else {@code ArrayBlockingQueue}; ended with one poison pill per worker since a queue cannot
 * be closed) between plain virtual threads; all with 2 processors/carriers. The collector's sum
 * is checked against the sum computed sequentially at set-up; a wrong sum or count fails the
 * run. Prints nothing beyond JMH's own output.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Schedulers.OPENS})
public class FanOutFanInBenchmark {
    static final int ITEMS = 1_000_000;
    static final int WORKERS = 2;
    static final int ROUNDS = 200;
    static final int MAX_PROCS = 2;

    @Param({Pipes.GMP, Pipes.JDK, Pipes.QUEUE, Pipes.JOX})
    public String impl;

    @Param({"0", "128"})
    public int capacity;

    private Schedulers schedulers;
    private Long[] items;
    private long expectedSum;
    private volatile long collected;
    private volatile long sum;

    /** The work per item: 200 rounds of Marsaglia's xorshift64. */
    static long work(long x) {
        for (int r = 0; r < ROUNDS; r++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    @Setup
    public void setup() {
        schedulers = Pipes.schedulers(impl, MAX_PROCS);
        items = new Long[ITEMS];
        expectedSum = 0;
        for (int i = 0; i < ITEMS; i++) {
            items[i] = (long) i + 1; // xorshift needs a non-zero seed
            expectedSum += work(i + 1);
        }
    }

    @TearDown
    public void tearDown() {
        schedulers.close();
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long fanOutFanIn() throws InterruptedException {
        Pipes.Pipe<Long> in = Pipes.make(impl, capacity);
        Pipes.Pipe<Long> out = Pipes.make(impl, capacity);
        Long[] it = items;
        AtomicInteger running = new AtomicInteger(WORKERS);
        Crew crew = new Crew(schedulers, "fan-out/fan-in on " + impl + " cap " + capacity);
        collected = 0;
        sum = 0;
        crew.go(() -> {
            for (int i = 0; i < ITEMS; i++) {
                in.send(it[i]);
            }
            in.close(WORKERS);
        });
        for (int w = 0; w < WORKERS; w++) {
            crew.go(() -> {
                for (Long v; (v = in.recv()) != null; ) {
                    out.send(work(v));
                }
                if (running.decrementAndGet() == 0) {
                    out.close(1);
                }
            });
        }
        crew.go(() -> {
            long s = 0;
            long n = 0;
            for (Long v; (v = out.recv()) != null; ) {
                s += v;
                n++;
            }
            sum = s;
            collected = n;
        });
        crew.join();
        if (collected != ITEMS || sum != expectedSum) {
            throw new IllegalStateException("fan-out/fan-in on " + impl + " cap " + capacity + ": collected "
                    + collected + " results summing to " + sum + ", expected " + ITEMS + " summing to " + expectedSum);
        }
        return sum;
    }
}
