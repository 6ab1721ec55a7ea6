package io.gmp4j.examples;

import java.io.PrintStream;
import java.util.List;

/**
 * Runs the six pattern examples one after another ({@code ./gmp4j tour patterns}): worker
 * pool, semaphore, pipeline, fan-out/fan-in, errgroup, singleflight. Ends with
 * {@code checksum: ok} when every one produced its expected result.
 */
public final class PatternsTour {
    private PatternsTour() {}

    /** Runs every example, printing a header before each; returns whether all checked out. */
    static boolean run(PrintStream out) throws Exception {
        boolean ok = true;
        out.println("== worker pool: 10 jobs, 3 workers");
        ok &= WorkerPoolExample.run(out) == 110;
        out.println("== semaphore: 10 goroutines, 3 at a time");
        int peak = SemaphoreExample.run(out);
        ok &= peak >= 1 && peak <= 3;
        out.println("== pipeline: gen -> sq");
        ok &= PipelineExample.run(out).equals(List.of(1, 4, 9, 16, 25));
        out.println("== fan-out/fan-in: 5 jobs, 3 workers");
        ok &= FanOutFanInExample.run(out) == 55;
        out.println("== errgroup: one succeeds, one fails, one is cancelled");
        ok &= ErrGroupExample.run(out).endsWith("error=task 2: orders service unavailable");
        out.println("== singleflight: 5 callers, one execution");
        ok &= SingleflightExample.run(out) == 1;
        return ok;
    }

    /**
     * Entry point.
     *
     * @param args ignored
     * @throws Exception if an example fails
     */
    public static void main(String[] args) throws Exception {
        Examples.check(run(System.out));
    }
}
