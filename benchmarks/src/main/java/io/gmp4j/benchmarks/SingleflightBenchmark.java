package io.gmp4j.benchmarks;

import io.gmp4j.patterns.Singleflight;
import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.runtime.Select;
import io.gmp4j.runtime.Timer;
import org.openjdk.jmh.annotations.AuxCounters;
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

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * A burst of duplicate calls: one goroutine starts {@value #CALLERS} goroutines (Go's way, from
 * inside the runtime: on {@code gmp} each goes to the spawner's processor's {@code runnext}, the
 * one before to its local run queue), each of which calls {@link Singleflight#doCall
 * doCall(KEY, fn)} once on one group shared by the whole trial; the invocation ends when every
 * caller has its result. Score: time per burst (µs), spawning included.
 *
 * <p>{@code fn} ({@code fn} parameter): {@code held} does {@value #WORK_ROUNDS} xorshift64
 * rounds, then waits (on a channel, holding no thread) until every caller has <em>started</em>
 * — each counts itself just before its {@code doCall}, and the last one closes the channel — so
 * that in principle one execution serves the whole burst; callers that counted themselves but
 * reached {@code doCall} only after that execution ended start another, which finds the channel
 * closed and returns at once. {@code tiny} only does the {@value #WORK_ROUNDS} rounds (well
 * under a microsecond), so how many executions one burst takes depends on how the scheduler
 * interleaves the callers.
 *
 * <p>Secondary results (JMH aux counters of type EVENTS, per iteration): {@code executions}
 * (times {@code fn} ran), {@code bursts} (invocations), and {@code executionsPerBurst}, their
 * ratio. JMH's summary score of an EVENTS counter is the <em>sum</em> over the measured
 * iterations ("[Sum]"; for the ratio, a sum of ratios): read the per-iteration lines, or
 * {@code benchmarks/medians.py}.
 *
 * <p>Contenders ({@code scheduler}): gmp4j's Singleflight (x/sync semantics; waiters park on
 * the execution's done channel, which its runner closes) on the {@code gmp} scheduler and on
 * the {@code jdk} provider, both with 2 processors/carriers. Every caller checks its result
 * (value, no error); a {@code held} execution gives up after 60 s (a {@link Timer}), so no
 * caller can wait for ever; the invocation waits at most 70 s for the burst, and the runtime
 * must have no goroutine left after each iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Schedulers.OPENS})
public class SingleflightBenchmark {
    static final int CALLERS = 1_000;
    static final int MAX_PROCS = 2;
    static final int WORK_ROUNDS = 100;
    static final String KEY = "key";
    static final Duration STALL = Duration.ofSeconds(60);

    @Param({"gmp", "jdk"})
    public String scheduler;

    @Param({"held", "tiny"})
    public String fn;

    private Schedulers schedulers;
    private Singleflight<String, Long> group;
    private long expected;

    /** Per-iteration counts; JMH reports each field and the ratio. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Counts {
        public long executions;
        public long bursts;

        @Setup(Level.Iteration)
        public void reset() {
            executions = 0;
            bursts = 0;
        }

        public double executionsPerBurst() {
            return bursts == 0 ? 0 : (double) executions / bursts;
        }
    }

    static long work(long x) {
        for (int r = 0; r < WORK_ROUNDS; r++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    @Setup
    public void setup() {
        if (!fn.equals("held") && !fn.equals("tiny")) {
            throw new IllegalArgumentException("fn: " + fn + " (expected held or tiny)");
        }
        schedulers = new Schedulers(scheduler, MAX_PROCS);
        group = new Singleflight<>();
        expected = work(42);
    }

    @TearDown(Level.Iteration)
    public void endIteration() throws InterruptedException {
        schedulers.awaitNoGoroutines("singleflight on " + scheduler, Duration.ofSeconds(10));
    }

    @TearDown
    public void tearDown() {
        schedulers.close();
    }

    @Benchmark
    public long burst(Counts counts) throws InterruptedException {
        boolean held = fn.equals("held");
        AtomicInteger started = new AtomicInteger();
        Chan<Boolean> allStarted = Chan.make();
        LongAdder executions = new LongAdder();
        CountDownLatch finished = new CountDownLatch(CALLERS);
        AtomicInteger shared = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        GoRuntime rt = schedulers.runtime();
        Callable<Long> call = () -> {
            executions.increment();
            long v = work(42);
            if (held) {
                Timer guard = Timer.newTimer(STALL);
                int which = Select.builder()
                        .recv(allStarted, x -> {})
                        .recv(guard.c(), x -> {})
                        .run();
                guard.stop();
                if (which != 0) {
                    throw new IllegalStateException("held execution: not every caller started within " + STALL);
                }
            }
            return v;
        };
        Runnable caller = () -> {
            try {
                if (GoRuntime.current().orElse(null) != rt) {
                    throw new IllegalStateException("caller is not a goroutine of the runtime under test");
                }
                if (started.incrementAndGet() == CALLERS) {
                    allStarted.close();
                }
                Singleflight.Result<Long> r = group.doCall(KEY, call);
                if (r.error() != null) {
                    throw new IllegalStateException("the execution failed", r.error());
                }
                if (r.value() == null || r.value() != expected) {
                    throw new IllegalStateException("result " + r.value() + ", expected " + expected);
                }
                if (r.shared()) {
                    shared.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                finished.countDown();
            }
        };
        schedulers.go(() -> {
            for (int i = 0; i < CALLERS; i++) {
                Schedulers.goFromGoroutine(caller);
            }
        });
        if (!finished.await(STALL.toSeconds() + 10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("singleflight burst on " + scheduler + " stalled: " + finished.getCount()
                    + " of " + CALLERS + " callers without a result, " + executions.sum() + " executions");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("singleflight burst on " + scheduler + " failed", failure.get());
        }
        long n = executions.sum();
        if (n < 1 || n > CALLERS || (n < CALLERS && shared.get() == 0)) {
            throw new IllegalStateException("singleflight burst on " + scheduler + ": " + n + " executions for "
                    + CALLERS + " callers, " + shared.get() + " shared results");
        }
        counts.executions += n;
        counts.bursts++;
        return n;
    }
}
