package io.gmp4j.examples;

import io.gmp4j.patterns.Pipeline;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.GoRuntime;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Go blog's pipeline: {@code gen} sends 1…5, {@code sq} squares them, the main goroutine
 * prints what comes out. Run: {@code ./gmp4j example PipelineExample}.
 */
public final class PipelineExample {
    private PipelineExample() {}

    /** Runs the pipeline; returns the squares in order. */
    static List<Integer> run(PrintStream out) throws Exception {
        CompletableFuture<List<Integer>> result = new CompletableFuture<>();
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            rt.go(() -> {
                try {
                    Pipeline<Integer> squares = Pipeline.from(Context.background(), List.of(1, 2, 3, 4, 5)) // gen
                            .map(n -> n * n);                                                            // sq
                    List<Integer> got = new ArrayList<>();
                    for (int v : squares.out()) {
                        out.println(v);
                        got.add(v);
                    }
                    squares.await();
                    result.complete(got);
                } catch (Exception e) {
                    result.completeExceptionally(e);
                }
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
        Examples.check(run(System.out).equals(List.of(1, 4, 9, 16, 25)));
    }
}
