package io.gmp4j.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The goroutines of one benchmark invocation: started through {@link Schedulers}, each one's
 * exception recorded, all joined before the invocation returns. If one fails or they stall,
 * the survivors are interrupted (gmp4j, queue and jox waits all give up on an interrupt) so
 * that no thread outlives the invocation and the runtime's {@code close()} at trial end cannot
 * hang; then {@link #join} throws. A broken channel therefore fails the run instead of
 * producing a number.
 *
 * <p>A crew goroutine may itself call {@link #go}, to start its partners from inside the
 * runtime as a Go program's main goroutine does: then no goroutine waits for a thread outside
 * the runtime to start the others, so the system monitor's deadlock report (which cannot know
 * that the benchmark thread is about to start more goroutines) stays quiet unless the
 * goroutines really are stuck. {@link #join} also waits for goroutines added that way.
 */
final class Crew {
    static final Duration STALL = Duration.ofSeconds(60);

    private final Schedulers schedulers;
    private final String what;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile Throwable failure;

    Crew(Schedulers schedulers, String what) {
        this.schedulers = schedulers;
        this.what = what;
    }

    void go(Runnable task) {
        Runnable body = () -> {
            try {
                task.run();
            } catch (Throwable t) {
                failure = t;
            }
        };
        // From a crew goroutine: start it in the caller's runtime (a raw virtual thread's
        // partner is a raw virtual thread; no builder is shared between threads).
        threads.add(Thread.currentThread().isVirtual() ? Schedulers.goFromGoroutine(body) : schedulers.go(body));
    }

    /** Waits for every goroutine; throws if one failed or they did not finish within {@link #STALL}. */
    void join() throws InterruptedException {
        long deadline = System.nanoTime() + STALL.toNanos();
        boolean stalled = false;
        // By index: a goroutine started by a crew goroutine is in the list before its starter ends.
        for (int i = 0; i < threads.size(); i++) {
            Thread t = threads.get(i);
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
