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

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One goroutine spawns one million trivial goroutines; the invocation ends when all have run.
 * Score: time per goroutine (spawn + schedule + run + exit).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Schedulers.OPENS, "-Xmx4g"})
public class SpawnBenchmark {
    static final int N = 1_000_000;

    @Param({"gmp", "jdk", "fifo", "raw-vthread"})
    public String scheduler;

    private Schedulers schedulers;

    @Setup
    public void setup() {
        schedulers = new Schedulers(scheduler, Runtime.getRuntime().availableProcessors());
    }

    @TearDown
    public void tearDown() {
        schedulers.close();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long spawnOneMillion() throws InterruptedException {
        LongAdder ran = new LongAdder();
        CountDownLatch all = new CountDownLatch(N);
        schedulers.go(() -> {
            for (int i = 0; i < N; i++) {
                Schedulers.goFromGoroutine(() -> {
                    ran.increment();
                    all.countDown();
                });
            }
        });
        if (!all.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("only " + ran.sum() + " of " + N + " goroutines ran on " + scheduler);
        }
        return ran.sum();
    }
}
