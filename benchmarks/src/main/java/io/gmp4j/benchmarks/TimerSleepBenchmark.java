package io.gmp4j.benchmarks;

import io.gmp4j.runtime.Go;
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
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Timers under load: one goroutine starts 100,000 goroutines; each sleeps a short random time
 * (uniform in [0, 2 ms), from a {@code Random} seeded with 42, so every invocation and every
 * contender sleeps the same durations) and then counts down a latch. The invocation ends when
 * the latch reaches zero. Score: time per goroutine (spawn + timer + wake-up).
 *
 * <p>Contenders ({@code impl}): {@link Go#sleep} on the {@code gmp} scheduler (per-processor
 * timer heaps), {@link Go#sleep} on the {@code jdk} provider (which has no gmp timers, so it
 * parks with {@code LockSupport.parkNanos}: the JDK's virtual-thread timers plus gmp4j's
 * bookkeeping), and {@link Thread#sleep(Duration)} in plain virtual threads
 * ({@code raw-vthread}); all with 2 processors/carriers.
 *
 * <p>After each invocation (outside the measured time) every goroutine is joined, and a
 * goroutine that slept less than it was asked to, or failed, fails the run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Schedulers.OPENS})
public class TimerSleepBenchmark {
    static final int N = 100_000;
    static final long MAX_SLEEP_NANOS = 2_000_000;
    static final int MAX_PROCS = 2;

    @Param({"gmp", "jdk", "raw-vthread"})
    public String impl;

    private Schedulers schedulers;
    private boolean goSleep;
    private Duration[] sleeps;
    private Thread[] goroutines;
    private Thread spawner;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    @Setup
    public void setup() {
        schedulers = new Schedulers(impl, MAX_PROCS);
        goSleep = !impl.equals("raw-vthread");
        Random rnd = new Random(42);
        sleeps = new Duration[N];
        for (int i = 0; i < N; i++) {
            sleeps[i] = Duration.ofNanos(rnd.nextLong(MAX_SLEEP_NANOS));
        }
        goroutines = new Thread[N];
    }

    @TearDown
    public void tearDown() {
        schedulers.close();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public long sleepers() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(N);
        Duration[] d = sleeps;
        Thread[] gs = goroutines;
        boolean useGo = goSleep;
        spawner = schedulers.go(() -> {
            for (int i = 0; i < N; i++) {
                Duration sleep = d[i];
                gs[i] = Schedulers.goFromGoroutine(() -> {
                    try {
                        long t0 = System.nanoTime();
                        if (useGo) {
                            Go.sleep(sleep);
                        } else {
                            Thread.sleep(sleep);
                        }
                        long slept = System.nanoTime() - t0;
                        if (slept < sleep.toNanos()) {
                            throw new IllegalStateException("slept " + slept + " ns, asked for " + sleep.toNanos());
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                    done.countDown(); // counted down even on failure, so the run fails fast below
                });
            }
        });
        if (!done.await(Crew.STALL.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("sleepers on " + impl + ": " + done.getCount() + " of " + N
                    + " never woke within " + Crew.STALL.toSeconds() + " s" + diagnostics());
        }
        return done.getCount();
    }

    /** The scheduler's state and a few goroutines, for a stall report (gmp4j runtimes only). */
    private String diagnostics() {
        GoRuntime rt = schedulers.runtime();
        if (rt == null) {
            return "";
        }
        StringBuilder dump = new StringBuilder();
        rt.dumpGoroutines(dump);
        int cut = Math.min(dump.length(), 4000);
        return "\n" + rt.schedtrace() + "\nfirst " + cut + " characters of the goroutine dump:\n" + dump.substring(0, cut);
    }

    /** Outside the measured time: no goroutine may outlive its invocation. */
    @TearDown(Level.Invocation)
    public void joinSleepers() throws InterruptedException {
        if (spawner != null && !spawner.join(Duration.ofSeconds(60))) {
            throw new IllegalStateException("sleepers on " + impl + ": spawner still running");
        }
        for (int i = 0; i < N; i++) {
            Thread t = goroutines[i];
            if (t != null && !t.join(Duration.ofSeconds(60))) {
                throw new IllegalStateException("sleepers on " + impl + ": goroutine " + i + " still running");
            }
            goroutines[i] = null;
        }
        spawner = null;
        Throwable f = failure.getAndSet(null);
        if (f != null) {
            throw new IllegalStateException("a sleeper on " + impl + " failed", f);
        }
        if (schedulers.runtime() != null && schedulers.runtime().numGoroutine() != 0) {
            throw new IllegalStateException("sleepers on " + impl + ": " + schedulers.runtime().numGoroutine()
                    + " goroutines still alive after the invocation");
        }
    }
}
