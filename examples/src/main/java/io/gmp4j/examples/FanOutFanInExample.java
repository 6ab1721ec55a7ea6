package io.gmp4j.examples;

import io.gmp4j.patterns.FanIn;
import io.gmp4j.patterns.FanOut;
import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.Go;
import io.gmp4j.runtime.GoRuntime;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fan-out/fan-in: 5 jobs read by 3 workers (each with its own output channel), merged back
 * into one channel. Run: {@code ./gmp4j example FanOutFanInExample}.
 */
public final class FanOutFanInExample {
    private FanOutFanInExample() {}

    /** Runs the example; returns the sum of the squares of 1…5 (55). */
    static long run(PrintStream out) throws Exception {
        CompletableFuture<Long> result = new CompletableFuture<>();
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            rt.go(() -> {
                Chan<Integer> jobs = Chan.make();
                Go.go(() -> {
                    for (int j = 1; j <= 5; j++) {
                        jobs.send(j);
                    }
                    jobs.close();
                });
                List<Chan<String>> workers = FanOut.distribute(Context.background(), jobs, 3,
                        j -> j + " squared is " + j * j);
                long sum = 0;
                for (String line : FanIn.merge(Context.background(), workers)) {
                    out.println(line);
                    int j = Integer.parseInt(line.substring(0, line.indexOf(' ')));
                    sum += (long) j * j;
                }
                result.complete(sum);
            });
            long sum = result.get(30, TimeUnit.SECONDS);
            out.println("sum: " + sum);
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
        Examples.check(run(System.out) == 55);
    }
}
