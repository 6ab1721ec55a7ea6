package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.ContextException;
import io.gmp4j.runtime.Select;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * golang.org/x/sync's {@code semaphore.Weighted}: a weighted semaphore with strictly FIFO
 * waiters and context cancellation.
 *
 * <pre>{@code
 * Semaphore sem = new Semaphore(3);
 * sem.acquire(ctx, 1);          // throws ctx.err() if ctx ends first
 * try { work(); } finally { sem.release(1); }
 * }</pre>
 *
 * <p>Semantics (x/sync's exactly): {@link #acquire} fails with the context's error if the
 * context is already done, even when tokens are free; it takes tokens at once only if they are
 * free <em>and nobody waits</em> (no barging); a request larger than the size waits only for the
 * context, without blocking anybody; otherwise it queues. Releases wake waiters from the head in
 * order and stop at the first that does not fit, so a large request at the head is not starved
 * by smaller ones behind it. A waiter cancelled at the head wakes the ones behind it if tokens
 * are free. {@link #tryAcquire} fails while anyone waits. A waiting goroutine parks on a channel
 * (holds no thread).
 *
 * <p>Thread-safe.
 */
public final class Semaphore {
    private final long size;
    private final ReentrantLock lock = new ReentrantLock();
    /** Tokens held. Guarded by lock. */
    private long cur;
    /** FIFO waiters. Guarded by lock. */
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

    private record Waiter(long n, Chan<Boolean> ready) {}

    /**
     * Creates a semaphore with {@code size} tokens.
     *
     * @param size the total weight, at least 0
     * @throws IllegalArgumentException if {@code size < 0}
     */
    public Semaphore(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
        }
        this.size = size;
    }

    /**
     * Acquires {@code n} tokens, blocking until they are free or the context ends.
     *
     * @param ctx the context; when it ends first, nothing is held
     * @param n   the weight, at least 0
     * @throws ContextException         {@code ctx.err()}, if the context ended first (also when
     *                                  it had ended before the call)
     * @throws IllegalArgumentException if {@code n < 0}
     */
    public void acquire(Context ctx, long n) {
        Objects.requireNonNull(ctx, "ctx");
        requireWeight(n);
        Waiter w;
        lock.lock();
        try {
            ContextException done = ctx.err();
            if (done != null) {
                throw done; // x/sync: fail even if tokens are available
            }
            if (size - cur >= n && waiters.isEmpty()) {
                cur += n;
                return;
            }
            if (n > size) {
                w = null; // can never be satisfied: wait for the context only, blocking nobody
            } else {
                w = new Waiter(n, Chan.make());
                waiters.addLast(w);
            }
        } finally {
            lock.unlock();
        }
        if (w == null) {
            ctx.done().recv();
            throw ctx.err();
        }
        int which = Select.builder()
                .recv(ctx.done(), x -> {})
                .recv(w.ready(), x -> {})
                .run();
        if (which == 1) {
            if (ctx.err() != null) {
                // Acquired, but the context ended at the same instant: give it back (x/sync).
                release(n);
                throw ctx.err();
            }
            return;
        }
        lock.lock();
        try {
            if (isClosed(w.ready())) { // closed under this lock by notifyWaiters
                // Acquired after the context ended: give it back.
                cur -= n;
                notifyWaiters();
            } else {
                boolean front = waiters.peekFirst() == w;
                removeWaiter(w);
                if (front && size > cur) {
                    notifyWaiters(); // those behind a cancelled head may fit now
                }
            }
        } finally {
            lock.unlock();
        }
        throw ctx.err();
    }

    /**
     * Acquires {@code n} tokens without blocking.
     *
     * @param n the weight, at least 0
     * @return true if acquired; false when not enough are free or anyone waits
     * @throws IllegalArgumentException if {@code n < 0}
     */
    public boolean tryAcquire(long n) {
        requireWeight(n);
        lock.lock();
        try {
            if (size - cur >= n && waiters.isEmpty()) {
                cur += n;
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Releases {@code n} tokens and wakes the waiters that now fit, in order.
     *
     * @param n the weight, at least 0
     * @throws IllegalStateException    if more would be released than is held (x/sync panics
     *                                  with the same message); nothing changes then
     * @throws IllegalArgumentException if {@code n < 0}
     */
    public void release(long n) {
        requireWeight(n);
        lock.lock();
        try {
            if (cur - n < 0) {
                throw new IllegalStateException("semaphore: released more than held (held " + cur + ", released "
                        + n + ")");
            }
            cur -= n;
            notifyWaiters();
        } finally {
            lock.unlock();
        }
    }

    /** Strict FIFO: wake from the head while the head fits. Lock held. */
    private void notifyWaiters() {
        while (!waiters.isEmpty()) {
            Waiter next = waiters.peekFirst();
            if (size - cur < next.n()) {
                break; // no skipping: a large head is not starved by smaller ones behind it
            }
            cur += next.n();
            waiters.pollFirst();
            next.ready().close();
        }
    }

    private void removeWaiter(Waiter w) {
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            if (it.next() == w) {
                it.remove();
                return;
            }
        }
    }

    /** Whether a ready channel (closed, never sent to) is closed: a non-blocking receive fires. */
    private static boolean isClosed(Chan<Boolean> ch) {
        return Select.builder().recv(ch, x -> {}).orElse(() -> {}).run() == 0;
    }

    private static void requireWeight(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("n: " + n + " (expected: >= 0)");
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "Semaphore(size " + size + ", held " + cur + ", waiters " + waiters.size() + ")";
        } finally {
            lock.unlock();
        }
    }
}
