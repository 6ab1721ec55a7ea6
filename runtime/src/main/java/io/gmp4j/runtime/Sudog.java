package io.gmp4j.runtime;

import io.gmp4j.runtime.spi.WaitReason;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A goroutine (or platform thread) waiting on a channel: Go's {@code sudog}. It is also the
 * park blocker, so {@code dumpGoroutines} shows its wait reason.
 *
 * <p>A plain send or receive waits with one sudog that is its own {@link #leader}. A select
 * queues one sudog per case, all sharing the first one as leader; the leader carries the
 * wake-up state for the whole select.
 *
 * <p>Fields {@link #elem}, {@link #success}, {@link #prev}, {@link #next} and {@link #queue} are
 * guarded by the lock of {@link #c}. {@link #woken} and {@link #winner} (leader only) are
 * written by the waker while it holds the lock of the channel that completed the wait, before
 * it unlocks; the waiting thread reads {@code woken} (acquire) and then the rest.
 */
final class Sudog extends WaitReason {
    private static final VarHandle CLAIMED;
    private static final VarHandle WOKEN;
    static {
        try {
            CLAIMED = MethodHandles.lookup().findVarHandle(Sudog.class, "claimed", int.class);
            WOKEN = MethodHandles.lookup().findVarHandle(Sudog.class, "woken", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Thread thread;
    /** The sudog holding the wake-up state: this one for a plain operation, the first case's for a select. */
    final Sudog leader;
    final Chan<?> c;
    /** The select case this sudog stands for; -1 for a plain operation. */
    final int caseIndex;
    /** The value to send, or the value received (set by the waker). */
    Object elem;
    /** True when the operation completed with a value, false when woken by close. */
    boolean success;
    Sudog prev;
    Sudog next;
    /** The queue this sudog is linked into, or null once dequeued. */
    WaitQueue queue;

    // ---- leader only
    /** Select only: 0 until a waker (or the selecting thread itself, to cancel) wins it. Go's selectDone. */
    @SuppressWarnings("unused") // accessed through CLAIMED
    private volatile int claimed;
    /** The sudog whose operation completed the wait (Go's gp.param). */
    Sudog winner;
    /**
     * Set, last, by the waker (a release store: the waker's writes before it are seen by a
     * waiter that reads it set, and no full fence is paid on the hand-off path); the waiting
     * thread parks until {@link #isWoken()} sees it. Leader only.
     */
    @SuppressWarnings("unused") // accessed through WOKEN
    private boolean woken;

    /** A plain send or receive. */
    Sudog(String reason, Chan<?> c, Object elem) {
        super(reason, UNSTAMPED); // a clock read here costs ~25 ns per blocking operation
        this.thread = Thread.currentThread();
        this.leader = this;
        this.c = c;
        this.caseIndex = -1;
        this.elem = elem;
    }

    /** One case of a select; {@code leader} null makes this the leader. */
    Sudog(Sudog leader, long since, Chan<?> c, Object elem, int caseIndex) {
        super("select", since);
        this.thread = Thread.currentThread();
        this.leader = leader == null ? this : leader;
        this.c = c;
        this.caseIndex = caseIndex;
        this.elem = elem;
    }

    boolean isSelect() {
        return caseIndex >= 0;
    }

    /** Go's {@code selectDone} CAS: true for exactly one caller per select. Leader only. */
    boolean claim() {
        return CLAIMED.compareAndSet(this, 0, 1);
    }

    /**
     * Records that this sudog's operation completed the wait. Called with {@code c}'s lock
     * held, after {@link #elem} and {@link #success} are set; the caller unparks
     * {@link #thread} after unlocking.
     */
    void complete() {
        leader.winner = this;
        WOKEN.setRelease(leader, true);
    }

    /** Whether a waker completed this (leader) sudog's wait: an acquire read of {@code woken}. */
    boolean isWoken() {
        return (boolean) WOKEN.getAcquire(this);
    }
}
