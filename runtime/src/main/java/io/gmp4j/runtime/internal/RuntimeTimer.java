package io.gmp4j.runtime.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * A runtime timer (Go's {@code runtime.timer}): something to do at a point of the runtime's
 * monotonic clock, once or periodically, kept in a {@link TimerHeap} — one per processor on the
 * {@code gmp} scheduler. {@link #fire} runs on whichever thread runs the heap (a machine in
 * {@code findRunnable}, also for another processor's heap when it steals, the machine waiting
 * for the next timer, the system monitor for overdue timers, or the timer thread of other
 * schedulers), so it must be short. Rule M (docs/ARCHITECTURE.md): it never waits for anything
 * a goroutine can hold — it readies a goroutine, tries a lock, or starts a goroutine to do the
 * rest.
 *
 * <p>Fields {@link #when}, {@link #period}, {@link #index} are guarded by the lock of the heap
 * the timer is in. {@link #heap} is written under that lock and read without it to find the
 * heap. {@link #seq} is written only by the timer's owner (serialised by the owner, e.g. under
 * its monitor) and read by the heap, under its lock, when it pops the timer: a firing whose
 * {@code seq} is stale was stopped or reset after the pop, and the owner drops it (Go 1.23's
 * no-stale-values rule). The owner bumps {@code seq} before adding and <em>after</em> removing.
 *
 * <p><b>Firings in flight.</b> Between the pop of a one-shot timer and its firing the timer is
 * in no heap, so {@link TimerService#stop} cannot tell "will fire" from "has fired". Go tells
 * them apart with {@code isSending} ({@code runtime/time.go}); here the heap records the
 * popped {@code seq} in {@link #firing} before it unlinks the timer, and whoever claims it
 * first with {@link #claimFiring} decides: the firing's owner when it delivers, or a
 * stop/reset that cancels it (and then reports the timer as stopped, Go 1.23's rule). A claim
 * is a CAS, so a stale firing can never claim (or clear) the record of a later one.
 *
 * <pre>
 * firing:  NO_FIRING --pop of one-shot (heap lock held, before heap=null)--> seq
 *          seq       --claimFiring(seq) by the firing or by stop/reset--------> NO_FIRING
 *          seq       --a later pop of the re-armed timer----------------------> seq' (seq' > seq)
 * </pre>
 */
public abstract class RuntimeTimer {
    /** "No timer": the largest time. */
    public static final long NONE = Long.MAX_VALUE;
    private static final long BASE = System.nanoTime();

    /** {@link #firing} when no one-shot firing is between its pop and its claim ({@code seq} never gets there). */
    public static final long NO_FIRING = Long.MIN_VALUE;

    static final VarHandle HEAP;
    private static final VarHandle FIRING;
    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAP = l.findVarHandle(RuntimeTimer.class, "heap", TimerHeap.class);
            FIRING = l.findVarHandle(RuntimeTimer.class, "firing", long.class);
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
    /**
     * The {@code seq} of a one-shot firing popped from a heap and not yet claimed, or
     * {@link #NO_FIRING}. Set by the heap under its lock (volatile, before the release of
     * {@code heap = null}); cleared only by {@link #claimFiring} CAS.
     */
    @SuppressWarnings("unused") // accessed through FIRING
    private volatile long firing = NO_FIRING;

    /** The runtime clock: nanoseconds since this class loaded (Go's nanotime). */
    public static long nanotime() {
        return System.nanoTime() - BASE;
    }

    /**
     * {@code d} in nanoseconds, saturated instead of overflowing: a duration beyond about 292
     * years is {@link Long#MAX_VALUE} ("practically never"), one below minus that is
     * {@link Long#MIN_VALUE} ("long expired"). {@link Duration#toNanos()} throws there.
     *
     * @param d a duration, not null
     * @return its nanoseconds, saturated
     */
    public static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
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

    /** The heap popped this one-shot timer with {@code seq}: its firing is in flight. Heap lock held. */
    void firingPopped(long seq) {
        FIRING.setVolatile(this, seq);
    }

    /**
     * Claims the firing popped with {@code seq}, if it is still in flight and unclaimed. The
     * owner calls it when it delivers that firing, and in stop/reset (with its current
     * {@code seq}) to cancel it: exactly one of them wins. A stop that reads "not in any heap"
     * from {@link TimerService#stop} sees the record of the pop that unlinked the timer.
     *
     * @param seq the {@code seq} the firing was popped with
     * @return true if this call claimed it (it had not been claimed before)
     */
    public boolean claimFiring(long seq) {
        return FIRING.compareAndSet(this, seq, NO_FIRING);
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
