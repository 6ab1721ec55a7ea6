package io.gmp4j.benchmarks;

import io.gmp4j.runtime.Go;
import io.gmp4j.runtime.RuntimeStats;
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

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The price of {@link Go#syscall} when the call does not block: one goroutine makes 10,000
 * {@code Go.syscall(tick)} calls around a trivial {@code Callable} (it returns a counter
 * value, boxed from the {@code Integer} cache, so no allocation is measured) and the
 * invocation waits for it. Score: time per call. Go: the {@code entersyscall} +
 * {@code exitsyscall} fast path of a raw syscall, about 30–70 ns.
 *
 * <p>Contenders: {@code syscall} on the {@code gmp} scheduler (the processor goes RUNNING →
 * SYSCALL → RUNNING by CAS, the exit fast path; the system monitor is on, but retakes a
 * processor only after a 20 µs tick in one syscall, which these calls never last) and on the
 * {@code jdk} provider (where {@code Go.syscall} just calls); {@code direct}, the same loop
 * calling the {@code Callable} itself on {@code gmp}, is the floor. All with 2 processors.
 *
 * <p>On {@code gmp} each iteration checks that the runtime counted every call as a syscall
 * ({@link RuntimeStats#syscalls()}); a goroutine that fails or stalls for 60 s fails the run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Schedulers.OPENS})
public class SyscallBenchmark {
    static final int CALLS = 10_000;
    static final int MAX_PROCS = 2;

    /** The runtime under test for {@link #syscall}. */
    @State(Scope.Benchmark)
    public static class Runtimes {
        @Param({"gmp", "jdk"})
        public String scheduler;

        Batch batch;

        @Setup
        public void setup() {
            batch = new Batch(new Schedulers(scheduler, MAX_PROCS), scheduler);
        }

        @Setup(Level.Iteration)
        public void startIteration() {
            batch.startIteration();
        }

        @TearDown(Level.Iteration)
        public void endIteration() {
            batch.checkIteration(true);
        }

        @TearDown
        public void tearDown() {
            batch.close();
        }
    }

    /** A {@code gmp} runtime for the {@link #direct} floor. */
    @State(Scope.Benchmark)
    public static class GmpRuntime {
        Batch batch;

        @Setup
        public void setup() {
            batch = new Batch(new Schedulers("gmp", MAX_PROCS), "gmp");
        }

        @Setup(Level.Iteration)
        public void startIteration() {
            batch.startIteration();
        }

        @TearDown(Level.Iteration)
        public void endIteration() {
            batch.checkIteration(false);
        }

        @TearDown
        public void tearDown() {
            batch.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public long syscall(Runtimes rt) throws InterruptedException {
        return rt.batch.run(true);
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public long direct(GmpRuntime rt) throws InterruptedException {
        return rt.batch.run(false);
    }

    /** The trivial call: returns a counter value from the {@code Integer} cache. */
    static final class Tick implements Callable<Integer> {
        private int n;

        @Override
        public Integer call() {
            return n++ & 127;
        }
    }

    /** One runtime, the goroutine loop, and the per-iteration syscall count check. */
    static final class Batch {
        private final Schedulers schedulers;
        private final String scheduler;
        private long syscallsBefore;
        private long invocations;
        private volatile long sum;

        Batch(Schedulers schedulers, String scheduler) {
            this.schedulers = schedulers;
            this.scheduler = scheduler;
        }

        long run(boolean viaSyscall) throws InterruptedException {
            Crew crew = new Crew(schedulers, (viaSyscall ? "Go.syscall" : "direct calls") + " on " + scheduler);
            crew.go(() -> {
                Tick tick = new Tick();
                long s = 0;
                try {
                    if (viaSyscall) {
                        for (int i = 0; i < CALLS; i++) {
                            s += Go.syscall(tick);
                        }
                    } else {
                        for (int i = 0; i < CALLS; i++) {
                            s += tick.call();
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                sum = s;
            });
            crew.join();
            invocations++;
            return sum;
        }

        void startIteration() {
            invocations = 0;
            syscallsBefore = syscalls();
        }

        /** On {@code gmp}: the runtime must have counted {@code CALLS} syscalls per syscall invocation. */
        void checkIteration(boolean viaSyscall) {
            if (!scheduler.equals("gmp")) {
                return;
            }
            long made = syscalls() - syscallsBefore;
            long expected = viaSyscall ? invocations * CALLS : 0;
            if (made != expected) {
                throw new IllegalStateException("Go.syscall on " + scheduler + ": the runtime counted " + made
                        + " syscalls in " + invocations + " invocations, expected " + expected);
            }
        }

        private long syscalls() {
            return schedulers.runtime() == null ? 0 : schedulers.runtime().stats().syscalls();
        }

        void close() {
            schedulers.close();
        }
    }
}
