package io.gmp4j.benchmarks;

import io.gmp4j.runtime.Go;
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

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two goroutines take turns: each yields ({@code Go.gosched()}, i.e. {@code Thread.yield()})
 * until the shared counter says it is its turn, then passes the turn. Score: time per turn.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Schedulers.OPENS})
public class GoschedBenchmark {
    static final int TURNS = 10_000;

    @Param({"gmp", "jdk", "fifo"})
    public String scheduler;

    @Param({"1", "2"})
    public int maxProcs;

    private Schedulers schedulers;

    @Setup
    public void setup() {
        schedulers = new Schedulers(scheduler, maxProcs);
    }

    @TearDown
    public void tearDown() {
        schedulers.close();
    }

    @Benchmark
    @OperationsPerInvocation(TURNS)
    public int goschedPing() throws InterruptedException {
        AtomicInteger turn = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(2);
        for (int p = 0; p < 2; p++) {
            int self = p;
            schedulers.go(() -> {
                for (int t = self; t < TURNS; t += 2) {
                    while (turn.get() != t) {
                        Go.gosched();
                    }
                    turn.incrementAndGet();
                }
                done.countDown();
            });
        }
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("gosched ping stalled on " + scheduler + " at turn " + turn.get());
        }
        return turn.get();
    }
}
