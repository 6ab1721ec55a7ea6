package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;

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
 * <p>Thread-safe.
 */
public final class WaitGroup {
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock. */
    private long counter;
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
        Chan<Boolean> release = null;
        lock.lock();
        try {
            long next = counter + delta;
            if (next < 0) {
                throw new IllegalStateException("sync: negative WaitGroup counter (" + counter + " + " + delta
                        + "): done() was called more often than add()");
            }
            if (counter == 0 && next > 0) {
                zero = Chan.make();
            } else if (next == 0 && counter > 0) {
                release = zero;
                zero = null;
            }
            counter = next;
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
        lock.lock();
        try {
            return "WaitGroup(" + counter + ")";
        } finally {
            lock.unlock();
        }
    }
}
