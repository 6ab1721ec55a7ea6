package io.gmp4j.runtime.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A runtime timer (Go's {@code runtime.timer}): something to do at a point of the runtime's
 * monotonic clock, once or periodically, kept in a {@link TimerHeap} — one per processor on the
 * {@code gmp} scheduler. {@link #fire} runs on whichever thread runs the heap (a machine in
 * {@code findRunnable}, the machine waiting for the next timer, or the timer thread of other
 * schedulers), so it must be short and must never block: ready a goroutine, send without
 * blocking, close a channel.
 *
 * <p>Fields {@link #when}, {@link #period}, {@link #index} are guarded by the lock of the heap
 * the timer is in. {@link #heap} is written under that lock and read without it to find the
 * heap. {@link #seq} is written only by the timer's owner (serialised by the owner, e.g. under
 * its monitor) and read by the heap, under its lock, when it pops the timer: a firing whose
 * {@code seq} is stale was stopped or reset after the pop, and the owner drops it (Go 1.23's
 * no-stale-values rule). The owner bumps {@code seq} before adding and <em>after</em> removing.
 */
public abstract class RuntimeTimer {
    /** "No timer": the largest time. */
    public static final long NONE = Long.MAX_VALUE;
    private static final long BASE = System.nanoTime();

    static final VarHandle HEAP;
    static {
        try {
            HEAP = MethodHandles.lookup().findVarHandle(RuntimeTimer.class, "heap", TimerHeap.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    long when;
    long period;
    int index = -1;
    /** The heap this timer is in, or null. Written under that heap's lock (release). */
    @SuppressWarnings("unused") // accessed through HEAP
    private volatile TimerHeap heap;
    /** Bumped by the owner on every add, stop and reset. */
    public volatile long seq;

    /** The runtime clock: nanoseconds since this class loaded (Go's nanotime). */
    public static long nanotime() {
        return System.nanoTime() - BASE;
    }

    /** {@code nanotime() + delay}, saturated at {@link #NONE} - 1 (Go's when() overflow rule). */
    public static long deadline(long delayNanos) {
        long now = nanotime();
        if (delayNanos <= 0) {
            return now;
        }
        long w = now + delayNanos;
        return w < now || w >= NONE ? NONE - 1 : w;
    }

    TimerHeap heap() {
        return (TimerHeap) HEAP.getAcquire(this);
    }

    void heap(TimerHeap h) {
        HEAP.setRelease(this, h);
    }

    /** Whether the timer is in a heap (will fire unless stopped). */
    public boolean pending() {
        return heap() != null;
    }

    /**
     * The timer expired. Runs without any heap lock held.
     *
     * @param seq the owner's {@link #seq} when the heap popped this firing
     * @param now the runtime clock when the heap was run
     */
    protected abstract void fire(long seq, long now);
}
