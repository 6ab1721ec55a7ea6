package io.gmp4j.soak;

import io.gmp4j.netpoll.Conn;
import io.gmp4j.netpoll.Listener;
import io.gmp4j.netpoll.Net;
import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.runtime.RuntimeStats;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

/**
 * One soak run: the plan of phases, the process-wide checks around them (descriptors, heap,
 * runtime threads, uncaught throwables anywhere, runtime error logs), the watchdog, and the
 * verdict.
 *
 * <h2>Implementation notes</h2>
 * Baselines are taken after a prelude — a small runtime that starts a goroutine and makes one
 * loopback connection, then closes — so that what any process pays once (the JDK's poller
 * threads and descriptors, jars opened by class loading) is not taken for a leak. The heap
 * baseline is taken after the first round of phases (one per scheduler), for the same reason on
 * a larger scale: the first round fills the JDK's heap caches once (method handles and lambda
 * forms, thread-container registries, and on {@code jdk} the ForkJoinPool's work-queue arrays,
 * grown by a 150,000-task burst and never shrunk: 2 MB after the prelude, 6-8 MB after it).
 */
final class SoakRun {
    /**
     * How far the heap after GC may end above its baseline (taken once every scheduler has run a
     * phase, or after the prelude in a run of one round). Measured here: the baseline is 7-8 MB
     * and a 10-minute run ends within 1.5 MB of it, drifting with JDK caches and G1's
     * region-granular accounting. 16 MB is ten times that drift, and far below what a leak that
     * matters would leave: one retained 16-byte object per goroutine started is 80 MB after a
     * 60 s run (five million goroutines); one 300-byte object per connection, 24 MB after 10 minutes.
     */
    static final long HEAP_TOLERANCE = 16L << 20;
    /** Descriptors the run may end with above its baseline (none is expected). */
    static final int FD_TOLERANCE = 2;

    final Options options;
    final PrintStream out;
    final Counters totals = new Counters();
    final Watchdog watchdog;
    private final List<String> failures = new ArrayList<>();
    private volatile boolean failed;
    private final AtomicInteger reports = new AtomicInteger();
    final AtomicLong unexpected = new AtomicLong();
    final AtomicLong errorLogs = new AtomicLong();
    private long handoffs;
    private long burstHandoffs;
    private long preemptRequests;
    private int phasesRun;
    final long startNanos = System.nanoTime();

    SoakRun(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.watchdog = new Watchdog(this);
    }

    boolean failed() {
        return failed;
    }

    /** Records a failure; the first one is the run's verdict. Safe from any thread. */
    void fail(String reason) {
        synchronized (failures) {
            failures.add(reason);
            failed = true;
            if (failures.size() <= 20) {
                out.println("soak: FAILURE: " + reason);
            }
        }
    }

