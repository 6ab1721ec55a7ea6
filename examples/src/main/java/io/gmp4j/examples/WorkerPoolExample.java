package io.gmp4j.examples;

import io.gmp4j.patterns.WorkerPool;
import io.gmp4j.runtime.Go;
import io.gmp4j.runtime.GoRuntime;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Worker pool: 10 jobs, 3 workers (Go by Example's "Worker Pools"). Each worker takes a job,
 * "works" 10 ms on a runtime timer, and sends back job × 2; the main goroutine collects 10
 * results. Run: {@code ./gmp4j example WorkerPoolExample}.
 */
public final class WorkerPoolExample {
    private WorkerPoolExample() {}

    /** Runs the example; returns the sum of the results (2 + 4 + … + 20 = 110). */
    static long run(PrintStream out) throws Exception {
        CompletableFuture<Long> result = new CompletableFuture<>();
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            rt.go(() -> {
                WorkerPool<Integer, Integer> pool = WorkerPool.start(3, 10, (ctx, job) -> {
                    Go.sleep(Duration.ofMillis(10));
                    return job * 2;
                });
                for (int j = 1; j <= 10; j++) {
                    pool.submit(j);
                }
                pool.shutdown(); // close(jobs)
                long sum = 0;
                for (WorkerPool.Outcome<Integer, Integer> o : pool.results()) {
                    out.println("worker " + (o.worker() + 1) + " finished job " + o.input() + " -> " + o.value());
                    sum += o.value();
                }
                result.complete(sum);
            });
            long sum = result.get(30, TimeUnit.SECONDS);
            out.println("sum of results: " + sum);
            return sum;
        }
    }

    /**
     * Entry point.
     *
     * @param args ignored
     * @throws Exception if the example fails
     */
    public static void main(String[] args) throws Exception {
        Examples.check(run(System.out) == 110);
    }
}
