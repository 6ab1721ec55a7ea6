package io.gmp4j.examples;

import io.gmp4j.patterns.Singleflight;
import io.gmp4j.patterns.WaitGroup;
import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Go;
import io.gmp4j.runtime.GoRuntime;

import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * singleflight: 5 goroutines ask for the same key while the slow lookup is in flight; it runs
 * once and all five get its result ({@code shared = true}). Run: {@code ./gmp4j example SingleflightExample}.
 */
public final class SingleflightExample {
    private SingleflightExample() {}

    /** Runs the example; returns how many times the lookup ran (1). */
    static int run(PrintStream out) throws Exception {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            rt.go(() -> {
                Singleflight<String, String> group = new Singleflight<>();
                AtomicInteger executions = new AtomicInteger();
                Chan<Boolean> release = Chan.make();
                WaitGroup asked = new WaitGroup();
                WaitGroup answered = new WaitGroup();
                for (int i = 1; i <= 5; i++) {
                    int caller = i;
                    asked.add(1);
                    answered.add(1);
                    Go.go(() -> {
                        Chan<Singleflight.Result<String>> ch = group.doChan("user:42", () -> {
                            executions.incrementAndGet();
                            release.recv(); // a slow lookup, held until all five have asked
                            return "Ada Lovelace";
                        });
                        asked.done();
                        Singleflight.Result<String> r = ch.recv();
                        out.println("caller " + caller + " got " + r.value() + " (shared: " + r.shared() + ")");
                        answered.done();
                    });
                }
                asked.await();   // all five are attached to the one lookup in flight
                release.close(); // the lookup returns
                answered.await();
                out.println("lookups executed: " + executions.get());
                result.complete(executions.get());
            });
            return result.get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Entry point.
     *
     * @param args ignored
     * @throws Exception if the example fails
     */
    public static void main(String[] args) throws Exception {
        Examples.check(run(System.out) == 1);
    }
}
