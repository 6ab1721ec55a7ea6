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
import java.util.concurrent.locks.LockSupport;

/**
 * Two goroutines hand a turn back and forth with {@code LockSupport.park/unpark}: the
 * scheduler's wake-up path alone, without any queue or channel. Score: time per one-way
 * hand-off (unpark + park + switch). For jdk and raw virtual threads {@code maxProcs} sets the
 * JDK scheduler's parallelism (checked), so every contender gets the same number of carriers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Schedulers.OPENS})
public class PingPongBenchmark {
    static final int ROUND_TRIPS = 10_000;

    @Param({"gmp", "jdk", "fifo", "raw-vthread"})
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
    @OperationsPerInvocation(2 * ROUND_TRIPS)
    public int pingPong() throws InterruptedException {
        return parkPingPong(schedulers::go, scheduler);
    }

    /** The turn the two players hand back and forth. */
    private static final class Turn {
        volatile int value;
    }

    /**
     * Two goroutines started by {@code go} hand a turn back and forth {@value #ROUND_TRIPS}
     * times with {@code LockSupport.park/unpark} (shared with {@link FloorBenchmark}).
     *
     * @return the last turn
     * @throws IllegalStateException if the players stall for 60 s
     */
    static int parkPingPong(java.util.function.Function<Runnable, Thread> go, String what) throws InterruptedException {
        Thread[] players = new Thread[2];
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(2);
        Turn turn = new Turn();
        for (int p = 0; p < 2; p++) {
            int self = p;
            players[p] = go.apply(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    while (turn.value != self) {
                        LockSupport.park(turn);
                    }
                    turn.value = 1 - self;
                    LockSupport.unpark(players[1 - self]);
                }
                done.countDown();
            });
        }
        start.countDown();
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("ping-pong stalled on " + what);
        }
        return turn.value;
    }
}
