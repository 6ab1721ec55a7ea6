package io.gmp4j.benchmarks;

import io.gmp4j.patterns.FanIn;
import io.gmp4j.patterns.FanOut;
import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.GoRuntime;
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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link FanOutFanInBenchmark}'s pipeline built from the patterns module, against the same
 * pipeline written by hand, in the same run. In both, a producer goroutine sends one million
 * boxed longs into {@code in} (capacity {@code capacity}) with plain {@code send}s and closes it,
 * {@value #WORKERS} workers spend {@value #ROUNDS} xorshift64 rounds on each item, and the
 * collector (the goroutine that started the others, as Go's main) sums the results with a plain
 * {@code for} loop over its channel until that channel closes. Score: items per second
 * (Throughput mode, one million operations per invocation), as in {@link FanOutFanInBenchmark}.
 *
 * <p>Contenders ({@code impl}), on the {@code gmp} scheduler and the {@code jdk} provider
 * ({@code scheduler}), 2 processors/carriers:
 * <ul>
 *   <li>{@code patterns}: {@code FanOut.distribute(ctx, in, 2, capacity, work)} starts the two
 *       workers, each with its own output channel of capacity {@code capacity} (the buffer
 *       option); {@code FanIn.merge(ctx, capacity, outputs)} starts one forwarding goroutine per
 *       output and a closer, into a merged channel of capacity {@code capacity}, which the
 *       collector reads. Every receive and send of the workers and forwarders first reads the
 *       context's state (a volatile read) and tries the non-blocking {@code tryRecv}/
 *       {@code trySend}; only when that would block does it run a two-case select with the
 *       context's done channel ({@code ctx} is a {@code Context.withCancel}). Each item crosses
 *       three channels ({@code in}, its worker's output, the merged channel) and passes through
 *       one more goroutine than below (its output's forwarder); the pipeline has three more
 *       goroutines (two forwarders and the merge's closer).</li>
 *   <li>{@code hand}: the hand-written pipeline of {@link FanOutFanInBenchmark}'s
 *       {@code gmp}/{@code jdk} contenders: the workers {@code recv} from {@code in} and
 *       {@code send} into one shared output of capacity {@code capacity}, with no context, and
 *       the last worker to finish closes it. Each item crosses two channels.</li>
 * </ul>
 * Go's reference for the hand-written version: 1.6–1.75 M items/s on this kind of 2-core
 * machine (see {@link FanOutFanInBenchmark}).
 *
 * <p>The collector's sum and count are checked against a sequential run made at set-up; a
 * wrong one fails the run. Every wait is bounded: a stall of 60 s interrupts the producer and
 * the collector ({@link Crew}) and cancels the pipeline's context, which ends the pattern's
 * workers and forwarders; then the run fails. After each iteration the runtime must have no
 * goroutine left (the pattern's goroutines all end once the input is closed and drained). As
 * in a Go program, one goroutine (the collector) starts all the others, so the system
 * monitor's deadlock report cannot fire while the benchmark thread is still starting them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Schedulers.OPENS})
public class PatternsFanOutFanInBenchmark {
    static final int ITEMS = FanOutFanInBenchmark.ITEMS;
    static final int WORKERS = FanOutFanInBenchmark.WORKERS;
    static final int ROUNDS = FanOutFanInBenchmark.ROUNDS;
    static final int MAX_PROCS = 2;

    @Param({"gmp", "jdk"})
    public String scheduler;

    @Param({"patterns", "hand"})
    public String impl;

    @Param({"0", "128"})
    public int capacity;

    private Schedulers schedulers;
    private Long[] items;
    private long expectedSum;
    private volatile long collected;
    private volatile long sum;

    @Setup
    public void setup() {
        if (!impl.equals("patterns") && !impl.equals("hand")) {
            throw new IllegalArgumentException("impl: " + impl + " (expected patterns or hand)");
        }
        schedulers = new Schedulers(scheduler, MAX_PROCS);
        items = new Long[ITEMS];
        expectedSum = 0;
        for (int i = 0; i < ITEMS; i++) {
            items[i] = (long) i + 1; // xorshift needs a non-zero seed
            expectedSum += FanOutFanInBenchmark.work(i + 1);
        }
    }

    @TearDown(Level.Iteration)
    public void endIteration() throws InterruptedException {
        schedulers.awaitNoGoroutines(impl + " fan-out/fan-in on " + scheduler, Duration.ofSeconds(10));
    }

    @TearDown
    public void tearDown() {
        schedulers.close();
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long fanOutFanIn() throws InterruptedException {
        Chan<Long> in = Chan.make(capacity);
        Long[] it = items;
        GoRuntime rt = schedulers.runtime();
        Context ctx = Context.withCancel(Context.background());
        String what = impl + " fan-out/fan-in on " + scheduler + " cap " + capacity;
        Crew crew = new Crew(schedulers, what);
        collected = 0;
        sum = 0;
        // Go's shape: a main goroutine starts the others and is the collector.
        crew.go(() -> {
            if (GoRuntime.current().orElse(null) != rt) {
                throw new IllegalStateException("the collector is not a goroutine of the runtime under test");
            }
            crew.go(() -> {
                for (int i = 0; i < ITEMS; i++) {
                    in.send(it[i]);
                }
                in.close();
            });
            if (impl.equals("patterns")) {
                List<Chan<Long>> outs = FanOut.distribute(ctx, in, WORKERS, capacity, FanOutFanInBenchmark::work);
                collect(FanIn.merge(ctx, capacity, outs));
            } else {
                Chan<Long> out = Chan.make(capacity);
                AtomicInteger running = new AtomicInteger(WORKERS);
                for (int w = 0; w < WORKERS; w++) {
                    crew.go(() -> {
                        for (Long v; (v = in.recv()) != null; ) {
                            out.send(FanOutFanInBenchmark.work(v));
                        }
                        if (running.decrementAndGet() == 0) {
                            out.close();
                        }
                    });
                }
                collect(out);
            }
        });
        try {
            crew.join();
        } finally {
            ctx.cancel(); // ends the pattern's goroutines if the pipeline failed; a no-op otherwise
        }
        if (collected != ITEMS || sum != expectedSum) {
            throw new IllegalStateException(what + ": collected " + collected + " results summing to " + sum
                    + ", expected " + ITEMS + " summing to " + expectedSum);
        }
        return sum;
    }

    private void collect(Chan<Long> out) {
        long s = 0;
        long n = 0;
        for (Long v : out) {
            s += v;
            n++;
        }
        sum = s;
        collected = n;
    }
}
