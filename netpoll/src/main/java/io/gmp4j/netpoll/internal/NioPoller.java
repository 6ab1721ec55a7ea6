package io.gmp4j.netpoll.internal;

import io.gmp4j.runtime.spi.Poller;
import io.gmp4j.runtime.spi.PollerTarget;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * gmp4j's network poller: one {@link Selector} (epoll on Linux) per runtime, Go's
 * {@code netpoll_epoll.go} on NIO.
 *
 * <h2>Implementation notes</h2>
 * A selector serialises its select operations on itself, so {@link #pollLock} serialises polls
 * here first: a non-blocking poll that finds another in progress returns at once (the other
 * delivers), as Go's findRunnable skips {@code netpoll(0)} while an M blocks in it. Interest
 * changes and registrations do not take the selector's lock, but a blocked select sees them only
 * when it next starts: {@link #interestChanged()} wakes it ({@link Selector#wakeup()}, which the
 * JDK de-duplicates until the select returns). That check is a Dekker pair with
 * {@link #selecting}: the arming thread queues its update (under the selector's update lock)
 * then reads the flag; the poller writes the flag then takes the update lock to apply pending
 * updates, so either the update is applied before the select blocks or the wake-up comes.
 *
 * <p>A cancelled key is deregistered only by the next select, and a channel closed while still
 * registered keeps its descriptor until then; {@link #flush} runs that select (or wakes the
 * blocked one) before the channel is closed, so a close releases the descriptor at once.
 */
public final class NioPoller implements Poller {
    private static final System.Logger LOG = System.getLogger("io.gmp4j.netpoll");

    private final PollerTarget target;
    private final Selector selector;
    private final ReentrantLock pollLock = new ReentrantLock();
    /** A thread is inside a blocking select (set and cleared under pollLock). */
    private volatile boolean selecting;
    private volatile boolean closed;
    private final AtomicInteger waiters = new AtomicInteger();
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong wakeups = new AtomicLong();
    private final AtomicLong readied = new AtomicLong();

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
     * Registers a non-blocking channel; interest is armed later, when a thread waits.
     *
     * @param readOps  OP_READ, or OP_ACCEPT for a listener
     * @param writeOps OP_WRITE, or OP_CONNECT while connecting
     * @throws IOException if the poller is closed or the channel cannot be registered
     */
    public PollDesc register(SelectableChannel ch, int readOps, int writeOps, String description) throws IOException {
        PollDesc pd = new PollDesc(this, ch, readOps, writeOps, description);
        try {
            pd.key = ch.register(selector, 0, pd);
        } catch (ClosedSelectorException e) {
            throw new IOException(description + ": the runtime's network poller is closed (its runtime was closed)", e);
        }
        return pd;
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
        try {
            if (closed) {
                return 0;
            }
            polls.incrementAndGet();
            Delivery d = new Delivery(ready);
            if (delayNanos == 0) {
                selector.selectNow(d);
            } else {
                selecting = true;
                try {
                    // Go's epoll conversion: < 1 ms waits 1 ms; select(0) would wait forever.
                    long ms = delayNanos < 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(delayNanos + 999_999));
                    selector.select(d, ms);
                } finally {
                    selecting = false;
                }
            }
            readied.addAndGet(d.count);
            return d.count;
        } catch (ClosedSelectorException e) {
            return 0;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "netpoll: select failed", e);
            return 0;
        } finally {
            pollLock.unlock();
        }
    }

    /** Passes each selected key's readiness to its descriptor; counts the threads readied. */
    private static final class Delivery implements Consumer<SelectionKey> {
        private final Consumer<Thread> ready;
        int count;

        Delivery(Consumer<Thread> ready) {
            this.ready = ready;
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
        selector.wakeup();
    }

    @Override
    public boolean hasWaiters() {
        return waiters.get() > 0;
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
        pollLock.lock();
        try {
            for (SelectionKey k : selector.keys()) {
                if (k.attachment() instanceof PollDesc pd) {
                    pd.pollerClosed();
                }
            }
            selector.close();
        } catch (IOException | ClosedSelectorException e) {
            LOG.log(System.Logger.Level.DEBUG, "netpoll: closing the selector", e);
        } finally {
            pollLock.unlock();
        }
    }

    // ---------------------------------------------------------------- for descriptors

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

    /** Interest was armed: a blocked select must start again to see it. */
    void interestChanged() {
        if (selecting) {
            selector.wakeup();
        }
    }

    /**
     * Waits until the selector has deregistered {@code ch}, whose key was cancelled: a selector
     * deregisters cancelled keys only in its next select. Runs a non-blocking select if no poll
     * is in progress, else wakes the blocked one (it deregisters on its way out). The caller then
     * closes the channel, which, no longer registered, releases its descriptor at once.
     */
    public void flush(SelectableChannel ch) {
        while (!closed && ch.isRegistered()) {
            if (pollLock.tryLock()) {
                try {
                    if (!closed) {
                        selector.selectNow(new Delivery(java.util.concurrent.locks.LockSupport::unpark));
                    }
                } catch (IOException | ClosedSelectorException e) {
                    LOG.log(System.Logger.Level.DEBUG, "netpoll: flush", e);
                } finally {
                    pollLock.unlock();
                }
                continue;
            }
            if (selecting) {
                selector.wakeup();
            }
            Thread.onSpinWait(); // a poll holds the lock for microseconds once it is awake
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

    /** Polls made, wake-ups asked for, threads readied (diagnostics). */
    public long[] counters() {
        return new long[] {polls.get(), wakeups.get(), readied.get()};
    }

    public boolean isClosed() {
        return closed;
    }
}
