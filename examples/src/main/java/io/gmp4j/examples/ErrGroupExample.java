package io.gmp4j.examples;

import io.gmp4j.patterns.ErrGroup;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.GoRuntime;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * errgroup with a context: one task succeeds, one fails, one waits on the group's context
 * and is cancelled by the failure. {@code await} reports the failure. Run:
 * {@code ./gmp4j example ErrGroupExample}.
 */
public final class ErrGroupExample {
    private ErrGroupExample() {}

    /** Runs the example; returns the lines it printed about the three tasks, in a summary string. */
    static String run(PrintStream out) throws Exception {
        CompletableFuture<String> result = new CompletableFuture<>();
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            rt.go(() -> {
                ErrGroup g = ErrGroup.withContext(Context.background());
                Context ctx = g.context();
                StringBuffer summary = new StringBuffer();
                g.go(() -> {
                    out.println("task 1: fetched user profile");
                    summary.append("ok;");
                });
                g.go(() -> {
                    throw new IOException("task 2: orders service unavailable");
                });
                g.go(() -> {
                    ctx.done().recv(); // a long call that watches the context
                    out.println("task 3: cancelled (" + ctx.err().getMessage() + ", cause: "
                            + ctx.cause().getMessage() + ")");
                    summary.append("cancelled;");
                });
                try {
                    g.await();
                    summary.append("no error");
                } catch (ExecutionException e) {
                    out.println("await: " + e.getCause().getMessage());
                    summary.append("error=").append(e.getCause().getMessage());
                }
                result.complete(summary.toString());
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
        String s = run(System.out);
        Examples.check(s.contains("ok;") && s.contains("cancelled;")
                && s.endsWith("error=task 2: orders service unavailable"));
    }
}
