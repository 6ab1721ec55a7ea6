package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.ContextException;
import io.gmp4j.runtime.Select;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * sem.acquire(ctx, 1);          // throws a ContextException if ctx ends first
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
 * <p>Without waiters, acquire, tryAcquire and release are a single CAS on one word and take no
 * lock (jcstress: {@code SemaphoreFastPathTest}); the queue and its wake-ups use a lock.
 *
 * <p>Thread-safe.
 */
public final class Semaphore {
    /** Set in {@link #state} while the waiter queue is not empty (changed under the lock only). */
    private static final long WAITERS = Long.MIN_VALUE;
    private static final VarHandle STATE;
    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Semaphore.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long size;
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Tokens held (the low 63 bits) and the {@link #WAITERS} bit. Changed by CAS: without
     * waiters, acquire and release are one CAS each and take no lock; the bit is set and
     * cleared under the lock, together with the queue, so a release that sees it goes through
     * the lock and wakes the waiters.
     */
    @SuppressWarnings("unused") // accessed through STATE
    private volatile long state;
    /** FIFO waiters. Guarded by lock. */
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

    private record Waiter(long n, Chan<Boolean> ready) {}

    /** Marks, in {@link #acquire}, tokens taken under the lock without queueing. */
    private static final Waiter ACQUIRED = new Waiter(0, null);

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
     * @throws ContextException         if the context ended first (also when it had ended before
     *                                  the call): {@code ctx.errWithStack()}, whose
     *                                  {@link ContextException#is} matches {@code ctx.err()}
     * @throws IllegalArgumentException if {@code n < 0}
     */
    public void acquire(Context ctx, long n) {
        Objects.requireNonNull(ctx, "ctx");
        requireWeight(n);
        ContextException done = ctx.errWithStack();
        if (done != null) {
            throw done; // x/sync: fail even if tokens are available
        }
        if (casAcquire(n)) {
            failIfEnded(ctx, n);
            return;
        }
        Waiter w;
        lock.lock();
        try {
            if (casAcquire(n)) {
                w = ACQUIRED;
            } else if (n > size) {
                w = null; // can never be satisfied: wait for the context only, blocking nobody
            } else {
                w = new Waiter(n, Chan.make());
                waiters.addLast(w);
                setWaitersBit();
                // A fast-path release between the failed CAS and the bit woke nobody: look again
                // now that every later release goes through the lock.
                notifyWaiters();
            }
        } finally {
            lock.unlock();
        }
        if (w == ACQUIRED) {
            failIfEnded(ctx, n);
            return;
        }
        if (w == null) {
            ctx.done().recv();
            throw ctx.errWithStack();
        }
        int which = Select.builder()
                .recv(ctx.done(), x -> {})
                .recv(w.ready(), x -> {})
                .run();
        if (which == 1) {
            if (ctx.err() != null) {
                // Acquired, but the context ended at the same instant: give it back (x/sync).
                release(n);
                throw ctx.errWithStack();
            }
            return;
        }
        lock.lock();
        try {
            if (isClosed(w.ready())) { // closed under this lock by notifyWaiters
                // Acquired after the context ended: give it back.
                add(-n);
                notifyWaiters();
            } else {
                boolean front = waiters.peekFirst() == w;
                removeWaiter(w);
                if (waiters.isEmpty()) {
                    clearWaitersBit();
                }
                if (front && size > held()) {
                    notifyWaiters(); // those behind a cancelled head may fit now
                }
            }
        } finally {
            lock.unlock();
        }
        throw ctx.errWithStack();
    }

    /**
     * Called after tokens were taken without waiting: fails, giving them back, if the context
     * has ended since the check on entry. Without this, a cancel followed by a release could
     * both complete between that check and the CAS, and the acquisition would succeed on tokens
     * freed after the context had ended (found by Lincheck, SemaphoreLincheckTest). x/sync
     * rules that out by checking done and taking the tokens in one hold of its mutex; the
     * lock-free fast path here checks again afterwards instead. If the context ended only
     * concurrently, failing is allowed too — x/sync's waiter path gives tokens back the same way.
     */
    private void failIfEnded(Context ctx, long n) {
        ContextException e = ctx.errWithStack();
        if (e != null) {
            release(n);
            throw e;
        }
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
        return casAcquire(n);
    }

    /** Takes n tokens if they are free and nobody waits: one CAS. Any thread, lock or not. */
    private boolean casAcquire(long n) {
        while (true) {
            long st = (long) STATE.getVolatile(this);
            if (st < 0 || size - st < n) {
                return false; // waiters queued (no barging), or not enough free
            }
            if (STATE.compareAndSet(this, st, st + n)) {
                return true;
            }
        }
    }

    private long held() {
        return (long) STATE.getVolatile(this) & ~WAITERS;
    }

    /** Adds delta to the held count, keeping the bit. */
    private void add(long delta) {
        while (true) {
            long st = (long) STATE.getVolatile(this);
            if (STATE.compareAndSet(this, st, st + delta)) {
                return;
            }
        }
    }

    /** Lock held. */
    private void setWaitersBit() {
        while (true) {
            long st = (long) STATE.getVolatile(this);
            if (st < 0 || STATE.compareAndSet(this, st, st | WAITERS)) {
                return;
            }
        }
    }

    /** Lock held. */
    private void clearWaitersBit() {
        while (true) {
            long st = (long) STATE.getVolatile(this);
            if (st >= 0 || STATE.compareAndSet(this, st, st & ~WAITERS)) {
                return;
            }
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
        while (true) {
            long st = (long) STATE.getVolatile(this);
            if (st < 0) {
                break; // waiters: release and wake them under the lock
            }
            if (st - n < 0) {
                throw overReleased(st, n);
            }
            if (STATE.compareAndSet(this, st, st - n)) {
                return;
            }
        }
        lock.lock();
        try {
            while (true) {
                long st = (long) STATE.getVolatile(this);
                long cur = st & ~WAITERS;
                if (cur - n < 0) {
                    throw overReleased(cur, n);
                }
                if (STATE.compareAndSet(this, st, st - n)) {
                    break;
                }
            }
            notifyWaiters();
        } finally {
            lock.unlock();
        }
    }

    private static IllegalStateException overReleased(long held, long n) {
        return new IllegalStateException("semaphore: released more than held (held " + held + ", released " + n + ")");
    }

    /**
     * Strict FIFO: wake from the head while the head fits. Lock held. The tokens are taken with
     * a CAS, since a fast-path release may run at the same time (a fast-path acquire cannot:
     * the waiters bit stops it).
     */
    private void notifyWaiters() {
        while (!waiters.isEmpty()) {
            Waiter next = waiters.peekFirst();
            long st = (long) STATE.getVolatile(this);
            if (size - (st & ~WAITERS) < next.n()) {
                break; // no skipping: a large head is not starved by smaller ones behind it
            }
            if (!STATE.compareAndSet(this, st, st + next.n())) {
                continue;
            }
            waiters.pollFirst();
            if (waiters.isEmpty()) {
                clearWaitersBit();
            }
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
            return "Semaphore(size " + size + ", held " + held() + ", waiters " + waiters.size() + ")";
        } finally {
            lock.unlock();
        }
    }
}
