package io.gmp4j.benchmarks;

import io.gmp4j.runtime.Go;
import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.runtime.RuntimeStats;
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
import org.openjdk.jmh.infra.Blackhole;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;

/**
 * Blocking syscalls next to CPU-bound goroutines, with 2 processors: 2 goroutines each run a
 * fixed amount of pure CPU work (an xorshift loop of {@value #CPU_UNITS} steps, about 400 ms
 * alone on the 2-core development machine; no {@code Go.checkpoint}, so nothing can make them
 * yield) while 50 goroutines each make {@value #CALLS} blocking calls of 5 ms: libc
 * {@code usleep(5000)} through the FFM API, which holds the carrier thread as a real syscall
 * holds a Go machine, wrapped in {@link Go#syscall}. One invocation runs the whole workload;
 * its score is the time until all 52 goroutines have finished.
 *
 * <p>Secondary results (JMH aux counters of type EVENTS, one value per invocation):
 * {@code cpuMillis}, when the later of the 2 CPU goroutines finished; {@code blockingMillis},
 * when the last of the 50 blocking goroutines finished (both from the start of the invocation,
 * before any goroutine is started); {@code handoffs} and {@code preemptRequests}, processors
 * the system monitor handed to another machine and requests to yield it made during the
 * invocation; {@code threads}, machine threads alive at its end ({@code -1}, which JMH's text
 * output shows as "≈ 0", where the scheduler does not count them). {@link #cpuAlone} runs only
 * the 2 CPU goroutines on the same runtime: the CPU delay is
 * {@code mix:cpuMillis / cpuAlone:cpuMillis}. JMH's summary score of an EVENTS counter is the
 * <em>sum</em> over the measured iterations ("[Sum]"): read the per-iteration lines, or the
 * per-iteration mean and median that {@code benchmarks/medians.py} prints from {@code -rf json}.
 *
 * <p>Modes ({@code mode}), all with 2 processors: {@code gmp} (system monitor on: a processor
 * stuck in a syscall for a 20 µs tick is handed to another machine, so the blocking calls
 * overlap on extra threads), {@code gmp-nosysmon} (the same scheduler with
 * {@code monitor(false)}: {@code Go.syscall} keeps its processor and nothing preempts, so the
 * CPU goroutines hold both processors until they finish and the blocking calls then run two
 * at a time: 50 × 20 × 5 ms / 2 = 2.5 s after the CPU work), and {@code jdk} (the JDK's
 * scheduler with 2 carriers; it does not compensate for a carrier pinned in a native call
 * either).
 *
 * <p>Go reference (the syscall-mix workload, 2-core development machine,
 * GOMAXPROCS=2): Go 1.19 delays the CPU work 1.52× and finishes the blocking goroutines in
 * 486 ms; the JDK's default virtual-thread scheduler delays it 1.02× and finishes them in
 * 3,182 ms.
 *
 * <p>Every wait is bounded: a goroutine that fails, or a workload that has not finished after
 * 60 s, fails the run ({@link Crew}); a blocking goroutine gives up when interrupted.
 * {@code usleep} needs {@code --enable-native-access=ALL-UNNAMED} (the jar runs on the class
 * path), which the fork gets.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {Schedulers.OPENS, Schedulers.NATIVE_ACCESS})
public class SyscallMixBenchmark {
    static final int MAX_PROCS = 2;
    static final int CPU_GOROUTINES = 2;
    /** xorshift steps per CPU goroutine: about 400 ms at ~1.65 ns a step. */
    static final long CPU_UNITS = 250_000_000L;
    static final int BLOCKING_GOROUTINES = 50;
    static final int CALLS = 20;
    static final int SLEEP_MICROS = 5_000;

    private static final MethodHandle USLEEP = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("usleep").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    @Param({"gmp", "gmp-nosysmon", "jdk"})
    public String mode;

    private Schedulers schedulers;
    /** Written by each goroutine before it ends (its end, nanoTime); read after {@link Crew#join}. */
    private final long[] cpuEnd = new long[CPU_GOROUTINES];
    private final long[] blockingEnd = new long[BLOCKING_GOROUTINES];
    private final long[] cpuResult = new long[CPU_GOROUTINES];

    /** Per-invocation results of {@link #mix}; JMH reports each field. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class MixTimes {
        public double cpuMillis;
        public double blockingMillis;
        public long handoffs;
        public long preemptRequests;
        public long threads;
    }

    /** Per-invocation results of {@link #cpuAlone}. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuTimes {
        public double cpuMillis;
        public long handoffs;
        public long preemptRequests;
        public long threads;
    }

    @Setup
    public void setup() {
        schedulers = switch (mode) {
            case "gmp" -> new Schedulers("gmp", MAX_PROCS, true);
            case "gmp-nosysmon" -> new Schedulers("gmp", MAX_PROCS, false);
            case "jdk" -> new Schedulers("jdk", MAX_PROCS);
            default -> throw new IllegalArgumentException("mode: '" + mode + "' (expected: gmp, gmp-nosysmon or jdk)");
        };
        GoRuntime rt = schedulers.runtime();
        boolean monitored = rt.monitorName().isPresent();
        if (mode.startsWith("gmp") && mode.equals("gmp") != monitored) {
            throw new IllegalStateException("mode " + mode + ": the runtime's system monitor is "
                    + rt.monitorName().orElse("absent") + " (is gmp4j-sysmon in the benchmark jar?)");
        }
    }

    @TearDown
    public void tearDown() {
        schedulers.close();
    }

    /** libc usleep: blocks the calling carrier thread. */
    static int usleep(int micros) {
        try {
            int rc = (int) USLEEP.invokeExact(micros);
            if (rc != 0) {
                throw new IllegalStateException("usleep(" + micros + ") returned " + rc);
            }
            return rc;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long work(long seed, long units) {
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        for (long k = 0; k < units; k++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    private void startCpu(Crew crew) {
        for (int i = 0; i < CPU_GOROUTINES; i++) {
            int id = i;
            crew.go(() -> {
                cpuResult[id] = work(id + 1, CPU_UNITS);
                cpuEnd[id] = System.nanoTime();
            });
        }
    }

    private void consumeCpu(Blackhole bh) {
        for (long r : cpuResult) {
            bh.consume(r);
        }
    }

    private static double millisSince(long t0, long[] ends) {
        long last = Long.MIN_VALUE;
        for (long e : ends) {
            last = Math.max(last, e - t0);
        }
        return last / 1e6;
    }

    /** {@code after - before}, or -1 where the scheduler does not count. */
    private static long delta(long before, long after) {
        return before < 0 || after < 0 ? -1 : after - before;
    }

    @Benchmark
    public void mix(MixTimes times, Blackhole bh) throws InterruptedException {
        GoRuntime rt = schedulers.runtime();
        RuntimeStats s0 = rt.stats();
        Crew crew = new Crew(schedulers, "syscall mix on " + mode);
        long t0 = System.nanoTime();
        startCpu(crew);
        for (int i = 0; i < BLOCKING_GOROUTINES; i++) {
            int id = i;
            crew.go(() -> {
                try {
                    for (int c = 0; c < CALLS; c++) {
                        if (Thread.currentThread().isInterrupted()) {
                            throw new IllegalStateException("blocking goroutine " + id + " interrupted after " + c + " calls");
                        }
                        Go.syscall(() -> usleep(SLEEP_MICROS));
                    }
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                blockingEnd[id] = System.nanoTime();
            });
        }
        crew.join();
        consumeCpu(bh);
        times.cpuMillis = millisSince(t0, cpuEnd);
        times.blockingMillis = millisSince(t0, blockingEnd);
        RuntimeStats s = rt.stats();
        times.handoffs = delta(s0.handoffs(), s.handoffs());
        times.preemptRequests = delta(s0.preemptRequests(), s.preemptRequests());
        times.threads = s.threads();
    }

    @Benchmark
    public void cpuAlone(CpuTimes times, Blackhole bh) throws InterruptedException {
        GoRuntime rt = schedulers.runtime();
        RuntimeStats s0 = rt.stats();
        Crew crew = new Crew(schedulers, "CPU goroutines alone on " + mode);
        long t0 = System.nanoTime();
        startCpu(crew);
        crew.join();
        consumeCpu(bh);
        times.cpuMillis = millisSince(t0, cpuEnd);
        RuntimeStats s = rt.stats();
        times.handoffs = delta(s0.handoffs(), s.handoffs());
        times.preemptRequests = delta(s0.preemptRequests(), s.preemptRequests());
        times.threads = s.threads();
    }
}
