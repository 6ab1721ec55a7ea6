package io.gmp4j.examples;

import io.gmp4j.patterns.Semaphore;
import io.gmp4j.patterns.WaitGroup;
import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.Go;
import io.gmp4j.runtime.GoRuntime;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounding concurrency: 10 goroutines, at most 3 at a time — first with the weighted
 * {@link Semaphore} (x/sync's), then with Go's simple limiter, a buffered channel of 3 tokens.
 * Run: {@code ./gmp4j example SemaphoreExample}.
 */
public final class SemaphoreExample {
    private SemaphoreExample() {}

    /** Runs both variants; returns the most goroutines seen working at once (at most 3). */
    static int run(PrintStream out) throws Exception {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            rt.go(() -> {
                int peak = Math.max(withSemaphore(out), withChannel(out));
                result.complete(peak);
            });
            int peak = result.get(30, TimeUnit.SECONDS);
            out.println("most at once: " + peak + " (limit 3)");
            return peak;
        }
    }

    private static int withSemaphore(PrintStream out) {
        Semaphore sem = new Semaphore(3);
        WaitGroup wg = new WaitGroup();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        for (int i = 1; i <= 10; i++) {
            int id = i;
            wg.add(1);
            Go.go(() -> {
                try {
                    sem.acquire(Context.background(), 1);
                    try {
                        int now = inFlight.incrementAndGet();
                        peak.accumulateAndGet(now, Math::max);
                        out.println("semaphore: goroutine " + id + " working (" + now + " in flight)");
                        Go.sleep(Duration.ofMillis(10));
                        inFlight.decrementAndGet();
                    } finally {
                        sem.release(1);
                    }
                } finally {
                    wg.done();
                }
            });
        }
        wg.await();
        return peak.get();
    }

    private static int withChannel(PrintStream out) {
        Chan<Boolean> tokens = Chan.make(3); // sem := make(chan struct{}, 3)
        WaitGroup wg = new WaitGroup();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        for (int i = 1; i <= 10; i++) {
            int id = i;
            wg.add(1);
            Go.go(() -> {
                tokens.send(Boolean.TRUE); // sem <- struct{}{}
                try {
                    int now = inFlight.incrementAndGet();
                    peak.accumulateAndGet(now, Math::max);
                    out.println("channel:   goroutine " + id + " working (" + now + " in flight)");
                    Go.sleep(Duration.ofMillis(10));
                    inFlight.decrementAndGet();
                } finally {
                    tokens.recv(); // <-sem
                    wg.done();
                }
            });
        }
        wg.await();
        return peak.get();
    }

    /**
     * Entry point.
     *
     * @param args ignored
     * @throws Exception if the example fails
     */
    public static void main(String[] args) throws Exception {
        int peak = run(System.out);
        Examples.check(peak >= 1 && peak <= 3);
    }
}
