package io.gmp4j.runtime.internal;

/**
 * Where a runtime keeps its timers: the {@code gmp} scheduler's per-processor heaps, or, for
 * other schedulers, one heap served by a timer thread ({@link ThreadTimers}).
 *
 * <p>The owner of a timer calls {@link #add}, {@link #stop} and {@link #reset} one at a time
 * (callers serialise them, e.g. under the owner's monitor) and bumps {@link RuntimeTimer#seq}
 * itself where it cares about stale firings.
 */
public interface TimerService {
    /**
     * Arms t (not pending) to fire at {@code when} ({@link RuntimeTimer#nanotime()} clock), then
     * every {@code period} ns if positive.
     */
    void add(RuntimeTimer t, long when, long period);

    /** Disarms t; true if it was pending (so it will not fire). */
    default boolean stop(RuntimeTimer t) {
        while (true) {
            TimerHeap h = t.heap();
            if (h == null) {
                return false;
            }
            h.lock.lock();
            try {
                if (h.removeLocked(t)) {
                    return true;
                }
            } finally {
                h.lock.unlock();
            }
        }
    }

    /** Timers pending in every heap (stats, tests). */
    int pending();

    /** Stops serving timers; pending ones never fire. */
    void shutdown();
}
