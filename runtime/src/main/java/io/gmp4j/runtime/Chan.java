package io.gmp4j.runtime;


import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Go channel ({@code chan T}): {@link #make()} for an unbuffered channel, where a send
 * completes only when a receiver takes the value, {@link #make(int)} for a buffered FIFO one.
 *
 * <p>Semantics are Go's ({@code runtime/chan.go}), with Java's forced differences:
 * <ul>
 *   <li>{@link #recv()} returns {@code null} once the channel is closed and drained — Go's
 *       {@code v, ok := <-c} with {@code ok == false}. Therefore {@code null} cannot be sent:
 *       {@link #send} rejects it.</li>
 *   <li>Go's panics are {@link ChanClosedException}: send on a closed channel (also for a
 *       sender blocked when the channel closes) and closing twice.</li>
 *   <li>A blocked thread that is interrupted gives up with {@link GoInterruptedException}
 *       (Go has no interrupts).</li>
 * </ul>
 * Values still buffered when the channel closes are received first; then {@code recv}
 * returns {@code null} at once, forever. Closing wakes every blocked receiver (they get
 * {@code null}) and every blocked sender (they throw).
 *
 * <p>Goroutines block by parking through their scheduler (they hold no thread while
 * blocked) and show the wait reason {@code chan send} or {@code chan receive} in
 * {@link GoRuntime#dumpGoroutines}. A goroutine readied by another goroutine runs next on the
 * waker's processor (Go's {@code runnext}). Platform threads can use channels too; they block
 * as usual.
 *
 * <p>A channel is {@link Iterable}: a for-each loop is Go's {@code for v := range c} and
 * ends when the channel is closed and drained.
 *
 * <h2>Implementation notes</h2>
 * As in Go: one lock per channel guards a ring buffer and two FIFO queues of waiting threads
 * ({@link Sudog}s). At most one queue is non-empty. A send that finds a waiting receiver
 * hands the value over directly (also on a buffered channel, whose buffer is then empty); a
 * receive that finds a waiting sender on a full buffered channel takes the head of the
 * buffer and puts the sender's value at its tail, so FIFO order is kept. A waker completes
 * the waiter's sudog under the lock and unparks it after unlocking. The non-blocking
 * operations first try Go's lock-free fast fail (see {@link #trySend} for the ordering
 * argument). Select locks its channels in the order of {@link #id} (Go: address order).
 *
 * @param <T> element type
 */
public final class Chan<T> implements Iterable<T> {
    private static final AtomicLong IDS = new AtomicLong();

    /** Lock order for select (Go sorts by channel address). */
    final long id = IDS.incrementAndGet();
    final ReentrantLock lock = new ReentrantLock();
    final WaitQueue recvq = new WaitQueue();
    final WaitQueue sendq = new WaitQueue();
    private final Object[] buf;
    private final int dataqsiz;
    // Guarded by lock.
    private int sendx;
    private int recvx;
    /** Items in the buffer. Written under lock; read without it by len() and the fast paths. */
    private volatile int qcount;
    /** Written once, under lock; read without it by the fast paths. */
    private volatile boolean closed;

    private Chan(int capacity) {
        this.dataqsiz = capacity;
        this.buf = capacity == 0 ? null : new Object[capacity];
    }

    /**
     * Makes an unbuffered channel: Go's {@code make(chan T)}.
     *
     * @param <T> element type
     * @return a new open channel
     */
    public static <T> Chan<T> make() {
        return new Chan<>(0);
    }

    /**
     * Makes a channel with a buffer of {@code capacity} elements (0 = unbuffered): Go's
     * {@code make(chan T, capacity)}.
     *
     * @param <T>      element type
     * @param capacity buffer size, at least 0
     * @return a new open channel
     * @throws IllegalArgumentException if capacity is negative
     */
    public static <T> Chan<T> make(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 0)");
        }
        return new Chan<>(capacity);
    }

    // ---------------------------------------------------------------- send

    /**
     * Sends a value, blocking until a receiver takes it (unbuffered) or there is buffer space:
     * Go's {@code c <- v}.
     *
     * @param value the value; not null
     * @throws NullPointerException   if value is null
     * @throws ChanClosedException    if the channel is closed, or closes while this send waits
     * @throws GoInterruptedException if the thread is interrupted while waiting (nothing sent)
     */
    public void send(T value) {
        requireElement(value);
        PreemptPoints.check();
        Sudog r;
        Sudog s;
        lock.lock();
        try {
            if (closed) {
                throw new ChanClosedException("send on closed channel");
            }
            r = sendNowLocked(value);
            if (r == null) {
                s = new Sudog("chan send", this, value);
                sendq.enqueue(s);
            } else {
                s = null;
            }
        } finally {
            lock.unlock();
        }
        if (r != null) {
            wake(r); // Go: goready after unlock
            return;
        }
        awaitPlain(s);
        if (!s.success) {
            throw new ChanClosedException("send on closed channel");
        }
    }

    /**
     * Sends without blocking: Go's {@code select { case c <- v: … default: }}.
     *
     * @param value the value; not null
     * @return true if sent; false if no receiver was waiting and the buffer was full
     * @throws NullPointerException if value is null
     * @throws ChanClosedException  if the channel is closed
     */
    public boolean trySend(T value) {
        requireElement(value);
        PreemptPoints.check();
        // Go's fast fail: not closed and full. Read full first (acquire), closed second: if the
        // channel was open at the second read it was open at the first, when it was full. (Go
        // reads closed first; with a receiver waiting and close racing, that order can report
        // "not ready" for a moment that never existed — jcstress ChanFastPathTest case 6.)
        if (isFullHint() && !closed) {
            return false;
        }
        Sudog r;
        lock.lock();
        try {
            if (closed) {
                throw new ChanClosedException("send on closed channel");
            }
            r = sendNowLocked(value);
        } finally {
            lock.unlock();
        }
        if (r == null) {
            return false;
        }
        wake(r);
        return true;
    }

    /**
     * A send for code that must never wait for a lock (timers firing on a machine): like
     * {@link #trySend} but gives up when the lock is busy, and never throws.
     *
     * @return 1 sent; 0 not sent (full, or closed); -1 the lock was busy, nothing done
     */
    int offer(T value) {
        if (!lock.tryLock()) {
            return -1;
        }
        Sudog r;
        try {
            if (closed) {
                return 0;
            }
            r = sendNowLocked(value);
        } finally {
            lock.unlock();
        }
        if (r == null) {
            return 0;
        }
        wake(r);
        return 1;
    }

    // ---------------------------------------------------------------- receive

    /**
     * Receives a value, blocking until one is available: Go's {@code v, ok := <-c}.
     *
     * @return the value, or {@code null} if the channel is closed and drained (Go's
     *         {@code ok == false})
     * @throws GoInterruptedException if the thread is interrupted while waiting (nothing received)
     */
    @SuppressWarnings("unchecked")
    public T recv() {
        PreemptPoints.check();
        Sudog s;
        Sudog r;
        Object v;
        lock.lock();
        try {
            if (closed && qcount == 0) {
                return null;
            }
            s = sendq.dequeue();
            if (s != null) {
                v = recvFromSender(s);
                r = null;
            } else if (qcount > 0) {
                return (T) dequeueBuffered();
            } else {
                r = new Sudog("chan receive", this, null);
                recvq.enqueue(r);
                v = null;
            }
        } finally {
            lock.unlock();
        }
        if (s != null) {
            LockSupport.unpark(s.thread);
            return (T) v;
        }
        awaitPlain(r);
        return r.success ? (T) r.elem : null;
    }

    /**
     * Receives without blocking: Go's {@code select { case v, ok := <-c: … default: }}.
     * Returns null both when nothing is ready and when the channel is closed and drained; use
     * {@link Select} with {@code orElse} to tell them apart.
     *
     * @return the value, or null
     */
    @SuppressWarnings("unchecked")
    public T tryRecv() {
        PreemptPoints.check();
        // Go's fast path: seen empty means "nothing to receive at that moment". Unlike Go's
        // (v, ok), tryRecv returns null both for "not ready" and for "closed and drained", so
        // the closed flag does not need to be read here (Select reports the difference).
        if (isEmptyHint()) {
            return null;
        }
        Sudog s;
        Object v;
        lock.lock();
        try {
            if (closed && qcount == 0) {
                return null;
            }
            s = sendq.dequeue();
            if (s != null) {
                v = recvFromSender(s);
            } else if (qcount > 0) {
                return (T) dequeueBuffered();
            } else {
                return null;
            }
        } finally {
            lock.unlock();
        }
        LockSupport.unpark(s.thread);
        return (T) v;
    }

    // ---------------------------------------------------------------- close, len, cap

    /**
     * Closes the channel: Go's {@code close(c)}. Buffered values can still be received; every
     * blocked receiver wakes with {@code null}; every blocked sender throws
     * {@link ChanClosedException}.
     *
     * @throws ChanClosedException if the channel is already closed
     */
    public void close() {
        List<Sudog> wake = new ArrayList<>();
        lock.lock();
        try {
            if (closed) {
                throw new ChanClosedException("close of closed channel");
            }
            closed = true;
            for (Sudog r; (r = recvq.dequeue()) != null; ) {
                r.elem = null;
                r.success = false;
                r.complete();
                wake.add(r);
            }
            for (Sudog s; (s = sendq.dequeue()) != null; ) {
                s.success = false;
                s.complete();
                wake.add(s);
            }
        } finally {
            lock.unlock();
        }
        for (Sudog w : wake) {
            LockSupport.unpark(w.thread);
        }
    }

    /** {@return the number of values in the buffer: Go's {@code len(c)}} */
    public int len() {
        return qcount;
    }

    /** {@return the buffer capacity: Go's {@code cap(c)}; 0 for an unbuffered channel} */
    public int cap() {
        return dataqsiz;
    }

    /**
     * Receives until the channel is closed and drained: Go's {@code for v := range c}. Each
     * {@code hasNext()} blocks in {@link #recv()}.
     */
    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            private T next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    next = recv();
                }
                return next != null;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("channel closed");
                }
                T v = next;
                next = null;
                return v;
            }
        };
    }

    @Override
    public String toString() {
        return "Chan[" + qcount + "/" + dataqsiz + (closed ? ", closed]" : "]");
    }

    // ---------------------------------------------------------------- internals (lock held unless said)

    boolean isClosedLocked() {
        return closed;
    }

    int qcountLocked() {
        return qcount;
    }


    /** What {@link #sendNowLocked} returns when the value went into the buffer (nobody to wake). */
    static final Sudog BUFFERED = new Sudog("buffered", null, null);

    /**
     * Go's chansend steps 4–5 on an open channel, lock held: hands the value to a waiting
     * receiver and returns it (the caller unparks it with {@link #wake} after unlocking), or
     * buffers it and returns {@link #BUFFERED}, or returns null when there is no room.
     */
    Sudog sendNowLocked(Object value) {
        Sudog r = recvq.dequeue();
        if (r != null) {
            sendDirect(r, value);
            return r;
        }
        if (qcount < dataqsiz) {
            enqueueBuffered(value);
            return BUFFERED;
        }
        return null;
    }

    /** Unparks the receiver {@link #sendNowLocked} completed, if any. Lock not held. */
    static void wake(Sudog r) {
        if (r != BUFFERED) {
            LockSupport.unpark(r.thread);
        }
    }

    /** Go's send: hands the value to a waiting receiver. Lock held. */
    void sendDirect(Sudog r, Object value) {
        r.elem = value;
        r.success = true;
        r.complete();
    }

    /** Appends to the buffer, which has space. Lock held. */
    void enqueueBuffered(Object value) {
        buf[sendx] = value;
        if (++sendx == dataqsiz) {
            sendx = 0;
        }
        qcount = qcount + 1;
    }

    /** Takes the buffer's head, which exists. Lock held. */
    Object dequeueBuffered() {
        Object v = buf[recvx];
        buf[recvx] = null;
        if (++recvx == dataqsiz) {
            recvx = 0;
        }
        qcount = qcount - 1;
        return v;
    }

    /**
     * Go's recv with a waiting sender: unbuffered, take its value; buffered (then full), take
     * the head and put the sender's value at the tail. Completes the sender. Lock held.
     */
    Object recvFromSender(Sudog s) {
        Object v;
        if (dataqsiz == 0) {
            v = s.elem;
        } else {
            v = buf[recvx];
            buf[recvx] = s.elem;
            if (++recvx == dataqsiz) {
                recvx = 0;
            }
            sendx = recvx;
        }
        s.elem = null;
        s.success = true;
        s.complete();
        return v;
    }

    /** Go's full(c), read without the lock. */
    private boolean isFullHint() {
        return dataqsiz == 0 ? recvq.isEmptyHint() : qcount == dataqsiz;
    }

    /** Go's empty(c), read without the lock. */
    private boolean isEmptyHint() {
        return dataqsiz == 0 ? sendq.isEmptyHint() : qcount == 0;
    }

    /**
     * Parks until a waker completes s (Go's gopark after enqueuing the sudog). On interrupt,
     * gives up if s is still queued; if a waker already took it, the operation happened and
     * the wait ends normally (the waker set {@code woken} before releasing the lock taken here).
     */
    private void awaitPlain(Sudog s) {
        while (!s.isWoken()) {
            LockSupport.park(s);
            if (!s.isWoken() && Thread.currentThread().isInterrupted()) {
                lock.lock();
                try {
                    if (s.queue != null) {
                        s.queue.remove(s);
                        throw new GoInterruptedException("interrupted while blocked in " + s.reason());
                    }
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    static void requireElement(Object value) {
        Objects.requireNonNull(value, "channel element: null (null marks a closed channel on receive;"
                + " send a non-null value, e.g. a sentinel or an Optional)");
    }
}
