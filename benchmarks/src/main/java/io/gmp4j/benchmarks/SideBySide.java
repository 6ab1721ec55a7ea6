package io.gmp4j.benchmarks;

import io.gmp4j.patterns.WaitGroup;
import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Go;
import io.gmp4j.runtime.GoRuntime;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Whole-program benchmarks with a Go twin ({@code benchmarks/go/sidebyside/main.go}): the
 * same workloads, parameters and output as that Go program, so that {@code benchmarks/vs-go.sh}
 * can run Go, gmp4j and the JDK's own virtual threads side by side, each in a fresh process,
 * and print the ratios. Not JMH: each process warms up inside, then times its measured passes
 * and prints the median of them; the script takes the median over several processes.
 *
 * <pre>
 * java @benchmarks/gmp4j-bench.args --enable-native-access=ALL-UNNAMED \
 *     -cp benchmarks/target/gmp4j-benchmarks.jar io.gmp4j.benchmarks.SideBySide \
 *     WORKLOAD[,WORKLOAD...] [--impl gmp|jdk] [--procs N] [--n N] [--capacity C] \
 *     [--warmup W] [--passes P] [--calls C] [--timeout SECONDS]
 * </pre>
 *
 * <p>Implementations ({@code --impl}): {@code gmp}, goroutines of a gmp4j {@link GoRuntime}
 * on the {@code gmp} scheduler with {@code maxProcs(procs)} and the default configuration
 * (system monitor on, goroutines named), with gmp4j's {@link Chan} and the patterns module's
 * {@link WaitGroup}; {@code jdk}, plain virtual threads on the JDK's default scheduler with
 * {@code java.util.concurrent} ({@code SynchronousQueue}, {@code ArrayBlockingQueue},
 * {@code CountDownLatch}, {@code LockSupport}), its parallelism and maxPoolSize set to
 * {@code procs} (this program sets {@code -Djdk.virtualThreadScheduler.parallelism} and
 * {@code .maxPoolSize} itself when they are not given, and checks the parallelism the JDK
 * reports). The JDK reads them once per JVM: one {@code --procs} per {@code jdk} process.
 *
 * <p>Workloads (defaults in brackets; the Go program has the same defaults):
 * <ul>
 *   <li>{@code pingpong}: two goroutines bounce a value over two unbuffered channels
 *       ({@code SynchronousQueue}s for {@code jdk}), {@code n} [200,000] round trips per pass;
 *       {@code ns_per_handoff} = pass time / (2 n). Warm-up 3 passes, 5 measured.</li>
 *   <li>{@code parkpingpong}: the same turn-taking with {@code LockSupport.park/unpark} and a
 *       volatile turn (no channel; no Go twin); {@code ns_per_handoff}.</li>
 *   <li>{@code fanout}: a producer sends {@code n} [1,000,000] items into channel {@code in}
 *       (capacity {@code --capacity} [0]); 2 workers each run {@value FanOutFanInBenchmark#ROUNDS}
 *       xorshift64 rounds per item and send the result to a shared channel {@code out}; the last
 *       worker closes it; a collector sums it. {@code items_per_s}. The collector's count and
 *       sum are checked against a sum computed sequentially. Warm-up 1, 3 measured.</li>
 *   <li>{@code spawn}: one goroutine starts {@code n} [1,000,000] goroutines, each marks its
 *       slot in an array and calls {@code done()} on a WaitGroup ({@code CountDownLatch} for
 *       {@code jdk}) set to {@code n}; {@code ns_per_goroutine} from the first start to the
 *       wait's return; every slot is checked. Warm-up 2, 3 measured.</li>
 *   <li>{@code wake}: {@code n} [1,000,000] goroutines park on one channel receive (a
 *       {@code CountDownLatch(1)} for {@code jdk}); once all have started, one {@code close}
 *       (count-down) wakes them; {@code ms_wake} from the close until every one has marked
 *       its slot and called {@code done()} and the waiter has returned. Warm-up 1, 2 measured.</li>
 *   <li>{@code parkedmem}: resident memory per parked goroutine: {@code VmRSS} of
 *       {@code /proc/self/status} after GC ({@code System.gc()} three times, then 200 ms),
 *       before and after starting {@code n} [100,000] goroutines parked on a channel receive
 *       ({@code jdk}: bare virtual threads in {@code LockSupport.park}); {@code
 *       bytes_rss_per_goroutine}, and {@code bytes_live_per_goroutine} from the used heap
 *       (Go: heap in use plus goroutine stacks). Warm-up: one round of n/10 goroutines; one
 *       measured pass.</li>
 *   <li>{@code uneven}: {@code n} [10,000] CPU-bound tasks (xorshift loops) of pseudo-random
 *       sizes (splitmix64 from seed 42: 1 % of them 200,000–1,000,000 steps, the rest
 *       200–2,000), one goroutine per task, started from one goroutine; {@code efficiency_pct} =
 *       100 × sequential time (the same tasks in a plain loop on one goroutine, best of 3) /
 *       (makespan × procs); also {@code makespan_ms} and {@code seq_ms}. Every task's result
 *       is checked through the sum. Warm-up 3, 5 measured.</li>
 *   <li>{@code syscallmix}: 2 CPU-bound goroutines of {@code n} [250,000,000] xorshift steps
 *       each, with 50 goroutines each making {@code --calls} [20] blocking 5 ms sleeps through
 *       libc {@code usleep} (the FFM API; inside {@link Go#syscall} for {@code gmp}, a plain call
 *       for {@code jdk}; Go: {@code syscall.Nanosleep}); per pass the CPU goroutines run alone,
 *       then in the mix: {@code cpu_delay} = CPU time in the mix / alone, and {@code
 *       blocking_ms} (when the last blocking goroutine finished). Warm-up 1, 3 measured.</li>
 * </ul>
 *
 * <p>Output: one line per result on standard output,
 * {@code RESULT workload=W variant=V procs=P impl=I metric=M value=X n=N passes=K min=A max=B
 * [check=0x…]} (variant {@code cap0}, {@code cap128} for {@code fanout}, else {@code -};
 * {@code check}, the workload's checksum where Go computes the same one). Every workload checks
 * its result (count, sum, every slot); a wrong one prints {@code FAIL ...} on standard error and
 * exits 1. Every wait is bounded: a process whose workload has not finished after
 * {@code --timeout} [180] seconds prints {@code STALL ...} with the scheduler's state and exits
 * 2; a failing goroutine ends the run within seconds even if its partners stay blocked.
 */
public final class SideBySide {
    static final List<String> WORKLOADS =
            List.of("pingpong", "parkpingpong", "fanout", "spawn", "wake", "parkedmem", "uneven", "syscallmix");
    static final int FANOUT_WORKERS = 2;
    static final int MIX_CPU_GOROUTINES = 2;
    static final int MIX_BLOCKING_GOROUTINES = 50;
    static final int MIX_SLEEP_MICROS = 5_000;

    private SideBySide() {}

    // ---------------------------------------------------------------- command line

    /** The parsed command line; a value of -1 means the workload's default. */
    record Options(List<String> workloads, String impl, int procs, long n, int capacity, int warmup, int passes,
                   int calls, int timeoutSeconds) {
        long nOr(long dflt) {
            return n < 0 ? dflt : n;
        }

        int warmupOr(int dflt) {
            return warmup < 0 ? dflt : warmup;
        }

        int passesOr(int dflt) {
            return passes < 0 ? dflt : passes;
        }
    }

    static final String USAGE = """
            usage: SideBySide WORKLOAD[,WORKLOAD...] [--impl gmp|jdk] [--procs N] [--n N] [--capacity C]
                              [--warmup W] [--passes P] [--calls C] [--timeout SECONDS]
              workloads: pingpong parkpingpong fanout spawn wake parkedmem uneven syscallmix
              (the Javadoc of io.gmp4j.benchmarks.SideBySide says what each measures)""";

    static Options parse(String[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("no workload");
        }
        List<String> workloads = Arrays.asList(args[0].split(","));
        for (String w : workloads) {
            if (!WORKLOADS.contains(w)) {
                throw new IllegalArgumentException("unknown workload '" + w + "'");
            }
        }
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("--" + key + " needs a value");
            }
            if (!List.of("impl", "procs", "n", "capacity", "warmup", "passes", "calls", "timeout").contains(key)) {
                throw new IllegalArgumentException("unknown option --" + key);
            }
            opts.put(key, value.replace("_", ""));
        }
        String impl = opts.getOrDefault("impl", "gmp");
        if (!impl.equals("gmp") && !impl.equals("jdk")) {
            throw new IllegalArgumentException("--impl must be gmp or jdk, not '" + impl + "'");
        }
        Options o = new Options(workloads, impl, Integer.parseInt(opts.getOrDefault("procs", "2")),
                Long.parseLong(opts.getOrDefault("n", "-1")), Integer.parseInt(opts.getOrDefault("capacity", "0")),
                Integer.parseInt(opts.getOrDefault("warmup", "-1")), Integer.parseInt(opts.getOrDefault("passes", "-1")),
                Integer.parseInt(opts.getOrDefault("calls", "20")), Integer.parseInt(opts.getOrDefault("timeout", "180")));
        if (o.procs < 1 || o.capacity < 0 || o.calls < 0 || o.timeoutSeconds < 1 || o.passes == 0
                || (o.n >= 0 && o.n < 1)) {
            throw new IllegalArgumentException("out of range: " + o);
        }
        return o;
    }

    /**
     * Runs the workloads named in {@code args[0]} one after another in this JVM.
     *
     * @param args the workloads and options, as in the class comment
     */
    public static void main(String[] args) {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("SideBySide: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        Impl impl = o.impl.equals("gmp") ? new Gmp(o.procs) : new Jdk(o.procs);
        for (String w : o.workloads) {
            runBounded(impl, w, o);
        }
        if (!impl.close(Duration.ofSeconds(30))) {
            exit(1, "FAIL impl=" + o.impl + ": goroutines still alive 30 s after the last workload\n" + impl.state());
        }
        System.out.flush();
        System.exit(0);
    }

    /** Prints, flushes and halts: no shutdown hook can hang a failed run. */
    static void exit(int status, String message) {
        System.out.flush();
        System.err.println(message);
        System.err.flush();
        Runtime.getRuntime().halt(status);
    }

    /**
     * Runs one workload on a driver goroutine (Go's main goroutine) and waits for it, at most
     * {@code --timeout} seconds; a goroutine's failure ends the wait within a few seconds.
     */
    static void runBounded(Impl impl, String workload, Options o) {
        Ctx ctx = new Ctx(impl, o, workload);
        Thread driver = impl.go(() -> {
            try {
                switch (workload) {
                    case "pingpong" -> pingpong(ctx);
                    case "parkpingpong" -> parkPingPong(ctx);
                    case "fanout" -> fanout(ctx);
                    case "spawn" -> spawn(ctx);
                    case "wake" -> wake(ctx);
                    case "parkedmem" -> parkedMem(ctx);
                    case "uneven" -> uneven(ctx);
                    case "syscallmix" -> syscallMix(ctx);
                    default -> throw new IllegalArgumentException(workload);
                }
            } catch (Throwable t) {
                ctx.fail(t);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.timeoutSeconds);
        long failedAt = 0;
        try {
            while (!driver.join(Duration.ofMillis(100))) {
                long now = System.nanoTime();
                if (ctx.failure != null) {
                    if (failedAt == 0) {
                        failedAt = now;
                    } else if (now - failedAt > TimeUnit.SECONDS.toNanos(5)) {
                        break; // its partners stay blocked: report now
                    }
                }
                if (now - deadline > 0) {
                    exit(2, "STALL workload=" + workload + " impl=" + o.impl + " procs=" + o.procs + ": not finished after "
                            + o.timeoutSeconds + " s" + (ctx.failure == null ? "" : ", after a failure: " + trace(ctx.failure))
                            + "\n" + impl.state());
                }
            }
        } catch (InterruptedException e) {
            exit(1, "FAIL interrupted");
        }
        if (ctx.failure != null) {
            exit(1, "FAIL workload=" + workload + " impl=" + o.impl + " procs=" + o.procs + ": " + trace(ctx.failure));
        }
    }

    private static String trace(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    /** One workload's run: its implementation, options and first failure. */
    static final class Ctx {
        final Impl impl;
        final Options o;
        final String workload;
        volatile Throwable failure;

        Ctx(Impl impl, Options o, String workload) {
            this.impl = impl;
            this.o = o;
            this.workload = workload;
        }

        void fail(Throwable t) {
            if (failure == null) {
                failure = t;
            }
        }

        /** Starts a goroutine whose exception fails the run instead of vanishing. */
        Thread go(Runnable body) {
            return impl.go(() -> {
                try {
                    body.run();
                } catch (Throwable t) {
                    fail(t);
                }
            });
        }

        void check(boolean ok, String what) {
            if (!ok) {
                throw new IllegalStateException("validation failed: " + what);
            }
        }

        void result(String variant, String metric, double[] values, long n, String check) {
            double[] v = values.clone();
            Arrays.sort(v);
            System.out.println(String.format(Locale.ROOT,
                    "RESULT workload=%s variant=%s procs=%d impl=%s metric=%s value=%.4f n=%d passes=%d min=%.4f max=%.4f%s",
                    workload, variant, o.procs, o.impl, metric, median(v), n, v.length, v[0], v[v.length - 1],
                    check == null ? "" : " check=" + check));
            System.out.flush();
        }
    }

    static double median(double[] sorted) {
        int k = sorted.length;
        return k % 2 == 1 ? sorted[k / 2] : (sorted[k / 2 - 1] + sorted[k / 2]) / 2;
    }

    static String hex(long x) {
        return "0x" + Long.toHexString(x);
    }

    // ---------------------------------------------------------------- implementations

    /** Counts down to zero once; {@link #await} returns when it got there (Go's WaitGroup). */
    interface Group {
        void done();

        void await();
    }

    /** Parks its waiters until {@link #open} releases them all (a channel close). */
    interface Gate {
        /** @return false if the gate delivered something other than "closed" */
        boolean await();

        void open();
    }

    /** What each contender supplies; each process loads one, so every call site is monomorphic. */
    abstract static sealed class Impl permits Gmp, Jdk {
        final int procs;

        Impl(int procs) {
            this.procs = procs;
        }

        abstract Thread go(Runnable body);

        abstract Group group(int n);

        abstract Gate gate();

        abstract <T> Pipes.Pipe<T> pipe(int capacity);

        abstract void sleepMillis(long ms);

        /** Lets other goroutines run (Go's {@code runtime.Gosched}). */
        abstract void yieldNow();

        /** libc usleep, the way this contender makes a blocking call. */
        abstract void blockingSleep(int micros);

        abstract boolean close(Duration timeout);

        abstract String state();
    }

    /** gmp4j: a {@code gmp} runtime with {@code maxProcs(procs)}, {@link Chan}, {@link WaitGroup}. */
    static final class Gmp extends Impl {
        final GoRuntime rt;

        Gmp(int procs) {
            super(procs);
            rt = GoRuntime.builder().scheduler("gmp").maxProcs(procs).build();
        }

        @Override
        Thread go(Runnable body) {
            return rt.go(body);
        }

        @Override
        Group group(int n) {
            WaitGroup wg = new WaitGroup();
            wg.add(n);
            return new Group() {
                @Override
                public void done() {
                    wg.done();
                }

                @Override
                public void await() {
                    wg.await();
                }
            };
        }

        @Override
        Gate gate() {
            Chan<Boolean> ch = Chan.make();
            return new Gate() {
                @Override
                public boolean await() {
                    return ch.recv() == null;
                }

                @Override
                public void open() {
                    ch.close();
                }
            };
        }

        @Override
        <T> Pipes.Pipe<T> pipe(int capacity) {
            return Pipes.make(Pipes.GMP, capacity);
        }

        @Override
        void sleepMillis(long ms) {
            Go.sleep(Duration.ofMillis(ms));
        }

        @Override
        void yieldNow() {
            Go.gosched();
        }

        @Override
        void blockingSleep(int micros) {
            try {
                Go.syscall(() -> Native.usleep(micros));
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        boolean close(Duration timeout) {
            return rt.close(timeout);
        }

        @Override
        String state() {
            return rt.schedtrace() + "\n" + rt.stats();
        }
    }

    /** Plain virtual threads on the JDK's default scheduler, with {@code java.util.concurrent}. */
    static final class Jdk extends Impl {
        Jdk(int procs) {
            super(procs);
            for (String p : List.of("parallelism", "maxPoolSize")) {
                String key = "jdk.virtualThreadScheduler." + p;
                String was = System.getProperty(key);
                if (was == null) {
                    System.setProperty(key, Integer.toString(procs)); // before the first virtual thread
                } else if (!was.equals(Integer.toString(procs))) {
                    throw new IllegalStateException("-D" + key + "=" + was + " but --procs " + procs);
                }
            }
            try {
                Thread.startVirtualThread(() -> {}).join(); // starts the JDK's scheduler
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            int p = ManagementFactory.getPlatformMXBean(jdk.management.VirtualThreadSchedulerMXBean.class).getParallelism();
            if (p != procs) {
                throw new IllegalStateException("the JDK scheduler runs " + p + " carriers, not " + procs);
            }
        }

        @Override
        Thread go(Runnable body) {
            return Thread.startVirtualThread(body);
        }

        @Override
        Group group(int n) {
            CountDownLatch latch = new CountDownLatch(n);
            return new Group() {
                @Override
                public void done() {
                    latch.countDown();
                }

                @Override
                public void await() {
                    try {
                        latch.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
        }

        @Override
        Gate gate() {
            CountDownLatch latch = new CountDownLatch(1);
            return new Gate() {
                @Override
                public boolean await() {
                    try {
                        latch.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return true;
                }

                @Override
                public void open() {
                    latch.countDown();
                }
            };
        }

        @Override
        <T> Pipes.Pipe<T> pipe(int capacity) {
            return Pipes.make(Pipes.QUEUE, capacity);
        }

        @Override
        void sleepMillis(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        void yieldNow() {
            Thread.yield();
        }

        @Override
        void blockingSleep(int micros) {
            Native.usleep(micros);
        }

        @Override
        boolean close(Duration timeout) {
            return true; // every workload joins its own threads
        }

        @Override
        String state() {
            var mx = ManagementFactory.getPlatformMXBean(jdk.management.VirtualThreadSchedulerMXBean.class);
            return "JDK scheduler: parallelism " + mx.getParallelism() + ", pool size " + mx.getPoolSize()
                    + ", mounted virtual threads " + mx.getMountedVirtualThreadCount() + ", queued "
                    + mx.getQueuedVirtualThreadCount();
        }
    }

    /** libc {@code usleep} through the FFM API; loaded only by {@code syscallmix}. */
    static final class Native {
        private static final MethodHandle USLEEP = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("usleep").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

        private Native() {}

        static int usleep(int micros) {
            int rc;
            try {
                rc = (int) USLEEP.invokeExact(micros);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            if (rc != 0) {
                throw new IllegalStateException("usleep(" + micros + ") returned " + rc);
            }
            return rc;
        }
    }

    // ---------------------------------------------------------------- shared work

    /** {@code units} rounds of Marsaglia's xorshift64 from a seed (the Go twin's {@code work}). */
    static long work(long seed, long units) {
        return SyscallMixBenchmark.work(seed, units);
    }

    /** splitmix64, for the {@code uneven} task sizes (the Go twin's generator). */
    static final class SplitMix64 {
        private long state;

        SplitMix64(long seed) {
            state = seed;
        }

        long next() {
            long z = (state += 0x9E3779B97F4A7C15L);
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        long below(long bound) {
            return Long.remainderUnsigned(next(), bound);
        }
    }

    static int[] unevenSizes(int tasks) {
        SplitMix64 r = new SplitMix64(42);
        int[] units = new int[tasks];
        for (int i = 0; i < tasks; i++) {
            units[i] = r.below(100) == 0 ? (int) (200_000 + r.below(800_000)) : (int) (200 + r.below(1_800));
        }
        return units;
    }

    /** Fails unless every slot is 1; then clears them for the next pass. */
    static void checkAllSet(Ctx ctx, byte[] slots, String what) {
        int missing = 0;
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != 1) {
                missing++;
            }
            slots[i] = 0;
        }
        ctx.check(missing == 0, what + ": " + missing + " of " + slots.length + " slots not set");
    }

    // ---------------------------------------------------------------- workloads

    private static final Integer[] SMALL = new Integer[128];

    static {
        for (int i = 0; i < SMALL.length; i++) {
            SMALL[i] = i; // Integer.valueOf's cache: the ping-pong measures the hand-off, not boxing
        }
    }

    static void pingpong(Ctx ctx) {
        int n = (int) ctx.o.nOr(200_000);
        double[] ns = passes(ctx, 3, 5, () -> {
            Pipes.Pipe<Integer> ping = ctx.impl.pipe(0);
            Pipes.Pipe<Integer> pong = ctx.impl.pipe(0);
            Group done = ctx.impl.group(2);
            long[] elapsed = new long[1];
            int[] bounced = new int[2];
            ctx.go(() -> {
                try {
                    long t0 = System.nanoTime();
                    int ok = 0;
                    for (int i = 0; i < n; i++) {
                        Integer v = SMALL[i & 127];
                        ping.send(v);
                        if (pong.recv() == v) {
                            ok++;
                        }
                    }
                    elapsed[0] = System.nanoTime() - t0;
                    bounced[0] = ok;
                } finally {
                    done.done();
                }
            });
            ctx.go(() -> {
                try {
                    int k = 0;
                    for (int i = 0; i < n; i++) {
                        pong.send(ping.recv());
                        k++;
                    }
                    bounced[1] = k;
                } finally {
                    done.done();
                }
            });
            done.await();
            ctx.check(bounced[0] == n && bounced[1] == n, "pingpong: " + bounced[0] + " values came back right, pong saw "
                    + bounced[1] + ", expected " + n);
            return elapsed[0] / (2.0 * n);
        });
        ctx.result("-", "ns_per_handoff", ns, n, null);
    }

    /** The turn of {@link #parkPingPong}, on an object of its own. */
    static final class Turn {
        volatile int turn;
        final Thread[] players = new Thread[2];
        final int[] turns = new int[2];
    }

    static void parkPingPong(Ctx ctx) {
        int n = (int) ctx.o.nOr(200_000);
        double[] ns = passes(ctx, 3, 5, () -> {
            Turn t = new Turn();
            CountDownLatch start = new CountDownLatch(1); // publishes players[]
            Group done = ctx.impl.group(2);
            long[] elapsed = new long[1];
            for (int p = 0; p < 2; p++) {
                int self = p;
                t.players[p] = ctx.go(() -> {
                    try {
                        start.await();
                        Thread other = t.players[1 - self];
                        long t0 = System.nanoTime();
                        int k = 0;
                        for (int i = 0; i < n; i++) {
                            while (t.turn != self) {
                                LockSupport.park(t);
                            }
                            t.turn = 1 - self;
                            LockSupport.unpark(other);
                            k++;
                        }
                        t.turns[self] = k;
                        if (self == 0) {
                            elapsed[0] = System.nanoTime() - t0;
                        }
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        done.done();
                    }
                });
            }
            start.countDown();
            done.await();
            ctx.check(t.turns[0] == n && t.turns[1] == n && t.turn == 0,
                    "parkpingpong: turns " + t.turns[0] + "/" + t.turns[1] + ", expected " + n + " each");
            return elapsed[0] / (2.0 * n);
        });
        ctx.result("-", "ns_per_handoff", ns, n, null);
    }

    static void fanout(Ctx ctx) {
        int n = (int) ctx.o.nOr(1_000_000);
        int capacity = ctx.o.capacity;
        Long[] items = new Long[n];
        long expected = 0;
        for (int i = 0; i < n; i++) {
            items[i] = (long) i + 1; // xorshift needs a non-zero value
            expected += FanOutFanInBenchmark.work(i + 1);
        }
        long expectedSum = expected;
        double[] rate = passes(ctx, 1, 3, () -> {
            Pipes.Pipe<Long> in = ctx.impl.pipe(capacity);
            Pipes.Pipe<Long> out = ctx.impl.pipe(capacity);
            AtomicInteger running = new AtomicInteger(FANOUT_WORKERS);
            Group done = ctx.impl.group(1);
            long[] got = new long[2];
            long t0 = System.nanoTime();
            ctx.go(() -> {
                for (int i = 0; i < n; i++) {
                    in.send(items[i]);
                }
                in.close(FANOUT_WORKERS);
            });
            for (int w = 0; w < FANOUT_WORKERS; w++) {
                ctx.go(() -> {
                    for (Long v; (v = in.recv()) != null; ) {
                        out.send(FanOutFanInBenchmark.work(v));
                    }
                    if (running.decrementAndGet() == 0) {
                        out.close(1);
                    }
                });
            }
            ctx.go(() -> {
                try {
                    long s = 0;
                    long k = 0;
                    for (Long v; (v = out.recv()) != null; ) {
                        s += v;
                        k++;
                    }
                    got[0] = k;
                    got[1] = s;
                } finally {
                    done.done();
                }
            });
            done.await();
            long elapsed = System.nanoTime() - t0;
            ctx.check(got[0] == n && got[1] == expectedSum, "fanout: collected " + got[0] + " items summing to "
                    + hex(got[1]) + ", expected " + n + " summing to " + hex(expectedSum));
            return n / (elapsed / 1e9);
        });
        ctx.result("cap" + capacity, "items_per_s", rate, n, hex(expectedSum));
    }

    static void spawn(Ctx ctx) {
        int n = (int) ctx.o.nOr(1_000_000);
        byte[] ran = new byte[n];
        double[] ns = passes(ctx, 2, 3, () -> {
            Group wg = ctx.impl.group(n);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                int id = i;
                ctx.impl.go(() -> {
                    ran[id] = 1;
                    wg.done();
                });
            }
            wg.await();
            long elapsed = System.nanoTime() - t0;
            checkAllSet(ctx, ran, "spawn");
            return elapsed / (double) n;
        });
        ctx.result("-", "ns_per_goroutine", ns, n, null);
    }

    static void wake(Ctx ctx) {
        int n = (int) ctx.o.nOr(1_000_000);
        byte[] woke = new byte[n];
        double[] ms = passes(ctx, 1, 2, () -> {
            Gate gate = ctx.impl.gate();
            Group started = ctx.impl.group(n);
            Group finished = ctx.impl.group(n);
            for (int i = 0; i < n; i++) {
                int id = i;
                ctx.impl.go(() -> {
                    started.done();
                    if (gate.await()) {
                        woke[id] = 1;
                    }
                    finished.done();
                });
            }
            // Every goroutine has counted itself; all but the few still running (at most one
            // per processor) are parked in the receive.
            started.await();
            long t0 = System.nanoTime();
            gate.open();
            finished.await();
            long elapsed = System.nanoTime() - t0;
            checkAllSet(ctx, woke, "wake");
            return elapsed / 1e6;
        });
        ctx.result("-", "ms_wake", ms, n, null);
    }

    /** Resident set size of this process, from {@code VmRSS} in {@code /proc/self/status}. */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status", e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    static long[] settledMemory(Ctx ctx) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        ctx.impl.sleepMillis(200); // the collector may give memory back after the pause
        return new long[] {rssBytes(), ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()};
    }

    /** Starts {@code n} parked goroutines, measures around them if asked, releases and joins them. */
    static double[] parkedRound(Ctx ctx, int n, boolean measure) {
        Thread[] threads = new Thread[n]; // allocated before the baseline: not counted
        Group started = ctx.impl.group(n);
        Group finished = ctx.impl.group(n);
        Gate gate = ctx.impl instanceof Gmp ? ctx.impl.gate() : null;
        Turn released = new Turn(); // jdk: turn 1 = released; the threads park bare
        byte[] woke = new byte[n];
        long[] before = measure ? settledMemory(ctx) : null;
        for (int i = 0; i < n; i++) {
            int id = i;
            threads[i] = ctx.impl.go(gate != null ? () -> {
                started.done();
                if (gate.await()) {
                    woke[id] = 1;
                }
                finished.done();
            } : () -> {
                started.done();
                while (released.turn == 0) {
                    LockSupport.park();
                }
                woke[id] = 1;
                finished.done();
            });
        }
        started.await();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (Thread t : threads) {
            while (t.getState() != Thread.State.WAITING) { // really parked (unmounted), not just counted
                ctx.check(System.nanoTime() - deadline < 0, "parkedmem: " + t + " did not park within 60 s");
                ctx.impl.yieldNow();
            }
        }
        long[] after = measure ? settledMemory(ctx) : null;
        if (gate != null) {
            gate.open();
        } else {
            released.turn = 1;
            for (Thread t : threads) {
                LockSupport.unpark(t);
            }
        }
        finished.await();
        checkAllSet(ctx, woke, "parkedmem");
        return measure ? new double[] {(after[0] - before[0]) / (double) n, (after[1] - before[1]) / (double) n} : null;
    }

    static void parkedMem(Ctx ctx) {
        int n = (int) ctx.o.nOr(100_000);
        for (int w = 0; w < ctx.o.warmupOr(1); w++) {
            parkedRound(ctx, Math.max(1, n / 10), false);
        }
        double[] perG = parkedRound(ctx, n, true);
        ctx.result("-", "bytes_rss_per_goroutine", new double[] {perG[0]}, n, null);
        ctx.result("-", "bytes_live_per_goroutine", new double[] {perG[1]}, n, null);
    }

    static void uneven(Ctx ctx) {
        int n = (int) ctx.o.nOr(10_000);
        int[] units = unevenSizes(n);
        long[] results = new long[n];
        int procs = ctx.o.procs;
        long[] expected = new long[1];
        long[] seq = {Long.MAX_VALUE};
        Runnable sequential = () -> {
            long t0 = System.nanoTime();
            long s = 0;
            for (int i = 0; i < n; i++) {
                s += work(i + 1, units[i]);
            }
            seq[0] = Math.min(seq[0], System.nanoTime() - t0);
            expected[0] = s;
        };
        sequential.run(); // the expected sum, and the loop compiled before the parallel warm-up
        long want = expected[0];
        int warmup = ctx.o.warmupOr(3);
        int measured = ctx.o.passesOr(5);
        long[] makespans = new long[measured];
        for (int pass = 0; pass < warmup + measured; pass++) {
            if (pass == warmup) {
                seq[0] = Long.MAX_VALUE;
                for (int r = 0; r < 3; r++) {
                    sequential.run();
                    ctx.check(expected[0] == want, "uneven: the sequential sum changed");
                }
            }
            Group wg = ctx.impl.group(n);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                int id = i;
                ctx.impl.go(() -> {
                    results[id] = work(id + 1, units[id]);
                    wg.done();
                });
            }
            wg.await();
            long makespan = System.nanoTime() - t0;
            long s = 0;
            for (int i = 0; i < n; i++) {
                s += results[i];
                results[i] = 0;
            }
            ctx.check(s == want, "uneven: tasks sum to " + hex(s) + ", expected " + hex(want));
            if (pass >= warmup) {
                makespans[pass - warmup] = makespan;
            }
        }
        double[] eff = new double[measured];
        double[] span = new double[measured];
        for (int i = 0; i < measured; i++) {
            span[i] = makespans[i] / 1e6;
            eff[i] = 100.0 * seq[0] / ((double) makespans[i] * procs);
        }
        ctx.result("-", "efficiency_pct", eff, n, hex(want));
        ctx.result("-", "makespan_ms", span, n, null);
        ctx.result("-", "seq_ms", new double[] {seq[0] / 1e6}, n, null);
    }

    static void syscallMix(Ctx ctx) {
        long units = ctx.o.nOr(250_000_000L);
        int calls = ctx.o.calls;
        long[] expected = new long[MIX_CPU_GOROUTINES];
        for (int i = 0; i < MIX_CPU_GOROUTINES; i++) {
            expected[i] = -1;
        }
        int warmup = ctx.o.warmupOr(1);
        int measured = ctx.o.passesOr(3);
        double[] delay = new double[measured];
        double[] blocking = new double[measured];
        for (int pass = 0; pass < warmup + measured; pass++) {
            double alone = mixRound(ctx, units, 0, calls, expected)[0];
            double[] mix = mixRound(ctx, units, MIX_BLOCKING_GOROUTINES, calls, expected);
            if (pass >= warmup) {
                delay[pass - warmup] = mix[0] / alone;
                blocking[pass - warmup] = mix[1];
            }
        }
        ctx.result("-", "cpu_delay", delay, units, hex(expected[0] ^ expected[1]));
        ctx.result("-", "blocking_ms", blocking, units, null);
    }

    /** One run of the CPU goroutines with {@code blockers} blocking ones: {cpu ms, blocking ms}. */
    static double[] mixRound(Ctx ctx, long units, int blockers, int calls, long[] expected) {
        long[] cpuEnd = new long[MIX_CPU_GOROUTINES];
        long[] cpuResult = new long[MIX_CPU_GOROUTINES];
        long[] blockingEnd = new long[blockers];
        AtomicInteger callsMade = new AtomicInteger();
        Group wg = ctx.impl.group(MIX_CPU_GOROUTINES + blockers);
        long t0 = System.nanoTime();
        for (int i = 0; i < MIX_CPU_GOROUTINES; i++) {
            int id = i;
            ctx.go(() -> {
                try {
                    cpuResult[id] = work(id + 1, units);
                    cpuEnd[id] = System.nanoTime();
                } finally {
                    wg.done();
                }
            });
        }
        for (int i = 0; i < blockers; i++) {
            int id = i;
            ctx.go(() -> {
                try {
                    for (int c = 0; c < calls; c++) {
                        ctx.impl.blockingSleep(MIX_SLEEP_MICROS);
                        callsMade.incrementAndGet();
                    }
                    blockingEnd[id] = System.nanoTime();
                } finally {
                    wg.done();
                }
            });
        }
        wg.await();
        for (int i = 0; i < MIX_CPU_GOROUTINES; i++) {
            if (expected[i] == -1) {
                expected[i] = cpuResult[i];
            }
            ctx.check(cpuResult[i] == expected[i], "syscallmix: CPU goroutine " + i + " computed " + hex(cpuResult[i]));
        }
        ctx.check(callsMade.get() == blockers * calls, "syscallmix: " + callsMade.get() + " blocking calls, expected "
                + blockers * calls);
        long cpu = 0;
        for (long e : cpuEnd) {
            cpu = Math.max(cpu, e - t0);
        }
        long blk = 0;
        for (long e : blockingEnd) {
            blk = Math.max(blk, e - t0);
        }
        return new double[] {cpu / 1e6, blk / 1e6};
    }

    /** A pass of a workload: its measured value. */
    interface Pass {
        double run() throws Exception;
    }

    /** Runs {@code warmup} passes then {@code measured} ones (or as the options say); returns the measured values. */
    static double[] passes(Ctx ctx, int warmup, int measured, Pass pass) {
        int w = ctx.o.warmupOr(warmup);
        int m = ctx.o.passesOr(measured);
        double[] values = new double[m];
        try {
            for (int i = 0; i < w; i++) {
                pass.run();
            }
            for (int i = 0; i < m; i++) {
                values[i] = pass.run();
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return values;
    }
}
