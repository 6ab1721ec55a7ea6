package io.gmp4j.examples;

import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.runtime.RuntimeStats;
import io.gmp4j.runtime.spi.SchedulerStats;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import static io.gmp4j.runtime.Go.go;
import static io.gmp4j.runtime.Go.gosched;

/**
 * The scheduler tour: one goroutine spawns many goroutines of very uneven cost on the G/P/M
 * scheduler, while a tracer prints Go's {@code schedtrace} line; then a summary from
 * {@link RuntimeStats} shows how the work spread over the processors (schedule ticks, steals,
 * machines).
 *
 * <p>Options: {@code --scheduler gmp|fifo|jdk} (default gmp), {@code --goroutines N} (default
 * 100000), {@code --procs N} (default: available processors), {@code --trace-ms N} (default
 * 100).
 */
public final class SchedulerTour {
    private SchedulerTour() {}

    /**
     * Runs the tour.
     *
     * @param args the options above
     * @throws InterruptedException if interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println("usage: ./gmp4j tour [--scheduler gmp|fifo|jdk|NAME] [--goroutines N] [--procs N] "
                    + "[--trace-ms N]");
            return;
        }
        boolean ok;
        try {
            ok = run(Options.parse(args), System.out);
        } catch (IllegalArgumentException e) { // a bad option or scheduler name: one line, no stack
            System.err.println("gmp4j tour: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (!ok) {
            System.exit(1);
        }
    }

    /** Parsed command line. */
    record Options(String scheduler, int goroutines, int procs, long traceMillis) {
        static Options parse(String[] args) {
            String scheduler = "gmp";
            int goroutines = 100_000;
            int procs = Runtime.getRuntime().availableProcessors();
            long trace = 100;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + ": missing value (options: --scheduler NAME, "
                            + "--goroutines N, --procs N, --trace-ms N)");
                }
                String v = args[++i];
                switch (a) {
                    case "--scheduler" -> scheduler = v;
                    case "--goroutines" -> goroutines = positive(a, v);
                    case "--procs" -> procs = positive(a, v);
                    case "--trace-ms" -> trace = positive(a, v);
                    default -> throw new IllegalArgumentException("unknown option " + a
                            + " (options: --scheduler NAME, --goroutines N, --procs N, --trace-ms N)");
                }
            }
            return new Options(scheduler, goroutines, procs, trace);
        }

        private static int positive(String option, String value) {
            try {
                int n = Integer.parseInt(value);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalArgumentException(option + ": '" + value + "' (expected: an integer >= 1)");
        }
    }

    /** Work of goroutine {@code i}: mostly small, every 10th 10x, every 1000th 500x. */
    static int cost(int i) {
        if (i % 1000 == 0) {
            return 20_000;
        }
        if (i % 10 == 0) {
            return 400;
        }
        return 40;
    }

    /** A few nanoseconds of real arithmetic per unit, with a result nobody can skip. */
    static long work(int i, int units) {
        long x = i * 0x9E3779B97F4A7C15L + 1;
        for (int k = 0; k < units; k++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x & 0xFFFF;
    }

    static boolean run(Options o, PrintStream out) throws InterruptedException {
        out.printf("gmp4j scheduler tour: %,d goroutines of uneven work spawned from one goroutine%n", o.goroutines);
        LongAdder sum = new LongAdder();
        CountDownLatch done = new CountDownLatch(o.goroutines);
        long start;
        try (GoRuntime rt = GoRuntime.builder().scheduler(o.scheduler).maxProcs(o.procs).build()) {
            out.printf("runtime: %s scheduler, maxProcs=%d%n", rt.schedulerName(), rt.maxProcs());
            Thread tracer = Thread.ofPlatform().daemon().name("tour-schedtrace").start(() -> {
                try {
                    while (!done.await(o.traceMillis, TimeUnit.MILLISECONDS)) {
                        out.println(rt.schedtrace());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            out.println(rt.schedtrace());
            start = System.nanoTime();
            rt.go(() -> {
                for (int i = 0; i < o.goroutines; i++) {
                    int id = i;
                    go(() -> {
                        int units = cost(id);
                        // the big ones yield half-way, as a Go loop with a function call would be preempted
                        long r = work(id, units / 2);
                        if (units > 1000) {
                            gosched();
                        }
                        r += work(id + 1, units - units / 2);
                        sum.add(r);
                        done.countDown();
                    });
                }
            });
            done.await();
            long elapsed = System.nanoTime() - start;
            tracer.join();
            // the last goroutines counted down just before returning: let them finish
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (rt.numGoroutine() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            out.println(rt.schedtrace());
            RuntimeStats s = rt.stats();
            out.printf("%nall %,d goroutines finished in %,d ms%n", o.goroutines, elapsed / 1_000_000);
            summary(s, out);
        }
        long expected = 0;
        for (int i = 0; i < o.goroutines; i++) {
            int units = cost(i);
            expected += work(i, units / 2) + work(i + 1, units - units / 2);
        }
        boolean ok = expected == sum.sum();
        out.println(ok ? "checksum: ok (every goroutine ran exactly once)"
                : "checksum: MISMATCH expected " + expected + " got " + sum.sum());
        return ok;
    }

    static void summary(RuntimeStats s, PrintStream out) {
        out.printf("goroutines created: %,d  exited: %,d  alive: %,d%n",
                s.goroutinesCreated(), s.goroutinesExited(), s.goroutines());
        out.printf("steals: %s  machines: %d (spinning %s, idle %d)  global run queue: %d%n",
                s.steals() < 0 ? "n/a" : String.format("%,d", s.steals()), s.threads(),
                s.spinningThreads() < 0 ? "n/a" : Integer.toString(s.spinningThreads()), s.idleThreads(),
                s.globalRunQueue());
        long total = s.totalSchedTicks();
        for (SchedulerStats.Processor p : s.processors()) {
            out.printf("  P%d: schedtick=%,d (%.1f%%) steals=%,d status=%s%n", p.id(), p.schedTick(),
                    total == 0 ? 0.0 : 100.0 * p.schedTick() / total, p.steals(), p.status());
        }
    }
}
