package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Go's {@code sync.WaitGroup}: waits for a collection of goroutines to finish. The launcher
 * calls {@link #add} before starting each one, each calls {@link #done} when it ends, and
 * {@link #await} blocks until the counter is zero.
 *
 * <pre>{@code
 * WaitGroup wg = new WaitGroup();
 * for (String url : urls) {
 *     wg.add(1);
 *     Go.go(() -> { try { fetch(url); } finally { wg.done(); } });
 * }
 * wg.await();
 * }</pre>
 *
 * <p>A waiting goroutine parks on a channel receive (it holds no thread, and the system monitor's
 * deadlock report counts it as asleep). A WaitGroup may be reused once its counter is back at
 * zero, as in Go. Unlike Go's, an interrupted {@code await} gives up with the runtime's
 * {@code GoInterruptedException}.
 *
 * <p>Thread-safe. While the counter stays above zero, {@link #add} and {@link #done} are one
 * compare-and-set on the counter, as Go's are one atomic add; only the moves to and from zero
 * take the lock and touch the channel.
 */
public final class WaitGroup {
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * The counter. Moves between two positive values by a CAS without the lock; moves to or
     * from zero only under the lock, so that under it {@code counter > 0} exactly when
     * {@link #zero} is set.
     */
    private final AtomicLong counter = new AtomicLong();
    /** Closed when the counter reaches zero; replaced when it leaves zero. Guarded by lock. */
    private Chan<Boolean> zero;

    /** Creates a WaitGroup with a zero counter. */
    public WaitGroup() {}

    /**
     * Adds {@code delta}, which may be negative, to the counter; at zero every waiter is released.
     *
     * @param delta the change
     * @throws IllegalStateException if the counter would go negative (Go panics with the same
     *                               message); the counter is left unchanged
     */
    public void add(int delta) {
        long c = counter.get();
        if (c > 0 && c + delta > 0 && counter.compareAndSet(c, c + delta)) {
            return; // positive before and after: no waiter to release, no channel to make
        }
        Chan<Boolean> release = null;
        lock.lock();
        try {
            while (true) {
                c = counter.get();
                long next = c + delta;
                if (next < 0) {
                    throw new IllegalStateException("sync: negative WaitGroup counter (" + c + " + " + delta
                            + "): done() was called more often than add()");
                }
                if (c == 0 && next > 0) {
                    zero = Chan.make(); // before the counter leaves zero: await reads both under lock
                    counter.set(next);  // nobody else moves it from zero (that takes the lock)
                    break;
                }
                if (!counter.compareAndSet(c, next)) {
                    continue; // a lock-free add between two positive values came first
                }
                if (next == 0 && c > 0) {
                    release = zero;
                    zero = null;
                }
                break;
            }
        } finally {
            lock.unlock();
        }
        if (release != null) {
            release.close();
        }
    }

    /** Decrements the counter by one: {@code add(-1)}. */
    public void done() {
        add(-1);
    }

    /** Blocks until the counter is zero; returns at once if it is. */
    public void await() {
        if (counter.get() == 0) {
            return;
        }
        Chan<Boolean> wait;
        lock.lock();
        try {
            wait = zero;
        } finally {
            lock.unlock();
        }
        if (wait != null) {
            wait.recv();
        }
    }

    @Override
    public String toString() {
        return "WaitGroup(" + counter.get() + ")";
    }
}
