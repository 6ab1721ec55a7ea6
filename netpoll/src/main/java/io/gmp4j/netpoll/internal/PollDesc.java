package io.gmp4j.netpoll.internal;

import io.gmp4j.runtime.spi.PollerTarget;
import io.gmp4j.runtime.spi.WaitReason;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One channel's registration with the poller: Go's {@code pollDesc}.
 *
 * <h2>Implementation notes</h2>
 * Per direction (read, write) a wait slot holds null (Go's {@code pdNil}: nothing), {@link
 * #READY} ({@code pdReady}: readiness reported, not consumed) or the waiting {@link Thread}.
 * A waiter publishes itself with a CAS from null before it parks (a wake-up that comes first
 * leaves the park permit), so Go's transient {@code pdWait} state is not needed. Whoever moves
 * the slot away from a thread — the poller (to READY), a deadline or a close (to null) — owns
 * the wake-up and the waiter count.
 *
 * <p>The selector is level-triggered where Go's epoll is edge-triggered. Interest in a direction
 * is armed when a thread is about to wait and left armed while threads keep waiting (no
 * selector update per wait); when the poller finds a direction ready with nobody waiting it
 * records READY and disarms it, so that unread data does not make every poll return at once.
 * Readiness found again while an earlier READY is still unconsumed (its goroutine, woken by an
 * earlier poll, waits in a run queue) is left armed for a few polls: disarming it would only make
 * that goroutine re-arm (measured: 0.3 re-arm requests per echo round trip before, 0.04–0.2 after).
 *
 * <p>Goroutines do not touch the selector (see {@link NioPoller}): what the selector must do for
 * this descriptor is a set of request bits ({@link #ARM_READ}, {@link #ARM_WRITE},
 * {@link #CONNECTED}, {@link #CLOSE}); the thread that sets the first bit queues the descriptor,
 * the applier takes all bits at once ({@link #takeRequests}). The channel is registered when a
 * thread first waits, and a close waits for the applier to deregister it
 * ({@link #deregistered()}) before the channel itself is closed.
 *
 * <p>Deadlines (Go's {@code rd}/{@code wd}): 0 none, -1 expired, else a point on {@link #nanotime()}.
 * A deadline timer's action takes no lock (Rule M, docs/ARCHITECTURE.md): it expires the
 * deadline only if the deadline it reads has passed, so a firing left over from an earlier
 * setting does nothing.
 */
public final class PollDesc {
    /** Readiness reported and not yet consumed (Go's pdReady). */
    static final Object READY = new Object() {
        @Override
        public String toString() {
            return "ready";
        }
    };
    public static final int READ = 0;
    public static final int WRITE = 1;

    /** {@link #await} results (Go's pollNoError, pollErrClosing, pollErrTimeout) and an interrupt. */
    public static final int OK = 0;
    public static final int ERR_CLOSING = 1;
    public static final int ERR_TIMEOUT = 2;
    public static final int ERR_INTERRUPTED = 3;
    /** The runtime that owns the poller closed: the registration is gone. */
    public static final int ERR_POLLER_CLOSED = 4;

    private static final long BASE = System.nanoTime();
    private static final VarHandle RG;
    private static final VarHandle WG;
    private static final VarHandle RD;
    private static final VarHandle WD;
    private static final VarHandle REQ;
    /** Request bits: arm read interest, arm write interest, stop watching OP_CONNECT, close. */
    static final int ARM_READ = 1;
    static final int ARM_WRITE = 2;
    static final int CONNECTED = 4;
    static final int CLOSE = 8;
    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            RG = l.findVarHandle(PollDesc.class, "rg", Object.class);
            WG = l.findVarHandle(PollDesc.class, "wg", Object.class);
            RD = l.findVarHandle(PollDesc.class, "rd", long.class);
            WD = l.findVarHandle(PollDesc.class, "wd", long.class);
            REQ = l.findVarHandle(PollDesc.class, "req", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final NioPoller poller;
    private final SelectableChannel channel;
    /** Written by the applier when it registers the channel; null before the first wait. */
    private volatile SelectionKey key;
    /** Pending request bits; the descriptor is in the poller's queue while they are not 0. */
    @SuppressWarnings("unused") private volatile int req;
    /** Whether any request was ever made (else a close has nothing to deregister). */
    private volatile boolean used;
    /** The thread closing the channel, waiting for {@link #deregistered()}. */
    private volatile Thread closer;
    private volatile boolean deregistered;
    /** Interest ops for reads (OP_READ or OP_ACCEPT) and writes (OP_WRITE, or OP_CONNECT while connecting). */
    private final int readOps;
    private volatile int writeOps;
    /** What the socket is, for dumps ("tcp 127.0.0.1:80<-127.0.0.1:5555"); may change after connect. */
    private volatile String description;

    @SuppressWarnings("unused") private volatile Object rg;
    @SuppressWarnings("unused") private volatile Object wg;
    @SuppressWarnings("unused") private volatile long rd;
    @SuppressWarnings("unused") private volatile long wd;
    private volatile boolean closing;
    private volatile boolean pollerClosed;
    /** Polls in a row that found the direction READY, not consumed (poller thread only, under its lock). */
    private final int[] staleReports = new int[2];
    private static final int STALE_REPORTS_BEFORE_DISARM = 3;
    private final IoWait readWait = new IoWait(this, READ);
    private final IoWait writeWait = new IoWait(this, WRITE);
    /** Serialises deadline changes (never taken by a timer action). */
    private final ReentrantLock deadlineLock = new ReentrantLock();
    private PollerTarget.InlineTimer readTimer;
    private PollerTarget.InlineTimer writeTimer;

    PollDesc(NioPoller poller, SelectableChannel channel, int readOps, int writeOps, String description) {
        this.poller = poller;
        this.channel = channel;
        this.readOps = readOps;
        this.writeOps = writeOps;
        this.description = description;
    }

    /** Nanoseconds on the deadline clock (monotonic, positive). */
    public static long nanotime() {
        return System.nanoTime() - BASE + 1;
    }

    public SelectableChannel channel() {
        return channel;
    }

    public void describe(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    public boolean isClosing() {
        return closing;
    }

    // ---------------------------------------------------------------- waiting (Go's netpollblock)

    /**
     * Go's {@code prepareRead}/{@code prepareWrite}: the error an operation must fail with before
     * it touches the socket (closed, deadline passed), or {@link #OK}.
     */
    public int check(int mode) {
        if (closing) {
            return ERR_CLOSING;
        }
        if (pollerClosed) {
            return ERR_POLLER_CLOSED;
        }
        if (deadline(mode) == -1) {
            return ERR_TIMEOUT;
        }
        return OK;
    }

    /**
     * Go's {@code pollWait}: parks the calling thread until the direction is ready, the channel
     * is closed, the deadline passes or the thread is interrupted. Returns {@link #OK} when the
     * caller should retry its operation, else the error. One thread per direction at a time
     * (callers hold the direction's lock).
     */
    public int await(int mode) {
        int err = check(mode);
        if (err != OK) {
            return err;
        }
        Thread self = Thread.currentThread();
        while (true) {
            Object s = slot(mode);
            if (s == READY) {
                if (cas(mode, READY, null)) {
                    return OK;
                }
                continue;
            }
            if (s != null) {
                throw new IllegalStateException("netpoll: two threads wait to " + (mode == READ ? "read" : "write")
                        + " on " + description + " (" + s + " and " + self + ")");
            }
            boolean armed = needsArm(mode);
            if (armed) {
                request(mode == READ ? ARM_READ : ARM_WRITE);
            }
            if (!publish(mode, self)) {
                continue;
            }
            // A close or deadline that ran before we published found no waiter: look again.
            err = check(mode);
            if (err != OK) {
                if (cas(mode, self, null)) {
                    poller.waiterRemoved();
                    return err;
                }
                // Somebody took us off the slot already and will unpark us: a harmless extra permit.
            } else {
                if (armed) {
                    poller.kick(); // the machine applies it once we unmount, or we do now
                }
                poller.waitStarted();
                IoWait reason = mode == READ ? readWait : writeWait;
                reason.restart();
                while (slot(mode) == self) {
                    LockSupport.park(reason);
                    if (Thread.currentThread().isInterrupted() && slot(mode) == self && cas(mode, self, null)) {
                        poller.waiterRemoved();
                        return ERR_INTERRUPTED;
                    }
                }
            }
            // Woken: READY (I/O ready: retry, even if a deadline passed meanwhile, as Go) or
            // null (closed, deadline).
            if (slot(mode) == READY && cas(mode, READY, null)) {
                return OK;
            }
            err = check(mode);
            if (err != OK) {
                return err;
            }
        }
    }

    /** Whether the selector does not watch the direction yet (or the channel is not registered). */
    private boolean needsArm(int mode) {
        SelectionKey k = key;
        if (k == null) {
            return true;
        }
        try {
            return (k.interestOps() & (mode == READ ? readOps : writeOps)) == 0;
        } catch (CancelledKeyException e) {
            return false; // closing or the poller closed: the check after publishing sees it
        }
    }

    // ---------------------------------------------------------------- requests (any thread)

    /** Adds request bits; the thread adding the first queues the descriptor. */
    void request(int bits) {
        used = true;
        int old = (int) REQ.getAndBitwiseOr(this, bits);
        if (old == 0) {
            poller.enqueue(this);
        }
    }

    /** Takes the pending bits (the applier, after dequeuing the descriptor). */
    int takeRequests() {
        return (int) REQ.getAndSet(this, 0);
    }

    /**
     * Asks for the channel's deregistration on behalf of {@code closer}, to be unparked when it
     * is done. False if the channel never waited and so was never registered (nor will be: a
     * descriptor that is closing is not registered any more).
     */
    boolean requestClose(Thread closer) {
        if (!used) {
            return false;
        }
        this.closer = closer;
        request(CLOSE);
        return true;
    }

    boolean isDeregistered() {
        return deregistered;
    }

    /**
     * The selector let go of the channel (or never had it). Returns the closing thread, for the
     * caller to make runnable (the poller hands it to its delivery, so that a poll that released
     * a closer does not go on to block with it undelivered), or null.
     */
    Thread deregistered() {
        deregistered = true;
        return closer;
    }

    /** {@link #applyRequests} results: nothing more to do; the key was cancelled; the close is done. */
    static final int APPLIED = 0;
    static final int CANCELLED = 1;
    static final int RELEASED = 2;

    /**
     * Applies the pending requests (the applier: a platform thread under the poll lock).
     * Returns {@link #CANCELLED} if the key was cancelled for a close: the caller must run the
     * select that deregisters it and then call {@link #deregistered()}; {@link #RELEASED} if a
     * close found nothing registered: the caller calls {@link #deregistered()} at once.
     */
    int applyRequests(Selector selector) {
        int r = takeRequests();
        SelectionKey k = key;
        if ((r & CLOSE) != 0) {
            if (k == null) {
                return RELEASED;
            }
            k.cancel();
            return CANCELLED;
        }
        if (r == 0 || closing) {
            return APPLIED; // a close follows: do not register now
        }
        int ops = ((r & ARM_READ) != 0 ? readOps : 0) | ((r & ARM_WRITE) != 0 ? writeOps : 0);
        try {
            if (k == null) {
                key = channel.register(selector, ops, this);
            } else {
                if ((r & CONNECTED) != 0) {
                    k.interestOpsAnd(~SelectionKey.OP_CONNECT);
                }
                if (ops != 0) {
                    k.interestOpsOr(ops);
                }
            }
        } catch (CancelledKeyException | java.nio.channels.ClosedChannelException e) {
            // closed meanwhile; the close request follows
        } catch (java.nio.channels.ClosedSelectorException e) {
            pollerClosed();
        }
        return APPLIED;
    }

    // ---------------------------------------------------------------- waking (Go's netpollunblock)

    /**
     * The selector reported the direction ready (the polling thread, under the poll lock): the
     * waiter, if any, goes to {@code ready}; otherwise READY is recorded and interest disarmed.
     */
    int ioReady(int mode, Consumer<Thread> ready) {
        while (true) {
            Object s = slot(mode);
            if (s instanceof Thread t) {
                if (cas(mode, t, READY)) {
                    poller.waiterRemoved();
                    staleReports[mode] = 0;
                    ready.accept(t);
                    return 1;
                }
                continue;
            }
            if (s == null) {
                if (cas(mode, null, READY)) {
                    staleReports[mode] = 0;
                    break;
                }
                continue;
            }
            // READY already: the goroutine an earlier poll woke has not consumed it yet (it is
            // in a run queue). It will read; disarming now would make it re-arm (two epoll_ctl
            // calls and a request). Only a report that stays unconsumed poll after poll is
            // disarmed, so that unread data does not keep every poll busy.
            if (++staleReports[mode] < STALE_REPORTS_BEFORE_DISARM) {
                return 0;
            }
            break;
        }
        // Nobody waits: level-triggered readiness would be reported on every poll until the
        // data is read. Disarm; a waiter that consumed READY meanwhile re-arms (it arms after
        // publishing itself), and if one already did, arm again.
        int op = mode == READ ? readOps : writeOps | SelectionKey.OP_CONNECT;
        SelectionKey k = key;
        if (k == null) {
            return 0; // not registered (only in the jcstress tests: the poller reports keys)
        }
        try {
            k.interestOpsAnd(~op);
            if (slot(mode) != READY) {
                k.interestOpsOr(op);
            }
        } catch (CancelledKeyException ignored) {
            // closed meanwhile
        }
        return 0;
    }

    /**
     * Wakes the direction's waiter without readiness (deadline, close): it re-checks why.
     * Returns true if there was a waiter and this call took it off the slot.
     */
    boolean unblock(int mode) {
        while (true) {
            Object s = slot(mode);
            if (!(s instanceof Thread t)) {
                return false;
            }
            if (cas(mode, t, null)) {
                poller.waiterRemoved();
                LockSupport.unpark(t);
                return true;
            }
        }
    }

    /**
     * A waiter publishes itself in the empty slot (before it parks) and counts as the poller's
     * waiter; false if the slot is not empty (readiness recorded meanwhile).
     */
    boolean publish(int mode, Thread waiter) {
        if (!cas(mode, null, waiter)) {
            return false;
        }
        poller.waiterAdded();
        return true;
    }

    /** The slot: 0 empty, 1 READY, 2 a waiting thread (jcstress tests). */
    int slotState(int mode) {
        Object s = slot(mode);
        return s == null ? 0 : s == READY ? 1 : 2;
    }

    // ---------------------------------------------------------------- deadlines

    /**
     * Go's {@code pollSetDeadline}: sets the deadline of the given directions; null clears it.
     * A deadline in the past expires at once and wakes the waiter.
     */
    public void setDeadline(boolean read, boolean write, Instant deadline) {
        if (deadline == null) {
            applyDeadline(read, write, 0, 0);
        } else {
            setDelay(read, write, nanosUntil(deadline));
        }
    }

    /**
     * Sets a deadline {@code timeout} from now on one direction (dial timeouts), on the
     * monotonic clock. Saturates: a timeout beyond {@code Long.MAX_VALUE} ns means "practically
     * never" (no {@code Instant} arithmetic to overflow); zero or negative expires at once.
     */
    public void setTimeout(int mode, Duration timeout) {
        long delay;
        try {
            delay = timeout.toNanos();
        } catch (ArithmeticException e) {
            delay = timeout.isNegative() ? -1 : Long.MAX_VALUE;
        }
        setDelay(mode == READ, mode == WRITE, delay);
    }

    /** A deadline {@code delay} ns from now ({@code <= 0}: already expired). */
    private void setDelay(boolean read, boolean write, long delay) {
        long when;
        if (delay <= 0) {
            when = -1;
        } else {
            long now = nanotime();
            when = now + delay;
            if (when < now) {
                when = Long.MAX_VALUE; // saturated
            }
        }
        applyDeadline(read, write, when, delay);
    }

    private void applyDeadline(boolean read, boolean write, long when, long delay) {
        deadlineLock.lock();
        try {
            if (read) {
                readTimer = setDeadlineLocked(READ, when, delay, readTimer);
            }
            if (write) {
                writeTimer = setDeadlineLocked(WRITE, when, delay, writeTimer);
            }
        } finally {
            deadlineLock.unlock();
        }
    }

    private PollerTarget.InlineTimer setDeadlineLocked(int mode, long when, long delay, PollerTarget.InlineTimer timer) {
        (mode == READ ? RD : WD).setVolatile(this, when);
        if (when > 0) {
            if (timer == null) {
                timer = poller.target().newTimer(() -> expire(mode));
            }
            timer.reset(delay);
        } else if (timer != null) {
            timer.stop();
        }
        if (when == -1) {
            unblock(mode);
        }
        return timer;
    }

    /** A deadline timer fired: expire the deadline if the one set now has passed. No locks. */
    private void expire(int mode) {
        VarHandle h = mode == READ ? RD : WD;
        long w = (long) h.getVolatile(this);
        if (w > 0 && nanotime() - w >= 0 && h.compareAndSet(this, w, -1L)) {
            unblock(mode);
        }
    }

    private long deadline(int mode) {
        return mode == READ ? (long) RD.getVolatile(this) : (long) WD.getVolatile(this);
    }

    private static long nanosUntil(Instant deadline) {
        Instant now = Instant.now();
        try {
            return Duration.between(now, deadline).toNanos();
        } catch (ArithmeticException e) {
            return deadline.isBefore(now) ? -1 : Long.MAX_VALUE;
        }
    }

    // ---------------------------------------------------------------- close

    /** Connected: writes wait for OP_WRITE from now on; OP_CONNECT is disarmed. */
    public void connected() {
        writeOps = SelectionKey.OP_WRITE;
        request(CONNECTED); // applied with the next request or poll; till then OP_CONNECT fires at most once
    }

    /**
     * Go's {@code pollUnblock} then {@code close}: marks the descriptor closing, wakes both
     * waiters (they fail with "use of closed connection"), stops the deadline timers.
     * The caller then calls {@link NioPoller#deregister} and closes the channel.
     */
    public void evict() {
        closing = true;
        unblock(READ);
        unblock(WRITE);
        deadlineLock.lock();
        try {
            if (readTimer != null) {
                readTimer.stop();
            }
            if (writeTimer != null) {
                writeTimer.stop();
            }
        } finally {
            deadlineLock.unlock();
        }
    }

    /** The poller closed with its runtime: waiters fail. */
    void pollerClosed() {
        pollerClosed = true;
        unblock(READ);
        unblock(WRITE);
    }

    /** Slots, pending requests and close state (diagnostics). */
    String debugState() {
        return "rg=" + rg + " wg=" + wg + " req=" + req + " closing=" + closing + " deregistered=" + deregistered;
    }

    private Object slot(int mode) {
        return mode == READ ? RG.getVolatile(this) : WG.getVolatile(this);
    }

    private boolean cas(int mode, Object expect, Object value) {
        return mode == READ ? RG.compareAndSet(this, expect, value) : WG.compareAndSet(this, expect, value);
    }

    /** The operation a wait in the direction stands for: read, accept, write or connect. */
    String opName(int mode) {
        if (mode == READ) {
            return readOps == SelectionKey.OP_ACCEPT ? "accept" : "read";
        }
        return writeOps == SelectionKey.OP_CONNECT ? "connect" : "write";
    }

    /**
     * Go's "IO wait", with the operation and the socket: one per direction, reused by every
     * wait (one waiter per direction at a time), restarted unstamped by each.
     */
    static final class IoWait extends WaitReason {
        private final PollDesc pd;
        private final int mode;

        IoWait(PollDesc pd, int mode) {
            super("IO wait", UNSTAMPED);
            this.pd = pd;
            this.mode = mode;
        }

        void restart() {
            unstamp();
        }

        @Override
        public String detail() {
            return pd.opName(mode) + " " + pd.description();
        }
    }
}
