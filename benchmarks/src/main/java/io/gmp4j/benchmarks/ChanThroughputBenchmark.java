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

/**
 * Buffered producer/consumer: one goroutine sends 100,000 items into a channel of
 * {@code capacity}, another receives them all. Score: time per item. Items are boxed once, at
 * set-up, so the loop allocates nothing; the consumer checks the count and the sum.
 *
 * <p>Contenders ({@code impl}, see {@link Pipes}): gmp4j {@code Chan.make(capacity)} on the
 * {@code gmp} and {@code jdk} schedulers, {@code ArrayBlockingQueue(capacity)} and jox's
 * buffered channel between plain virtual threads, all with 2 processors/carriers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Schedulers.OPENS})
public class ChanThroughputBenchmark {
    static final int ITEMS = 100_000;
    static final int MAX_PROCS = 2;

    @Param({Pipes.GMP, Pipes.JDK, Pipes.QUEUE, Pipes.JOX})
    public String impl;

    @Param({"16", "128"})
    public int capacity;

    private Schedulers schedulers;
    private Long[] items;
    private long expectedSum;
    private volatile long received;
    private volatile long sum;

    @Setup
    public void setup() {
        schedulers = Pipes.schedulers(impl, MAX_PROCS);
        items = new Long[ITEMS];
        expectedSum = 0;
        for (int i = 0; i < ITEMS; i++) {
            items[i] = (long) i * 7 + 1;
            expectedSum += items[i];
        }
    }

    @TearDown
    public void tearDown() {
        schedulers.close();
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long produceConsume() throws InterruptedException {
        Pipes.Pipe<Long> ch = Pipes.make(impl, capacity);
        Long[] it = items;
        Crew crew = new Crew(schedulers, "throughput on " + impl + " cap " + capacity);
        received = 0;
        sum = 0;
        crew.go(() -> {
            for (int i = 0; i < ITEMS; i++) {
                ch.send(it[i]);
            }
        });
        crew.go(() -> {
            long s = 0;
            int n = 0;
            for (; n < ITEMS; n++) {
                Long v = ch.recv();
                if (v == null) {
                    break;
                }
                s += v;
            }
            sum = s;
            received = n;
        });
        crew.join();
        if (received != ITEMS || sum != expectedSum) {
            throw new IllegalStateException("throughput on " + impl + " cap " + capacity + ": received " + received
                    + " items summing to " + sum + ", expected " + ITEMS + " summing to " + expectedSum);
        }
        return sum;
    }
}
