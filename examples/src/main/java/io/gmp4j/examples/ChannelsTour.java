package io.gmp4j.examples;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.runtime.Select;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.gmp4j.runtime.Go.go;
import static io.gmp4j.runtime.Go.sleep;

/**
 * The README's quick start, runnable: a producer feeds a buffered channel, a worker squares
 * what it reads ({@code for j := range jobs}) into an unbuffered channel, and the main
 * goroutine collects with a select that also watches a context deadline, then sleeps on a
 * per-processor timer.
 */
public final class ChannelsTour {
    private ChannelsTour() {}

    /** Runs the tour on {@code scheduler}; returns the sum of squares it collected. */
    static long run(String scheduler, PrintStream out) throws Exception {
        CompletableFuture<Long> result = new CompletableFuture<>();
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).scheduler(scheduler).build()) {
            rt.go(() -> {
                try {
                    Chan<Integer> jobs = Chan.make(16);              // make(chan int, 16)
                    Chan<Integer> results = Chan.make();             // make(chan int)
                    go(() -> {                                       // same runtime, into runnext
                        for (Integer j : jobs) results.send(j * j);  // for j := range jobs
                        results.close();
                    });
                    go(() -> { for (int i = 0; i < 100; i++) jobs.send(i); jobs.close(); });

                    Context ctx = Context.withTimeout(Context.background(), Duration.ofSeconds(10));
                    long[] sum = {0};
                    boolean[] open = {true};
                    while (open[0]) {
                        Select.builder()
                              .recv(results, r -> { if (r == null) open[0] = false; else sum[0] += r; })
                              .recv(ctx.done(), x -> ctx.throwIfDone())   // DEADLINE_EXCEEDED, with a stack
                              .run();
                    }
                    ctx.cancel();                                    // releases the context's timer
                    sleep(Duration.ofMillis(10));                    // a timer; no thread held
                    result.complete(sum[0]);
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
            long sum = result.get(30, TimeUnit.SECONDS);
            out.println("runtime: " + rt.schedulerName() + ", sum of squares 0..99 = " + sum);
            return sum;
        }
    }

    /**
     * Entry point.
     *
     * @param args optional scheduler name ({@code gmp}, {@code fifo} or {@code jdk})
     * @throws Exception if the tour fails
     */
    public static void main(String[] args) throws Exception {
        long sum = run(args.length > 0 ? args[0] : "gmp", System.out);
        System.out.println(sum == 328_350 ? "checksum: ok" : "checksum: WRONG");
        if (sum != 328_350) {
            System.exit(1);
        }
    }
}