    /** A throwable nobody injected reached a handler (or escaped the soak's own code). */
    void unexpected(Thread t, Throwable e) {
        unexpected.incrementAndGet();
        java.io.StringWriter sw = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(sw));
        fail("unexpected throwable in " + t + ": " + sw.toString().stripTrailing());
    }

    /** Prints the scheduler's detail, a grouped goroutine dump, and writes the full dump to a file. */
    void report(Phase phase, String why) {
        int n = reports.incrementAndGet();
        if (n > 3) {
            return;
        }
        GoRuntime rt = phase.rt;
        StringBuilder dump = new StringBuilder();
        String detail;
        try {
            detail = rt.schedtraceDetail();
            rt.dumpGoroutines(dump);
        } catch (RuntimeException | Error e) {
            detail = "(schedtraceDetail failed: " + e + ")";
        }
        String poller = rt.pollerIfCreated().map(Object::toString).orElse("(no poller)");
        String name = "gmp4j-soak-" + options.seed() + "-phase" + (phase.index + 1) + "-" + n + ".txt";
        String full = "soak: " + why + " in " + phase.label() + ", seed " + options.seed() + "\n\n" + detail
                + "\n\n" + poller + "\n\n" + dump + "\nruntime threads:\n" + Diag.runtimeThreadStacks();
        Path file = null;
        try {
            file = Phase.writeFile(name, full);
        } catch (RuntimeException e) {
            out.println("soak: cannot write the dump file: " + e);
        }
        synchronized (failures) {
            out.println("soak: ---- " + why + ": " + phase.label() + ", seed " + options.seed());
            out.println("soak: schedtrace every 20 ms before this report:");
            out.print(watchdog.recentTraces());
            out.println(detail);
            out.println("soak: poller: " + poller);
            out.println("soak: goroutines grouped by stack (" + rt.numGoroutine() + " alive):");
            out.print(Diag.groupDump(dump.toString(), 25));
            out.println("soak: full dump, schedtrace and runtime thread stacks: " + file);
            out.println("soak: ----");
        }
    }

    /** How late the latest deadline or timer was noticed (wall clock, microseconds). */
    private final java.util.concurrent.atomic.LongAccumulator latestMicros =
            new java.util.concurrent.atomic.LongAccumulator(Math::max, 0);

    /** Records how long after its deadline a timeout or timer was seen by its goroutine. */
    void noteLateness(Phase phase, Duration late) {
        long micros = Math.max(0, late.toNanos() / 1000);
        latestMicros.accumulate(micros);
        phase.latestMicros.accumulate(micros);
    }

    /** Hand-offs the monitor made while a spawn burst ran (gmp): the burst's spawner was retaken mid-spawn. */
    void noteBurstHandoffs(long n) {
        synchronized (this) {
            burstHandoffs += Math.max(0, n);
        }
    }

    void noteHandoffs(RuntimeStats st) {
        handoffs += Math.max(0, st.handoffs());
        preemptRequests += Math.max(0, st.preemptRequests());
    }

    /** Runs the whole soak and prints the verdict as the last line; true if everything checked out. */
    boolean run() {
        out.printf("soak: seed %d (reproduce the plan with --seed %d), %d s on %s, stall limit %d ms%n",
                options.seed(), options.seed(), options.seconds(), String.join(",", options.schedulers()),
                options.stallMillis());
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler(this::unexpected);
        Logger root = Logger.getLogger("");
        Handler logWatch = new LogWatch();
        root.addHandler(logWatch);
        watchdog.start();
        try {
            runPhases();
        } catch (RuntimeException | Error e) {
            unexpected(Thread.currentThread(), e);
        } finally {
            watchdog.stop();
            root.removeHandler(logWatch);
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
        long secs = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
        if (failed) {
            String first;
            synchronized (failures) {
                first = failures.getFirst();
            }
            int nl = first.indexOf('\n');
            out.printf("soak: FAILED after %d s, seed %d, %d failure(s); first: %s%n", secs, options.seed(),
                    failures.size(), nl < 0 ? first : first.substring(0, nl));
            return false;
        }
        out.printf("soak: ok (seed %d, %d s of workload in %d phases on %s, %d s in all: goroutines %,d started/%,d ended, %,d in bursts; "
                        + "values %,d sent/%,d received; connections %,d, bytes checked %,d, resets %,d, "
                        + "timeouts %,d; syscalls %,d; contexts %,d; timer fires %,d; thrown %,d/%,d handled; "
                        + "dumps %,d, stack traces %,d; handoffs %,d (%,d during bursts), preempt requests %,d; stalls 0; "
                        + "latest timer or deadline seen %d ms after it; watchdog pauses %d (max %d ms))%n",
                options.seed(), options.seconds(), phasesRun, String.join(",", options.schedulers()), secs,
                totals.get(Counter.GOROUTINES_STARTED), totals.get(Counter.GOROUTINES_ENDED),
                totals.get(Counter.BURST_GOROUTINES), totals.get(Counter.VALUES_SENT),
                totals.get(Counter.VALUES_RECEIVED), totals.get(Counter.CONNS), totals.get(Counter.CONN_BYTES),
                totals.get(Counter.CONN_RESETS), totals.get(Counter.CONN_TIMEOUTS), totals.get(Counter.SYSCALLS),
                totals.get(Counter.CONTEXTS), totals.get(Counter.TIMER_FIRES), totals.get(Counter.THROWN),
                totals.get(Counter.THROWN_HANDLED), totals.get(Counter.DUMPS), totals.get(Counter.STACK_TRACES),
                handoffs, burstHandoffs, preemptRequests, latestMicros.get() / 1000, watchdog.pauses(), watchdog.maxPauseMillis());
        return true;
    }

    private void runPhases() {
        prelude();
        long fds0 = Diag.openFds();
        TreeSet<String> threads0 = Diag.runtimeThreads();
        long heap0 = Diag.heapAfterGc();
        out.printf("soak: baseline after the prelude: %d descriptors, heap %,d KB after GC, runtime threads %s%n",
                fds0, heap0 >> 10, threads0);

        List<String> scheds = options.schedulers();
        long total = TimeUnit.SECONDS.toNanos(options.seconds());
        int n = (int) Math.max(scheds.size(), (options.seconds() + options.phaseSeconds() - 1) / options.phaseSeconds());
        RandomGenerator plan = Diag.rng(options.seed());
        long heapRound = -1;
        for (int i = 0; i < n && !failed; i++) {
            long duration = total / n + (i == n - 1 ? total % n : 0);
            int procs = switch (plan.nextInt(5)) {
                case 0 -> 1;
                case 4 -> 4;
                default -> 2;
            };
            Phase phase = new Phase(this, i, n, scheds.get(i % scheds.size()), procs, plan.nextLong(), duration);
            phase.run();
            phasesRun++;
            if (i == scheds.size() - 1 && n > scheds.size() && !failed) {
                heapRound = Diag.heapAfterGc(); // every scheduler has run once: one-time growth is behind us
            }
        }
        if (failed) {
            return;
        }
        long fds = Diag.openFds();
        if (fds0 >= 0 && fds > fds0 + FD_TOLERANCE) {
            fail("file descriptors: " + fds + " open at the end, " + fds0 + " at the start (tolerance "
                    + FD_TOLERANCE + "):\n  " + String.join("\n  ", Diag.fdTargets()));
        }
        TreeSet<String> threads = Diag.runtimeThreads();
        if (!threads0.containsAll(threads)) {
            fail("runtime threads alive at the end: " + threads + " (at the start: " + threads0 + ")\n"
                    + Diag.runtimeThreadStacks());
        }
        long heap = Diag.heapAfterGc();
        long base = heapRound >= 0 ? heapRound : heap0;
        out.printf("soak: heap after GC: %,d KB after the prelude, %s, %,d KB at the end (limit: %,d KB + %,d KB)%n",
                heap0 >> 10, heapRound >= 0 ? String.format("%,d KB after the first round of schedulers",
                        heapRound >> 10) : "no second round", heap >> 10, base >> 10, HEAP_TOLERANCE >> 10);
        if (heap > base + HEAP_TOLERANCE) {
            fail("heap after GC grew from " + (base >> 10) + " KB to " + (heap >> 10) + " KB (tolerance "
                    + (HEAP_TOLERANCE >> 10) + " KB)");
        }
        out.printf("soak: descriptors %d at the end (%d at the start), runtime threads at the end %s%n", fds, fds0,
                threads);
        if (unexpected.get() != 0) {
            fail(unexpected.get() + " unexpected throwable(s)");
        }
        if (errorLogs.get() != 0) {
            fail(errorLogs.get() + " warning/error log record(s) from gmp4j");
        }
    }

    /**
     * Builds and closes a small gmp runtime that starts a goroutine and makes one loopback
     * connection, so that one-time costs (the JDK's poller, classes, jars) precede the baselines.
     */
    private void prelude() {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            rt.go(() -> {
                try (Listener ln = Net.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                     Conn c = Net.dial(ln.address(), Duration.ofSeconds(5));
                     Conn s = ln.accept()) {
                    c.write(ByteBuffer.wrap(new byte[] {42}));
                    ByteBuffer b = ByteBuffer.allocate(1);
                    if (s.read(b) != 1 || b.get(0) != 42) {
                        throw new IllegalStateException("the prelude's byte did not arrive");
                    }
                    done.complete(null);
                } catch (Throwable t) {
                    done.completeExceptionally(t);
                }
            });
            done.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            fail("prelude: a goroutine and one loopback connection failed: " + e);
        }
    }

    /** Counts warning and error records of gmp4j's loggers (loop-level catches log what they caught). */
    private final class LogWatch extends Handler {
        @Override
        public void publish(LogRecord r) {
            String name = r.getLoggerName();
            if (name != null && name.startsWith("io.gmp4j") && r.getLevel().intValue() >= Level.WARNING.intValue()) {
                errorLogs.incrementAndGet();
                fail("gmp4j logged " + r.getLevel() + " " + name + ": " + r.getMessage()
                        + (r.getThrown() == null ? "" : " (" + r.getThrown() + ")"));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
