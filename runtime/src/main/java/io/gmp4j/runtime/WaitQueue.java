package io.gmp4j.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A channel's FIFO queue of waiting senders or receivers: Go's {@code waitq}. Doubly linked so
 * that a select can unlink its other cases in O(1). Guarded by the channel's lock, except
 * {@link #isEmptyHint()}, the racy read of Go's lock-free fast paths.
 */
final class WaitQueue {
    private static final VarHandle FIRST;
    static {
        try {
            FIRST = MethodHandles.lookup().findVarHandle(WaitQueue.class, "first", Sudog.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Sudog first;
    private Sudog last;

    void enqueue(Sudog s) {
        s.queue = this;
        s.next = null;
        s.prev = last;
        if (last == null) {
            FIRST.setOpaque(this, s);
        } else {
            last.next = s;
        }
        last = s;
    }

    /**
     * Go's {@code waitq.dequeue}: the first waiter that can still be completed, or null. A
     * select's sudog whose select was already won through another case (or cancelled) is
     * unlinked and skipped.
     */
    Sudog dequeue() {
        while (true) {
            Sudog s = first;
            if (s == null) {
                return null;
            }
            unlink(s);
            if (!s.isSelect() || s.leader.claim()) {
                return s;
            }
        }
    }

    /** Unlinks s if it is still in this queue. */
    void remove(Sudog s) {
        if (s.queue == this) {
            unlink(s);
        }
    }

    private void unlink(Sudog s) {
        Sudog p = s.prev;
        Sudog n = s.next;
        if (p == null) {
            FIRST.setOpaque(this, n);
        } else {
            p.next = n;
        }
        if (n == null) {
            last = p;
        } else {
            n.prev = p;
        }
        s.prev = null;
        s.next = null;
        s.queue = null;
    }

    boolean isEmpty() {
        return first == null;
    }

    /**
     * Whether the queue looks empty, read without the lock (Go reads {@code recvq.first} the
     * same way in its non-blocking fast paths). Benign race: the answer may be stale, and the
     * callers only use it where a stale answer still describes a moment during the call.
     * Acquire, not opaque: {@code trySend} reads this <em>before</em> the volatile
     * {@code closed}, and only acquire keeps that order (jcstress: ChanFastPathTest case 6).
     */
    boolean isEmptyHint() {
        return FIRST.getAcquire(this) == null;
    }
}
