package io.gmp4j.netpoll.internal;

import io.gmp4j.runtime.spi.Poller;
import io.gmp4j.runtime.spi.PollerTarget;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * gmp4j's network poller: one {@link Selector} (epoll on Linux) per runtime, Go's
 * {@code netpoll_epoll.go} on NIO.
 *
 * <h2>Implementation notes</h2>
 * <b>Only platform threads touch the selector.</b> The JDK's selector synchronises on monitors
 * (its update lock, its wake-up lock, the cancelled-key set, each channel's key lock) that the
 * polling machines take too; by Rule M (docs/ARCHITECTURE.md) no goroutine may hold or queue
 * for one. So goroutines never call the selector: they record what they need in their
 * descriptor ({@link PollDesc}: arm reading, arm writing, connect done, close) and queue it in
 * {@link #requests}; a platform thread applies the queue under {@link #pollLock}: every poll
 * does before it selects, and a goroutine that parks has its machine do it right after it
 * unmounts ({@link PollerTarget#runAfterPark}, Go's {@code gopark} unlock function). Platform
 * threads and virtual threads of other schedulers (whose carriers never poll) apply the queue
 * themselves.
 *
 * <p>{@link #pollLock} serialises polls and the application of requests. A thread that finds it
 * held leaves its request to the holder: a blocked select is woken ({@link #selecting} says one
 * is in progress), and every holder drains the queue again after it unlocks. So a request is
 * never left in the queue while nobody will apply it.
 *
 * <p>A channel closed while registered keeps its descriptor until a select deregisters it, and
 * that select would then close it on a machine, taking the channel's own locks. So a close
 * cancels the key through the queue, the applier runs a non-blocking select that deregisters it,
 * and only then does the closing thread close the channel, which, no longer registered, releases
 * its descriptor at once.
 *
 * <p>{@link #wakeup()} from a virtual thread (the scheduler adding an earlier timer while a
 * machine blocks here) is passed to a small platform thread of the poller, for the same reason.
 */
public final class NioPoller implements Poller {
    private static final System.Logger LOG = System.getLogger("io.gmp4j.netpoll");

    private final PollerTarget target;
    private final Selector selector;
    private final ReentrantLock pollLock = new ReentrantLock();
    /** A thread is inside a blocking select (set and cleared under pollLock). */
    private volatile boolean selecting;
    private volatile boolean closed;
    /** Descriptors with requests for the selector (each queued once until applied). */
    private final ConcurrentLinkedQueue<PollDesc> requests = new ConcurrentLinkedQueue<>();
    /** Keys cancelled by the application in progress, waiting for the select that deregisters them. */
    private final ArrayList<PollDesc> deregistering = new ArrayList<>();
    /** What a goroutine's machine runs after the goroutine parks (one object: see runAfterPark). */
    private final Runnable applier = () -> applyRequests(LockSupport::unpark);
    private final AtomicInteger waiters = new AtomicInteger();
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong wakeups = new AtomicLong();
    private final AtomicLong readied = new AtomicLong();
    private final AtomicLong requested = new AtomicLong();
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    /**
     * A wake-up was asked for and no blocking poll has consumed it yet (Go's netpollWakeSig).
     * Set by any thread before it wakes the selector; taken by a blocking poll, under pollLock,
     * right before it would block. Needed because a wake-up cannot live in the selector alone:
     * {@code selectNow()} — a non-blocking poll, a deregistration — clears a pending
     * {@code Selector.wakeup()}, and the timer waiter may ask for one (a timer came due sooner)
     * before it reaches select. Like Go, a blocking poll may so return once for a wake-up meant
     * for an earlier one (a spurious return: its caller polls again).
     */
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final AtomicReference<Thread> waker = new AtomicReference<>();

    NioPoller(PollerTarget target) {
        this.target = target;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("netpoll: cannot open a selector (file descriptor limit?): " + e.getMessage(), e);
        }
    }

    PollerTarget target() {
        return target;
    }

    /**
     * A descriptor for a non-blocking channel. The channel is registered with the selector when
     * a thread first waits on it (by the thread applying that request).
     *
     * @param readOps  OP_READ, or OP_ACCEPT for a listener
     * @param writeOps OP_WRITE, or OP_CONNECT while connecting
     * @throws IOException if the poller is closed
     */
    public PollDesc register(SelectableChannel ch, int readOps, int writeOps, String description) throws IOException {
        if (closed) {
            throw new IOException(description + ": the runtime's network poller is closed (its runtime was closed)");
        }
        return new PollDesc(this, ch, readOps, writeOps, description);
    }

    // ---------------------------------------------------------------- Poller

    @Override
    public int poll(long delayNanos, Consumer<Thread> ready) {
        if (closed) {
            return 0;
        }
        if (delayNanos == 0) {
            if (!pollLock.tryLock()) {
                return 0;
            }
        } else {
            pollLock.lock();
        }
        Delivery d = new Delivery(ready);
        try {
            if (closed) {
                return 0;
            }
            polls.incrementAndGet();
            if (delayNanos == 0) {
                applyLocked(d);
                selector.selectNow(d);
            } else {
                selecting = true; // before draining: a request queued after the drain wakes the select
                try {
                    applyLocked(d);
                    if (d.count == 0) {
                        // Go's epoll conversion: < 1 ms waits 1 ms; select(0) would wait forever.
                        // Rounded up, saturated: a delay near Long.MAX_VALUE (a timer saturated
                        // at "never") must not wrap to a negative and so to a 1 ms busy poll.
                        long ms = delayNanos < 0 ? 0
                                : Math.max(1, TimeUnit.NANOSECONDS.toMillis(delayNanos > Long.MAX_VALUE - 999_999
                                        ? Long.MAX_VALUE : delayNanos + 999_999));
                        if (wakePending.getAndSet(false)) {
                            selector.selectNow(d); // woken before blocking: deliver what is ready, return
                        } else {
                            selector.select(d, ms); // a wake-up from now on interrupts it or is pending for it
                        }
                    }
                } finally {
                    selecting = false;
                }
                applyLocked(d); // what was queued during the select (it woke us)
            }
        } catch (ClosedSelectorException e) {
            return 0;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "netpoll: select failed", e);
        } finally {
            pollLock.unlock();
        }
        readied.addAndGet(d.count);
        if (!requests.isEmpty()) {
            applyRequests(ready); // queued while we held the lock, by threads that left it to us
        }
        return d.count;
    }

    /** Passes each selected key's readiness to its descriptor; counts the threads readied. */
    private static final class Delivery implements Consumer<SelectionKey> {
        private final Consumer<Thread> ready;
        int count;

        Delivery(Consumer<Thread> ready) {
            this.ready = ready;
        }

        /** A close is done: its closing thread goes to {@code ready} with the threads readied. */
        void release(PollDesc pd) {
            Thread c = pd.deregistered();
            if (c != null) {
                ready.accept(c);
                count++;
            }
        }

        @Override
        public void accept(SelectionKey k) {
            PollDesc pd = (PollDesc) k.attachment();
            int ops;
            try {
                ops = k.readyOps();
            } catch (java.nio.channels.CancelledKeyException e) {
                return;
            }
            if ((ops & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
                count += pd.ioReady(PollDesc.READ, ready);
            }
            if ((ops & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
                count += pd.ioReady(PollDesc.WRITE, ready);
            }
        }
    }

    @Override
    public void wakeup() {
        wakeups.incrementAndGet();
        wakePending.set(true);
        if (!Thread.currentThread().isVirtual()) {
            selector.wakeup();
        } else if (!wakeRequested.getAndSet(true)) {
            LockSupport.unpark(waker());
        }
    }

    /** The platform thread that wakes the selector for virtual threads, started on first use. */
    private Thread waker() {
        Thread w = waker.get();
        if (w != null) {
            return w;
        }
        Thread t = Thread.ofPlatform().daemon().name(target.name() + "-netpoll-waker").unstarted(this::wakerLoop);
        if (waker.compareAndSet(null, t)) {
            t.start();
            return t;
        }
        return waker.get();
    }

    private void wakerLoop() {
        while (!closed) {
            if (wakeRequested.getAndSet(false)) {
                selector.wakeup();
            } else {
                LockSupport.park(this);
            }
        }
    }

    /**
     * Requests queued while a select blocks are normally handed over by their thread's machine,
     * which wakes the select; a goroutine pinned to its carrier (a native frame on its stack)
     * never unmounts, so nobody does: the monitor's tick wakes the select then.
     */
    @Override
    public void monitorTick() {
        if (selecting && !requests.isEmpty()) {
            breakSelect();
        }
    }

    /** Wakes a blocking select from a platform thread, or the next one if none blocks yet (see {@link #wakePending}). */
    private void breakSelect() {
        wakePending.set(true);
        selector.wakeup();
    }

    /** Whether a thread blocks in select now (diagnostics, tests). */
    public boolean isSelecting() {
        return selecting;
    }

    @Override
    public boolean hasWaiters() {
        return waiters.get() > 0 || !requests.isEmpty();
    }

    @Override
    public int waiters() {
        return waiters.get();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        selector.wakeup();
        Thread w = waker.get();
        if (w != null) {
            LockSupport.unpark(w);
        }
        pollLock.lock();
        try {
            for (SelectionKey k : selector.keys()) {
                if (k.attachment() instanceof PollDesc pd) {
                    pd.pollerClosed();
                }
            }
            selector.close();
            applyLocked(null);
        } catch (IOException | ClosedSelectorException e) {
            LOG.log(System.Logger.Level.DEBUG, "netpoll: closing the selector", e);
        } finally {
            pollLock.unlock();
        }
        applyRequests(LockSupport::unpark);
    }

    // ---------------------------------------------------------------- requests

    void waiterAdded() {
        waiters.incrementAndGet();
    }

    void waiterRemoved() {
        waiters.decrementAndGet();
    }

    /** A thread registered a wait: make sure someone polls (platform threads, idle runtimes). */
    void waitStarted() {
        target.pollerNeeded();
    }

    /** Queues a descriptor that has new requests (its first since the last application). */
    void enqueue(PollDesc pd) {
        requested.incrementAndGet();
        requests.offer(pd);
        if (closed) {
            applyRequests(LockSupport::unpark); // the closing thread may have drained already
        }
    }

    /**
     * Has the queued requests applied soon on a platform thread: by the caller's machine after
     * the calling goroutine parks (the caller must park next), else by the caller itself.
     */
    void kick() {
        if (!target.runAfterPark(applier)) {
            applyRequests(LockSupport::unpark);
        }
    }

    /**
     * Applies the queued requests if no other thread holds the poll lock; otherwise leaves them
     * to that thread (waking it if it blocks in select), which drains the queue after unlocking.
     */
    private void applyRequests(Consumer<Thread> ready) {
        while (!requests.isEmpty()) {
            if (!pollLock.tryLock()) {
                if (selecting) {
                    breakSelect();
                }
                return;
            }
            Delivery d = new Delivery(ready);
            try {
                applyLocked(closed ? null : d);
            } catch (ClosedSelectorException e) {
                // closed meanwhile: close() drains the queue once more after it unlocks
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "netpoll: select failed", e);
            } finally {
                pollLock.unlock();
            }
            readied.addAndGet(d.count);
        }
    }

    /**
     * Applies every queued request (under pollLock): registrations and interest for waits, and
     * closes: their keys are cancelled, one non-blocking select deregisters them (delivering
     * readiness to {@code d}), then their closing threads are released. With a null delivery
     * (the poller is closed) closes are released at once and waits fail.
     */
    private void applyLocked(Delivery d) throws IOException {
        PollDesc pd;
        while ((pd = requests.poll()) != null) {
            if (d == null) {
                pd.takeRequests();
                pd.pollerClosed();
                Thread c = pd.deregistered();
                if (c != null) {
                    LockSupport.unpark(c);
                }
                continue;
            }
            int r = pd.applyRequests(selector);
            if (r == PollDesc.CANCELLED) {
                deregistering.add(pd);
            } else if (r == PollDesc.RELEASED) {
                d.release(pd);
            }
        }
        if (!deregistering.isEmpty()) {
            try {
                selector.selectNow(d);
            } finally {
                for (PollDesc c : deregistering) {
                    d.release(c);
                }
                deregistering.clear();
            }
        }
    }

    /**
     * Waits until the selector has let go of {@code pd}'s channel (called by the closing thread
     * after {@link PollDesc#evict}); the caller then closes the channel, which releases its
     * descriptor at once. Returns at once for a channel that never waited.
     */
    public void deregister(PollDesc pd) {
        if (!pd.requestClose(Thread.currentThread())) {
            return;
        }
        waiterAdded();
        boolean interrupted = false;
        try {
            kick();
            while (!pd.isDeregistered()) {
                LockSupport.park(pd);
                if (Thread.interrupted()) {
                    interrupted = true; // a close completes; the status is restored below
                }
            }
        } finally {
            waiterRemoved();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Keys registered with the selector now (tests: nothing leaks after close). */
    public int registrations() {
        try {
            return selector.keys().size();
        } catch (ClosedSelectorException e) {
            return 0;
        }
    }

    /** Polls made, wake-ups asked for, threads readied, descriptors queued with requests (diagnostics). */
    public long[] counters() {
        return new long[] {polls.get(), wakeups.get(), readied.get(), requested.get()};
    }

    /** The poller's state and each registration's (diagnostics: tests print it when they stall). */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("NioPoller(requests=").append(requests.size())
                .append(", selecting=").append(selecting).append(", locked=").append(pollLock.isLocked())
                .append(", waiters=").append(waiters.get());
        try {
            for (SelectionKey k : selector.keys()) {
                if (k.attachment() instanceof PollDesc pd) {
                    b.append("\n  ").append(pd.description()).append(" valid=").append(k.isValid());
                    try {
                        b.append(" interest=").append(k.interestOps());
                    } catch (RuntimeException ignored) {
                    }
                    b.append(" ").append(pd.debugState());
                }
            }
        } catch (RuntimeException ignored) {
        }
        return b.append(")").toString();
    }

    public boolean isClosed() {
        return closed;
    }
}
