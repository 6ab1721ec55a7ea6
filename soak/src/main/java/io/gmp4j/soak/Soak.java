package io.gmp4j.soak;

import java.io.PrintStream;

/**
 * gmp4j's soak test: {@code ./gmp4j soak [--minutes N] [--seconds N] [--seed S]
 * [--schedulers gmp,fifo,jdk]}.
 *
 * <p>Runs a mixed workload with fault injection in phases, each on a fresh runtime, rotating
 * through the schedulers: spawn bursts of 100,000+ goroutines from goroutines that never block
 * (the system monitor retires their processors mid-spawn), CPU hogs that never yield,
 * {@code Go.syscall} storms, channel and select traffic with random closes, context trees and
 * timers reset and stopped, loopback TCP connections that are reset or time out mid-read,
 * goroutines that throw, and stack traces and goroutine dumps taken meanwhile. It checks that
 * every value sent is received exactly once, every goroutine started ends,
 * {@code numGoroutine()} returns to its start, no descriptor, thread or heap leaks, no throwable
 * escapes unexpectedly, the system monitor stays healthy, nothing stalls for more than a second,
 * and every runtime closes in bounded time. The last line is {@code soak: ok (...)} and the exit
 * status 0 only if everything checked out; otherwise {@code soak: FAILED ...} and status 1.
 */
public final class Soak {
    private Soak() {}

    /**
     * The command line entry point.
     *
     * @param args see {@link Options#parse}
     */
    public static void main(String[] args) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("soak: " + e.getMessage());
            System.exit(2);
            return;
        }
        boolean ok = run(o, System.out);
        System.out.flush();
        System.exit(ok ? 0 : 1);
    }

    /**
     * Runs the soak and prints its progress and verdict to {@code out}.
     *
     * @param options what to run
     * @param out     where the lines go; the last is {@code soak: ok (...)} or {@code soak: FAILED ...}
     * @return whether everything checked out
     */
    public static boolean run(Options options, PrintStream out) {
        return new SoakRun(options, out).run();
    }
}
