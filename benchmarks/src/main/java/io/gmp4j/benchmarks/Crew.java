package io.gmp4j.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The goroutines of one benchmark invocation: started through {@link Schedulers}, each one's
 * exception recorded, all joined before the invocation returns. If one fails or they stall,
 * the survivors are interrupted (gmp4j, queue and jox waits all give up on an interrupt) so
 * that no thread outlives the invocation and the runtime's {@code close()} at trial end cannot
 * hang; then {@link #join} throws. A broken channel therefore fails the run instead of
 * producing a number.
 */
final class Crew {
    static final Duration STALL = Duration.ofSeconds(60);

    private final Schedulers schedulers;
    private final String what;
    private final List<Thread> threads = new ArrayList<>(4);
    private volatile Throwable failure;

    Crew(Schedulers schedulers, String what) {
        this.schedulers = schedulers;
        this.what = what;
    }

    void go(Runnable task) {
        threads.add(schedulers.go(() -> {
            try {
                task.run();
            } catch (Throwable t) {
                failure = t;
            }
        }));
    }

    /** Waits for every goroutine; throws if one failed or they did not finish within {@link #STALL}. */
    void join() throws InterruptedException {
        long deadline = System.nanoTime() + STALL.toNanos();
        boolean stalled = false;
        for (Thread t : threads) {
            while (!stalled && t.isAlive()) {
                if (failure != null) {
                    stalled = true; // a failed goroutine leaves its partners blocked for ever
                    break;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    stalled = true;
                    break;
                }
                t.join(Duration.ofNanos(Math.min(left, 10_000_000L)));
            }
        }
        if (stalled) {
            for (Thread t : threads) {
                t.interrupt();
            }
            for (Thread t : threads) {
                if (!t.join(Duration.ofSeconds(10))) {
                    throw new IllegalStateException(what + ": " + t + " did not end even when interrupted");
                }
            }
        }
        Throwable f = failure;
        if (f != null) {
            throw new IllegalStateException(what + " failed", f);
        }
        if (stalled) {
            throw new IllegalStateException(what + " stalled for " + STALL.toSeconds() + " s");
        }
    }
}
