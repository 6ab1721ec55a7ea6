package io.gmp4j.runtime;

import io.gmp4j.runtime.internal.RuntimeTimer;
import io.gmp4j.runtime.internal.TimerService;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The runtime timer behind {@link Timer} and {@link Ticker} (Go's {@code time.Timer}/
 * {@code time.Ticker} with Go 1.23 semantics): it sends the time on a one-slot channel without
 * blocking, so a slow receiver misses ticks instead of piling them up, or it starts a goroutine
 * ({@code afterFunc}). Stop and reset drain the channel and invalidate a firing already in
 * flight ({@link RuntimeTimer#seq}), so no stale value is received after they return.
 *
 * <h2>Implementation notes</h2>
 * Owner operations and the delivery run under {@link #lock}. Rule M (docs/ARCHITECTURE.md):
 * {@link #fire} runs on a machine that holds a processor, and {@link #lock} or the channel's
 * lock may be held by a parked goroutine, so {@code fire} only tries them; if either is busy it
 * hands the delivery to a new goroutine, which may block.
 *
 * <p><b>Stop racing the firing.</b> A one-shot timer popped by a heap is in no heap until its
 * firing delivers, so "not in a heap" does not mean "fired": stop must not answer false in that
 * window, because its {@code seq} bump cancels the delivery (the value would be neither
 * received nor reported as stopped, and the usual {@code if (!t.stop()) t.c().recv()} would
 * wait forever). The heap records the popped {@code seq} ({@link RuntimeTimer#claimFiring});
 * stop and reset claim it under {@link #lock}: if they win, the firing was in flight and is now
 * cancelled, so the timer counts as stopped (Go's {@code isSending}). The firing claims it, also
 * under {@link #lock}, only once its value is in the channel, so a stop that loses finds the
 * value there and drains it (true), or finds it received (false). A firing that must hand its
 * delivery to a goroutine leaves the record in place until that goroutine delivers or is
 * cancelled. Either way the answer is false only if the value really was delivered and received.
 */
final class ChanTimer extends RuntimeTimer {
    private static final System.Logger LOG = System.getLogger("io.gmp4j.runtime");

    private final GoRuntime rt;
    private final TimerService timers;
    private final Chan<Instant> c;
    private final Runnable f;
    private final ReentrantLock lock = new ReentrantLock();

    ChanTimer(GoRuntime rt, Runnable f) {
        this.rt = rt;
        this.timers = rt.timers();
        this.f = f;
        this.c = f == null ? Chan.make(1) : null;
    }

    Chan<Instant> channel() {
        return c;
    }

    void start(Duration d, long period) {
        long delay = nanos(d);
        lock.lock();
        try {
            seq++;
            timers.add(this, deadline(delay), period);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Go's Timer.Stop: true if this call stopped the timer before its value was received (it
     * was in a heap, its firing was in flight, or its value was still in the channel).
     */
    boolean stop() {
        lock.lock();
        try {
            // Remove first, then bump seq: a heap that popped this timer before the removal read
            // the old seq, so its firing is dropped. (Bumping first would let a pop between the
            // bump and the removal carry the new seq and deliver a stale value.)
            boolean stopped = timers.stop(this);
            if (c != null && claimFiring(seq)) {
                // Popped but not delivered: the bump below cancels that delivery, so nothing was
                // sent and the timer counts as stopped. (An afterFunc's f starts whatever stop
                // does, so it has nothing to claim.)
                stopped = true;
            }
            seq++;
            if (c != null && c.tryRecv() != null) {
                stopped = true; // fired, but the value was never received: Go 1.23 counts it as stopped
            }
            return stopped;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Go's Timer.Reset/Ticker.Reset: re-arms; true if the timer had been active. The duration is
     * checked before anything changes, so a refused call leaves the timer as it was.
     */
    boolean reset(Duration d, long period) {
        long delay = nanos(d);
        lock.lock();
        try {
            boolean active = stop();
            seq++;
            timers.add(this, deadline(delay), period);
            return active;
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected void fire(long firedSeq, long now) {
        if (f != null) {
            // Go: "if t.Stop returns false, the timer has already expired and f has been started
            // in its own goroutine". The heap popped this timer, so a stop now returns false: f
            // must start whatever seq says.
            spawn(f);
            return;
        }
        if (lock.tryLock()) {
            try {
                if (firedSeq != seq) {
                    return; // stopped or reset since the pop (which claimed or superseded this firing)
                }
                if (c.offer(Instant.now()) >= 0) {
                    // Sent, or dropped because the slot is full (a slow receiver misses ticks).
                    // Claimed only now, still under the lock: a stop after this finds the value.
                    // (A ticker's firings are never recorded; the claim then does nothing.)
                    claimFiring(firedSeq);
                    return;
                }
            } finally {
                lock.unlock();
            }
        }
        // A lock was busy: deliver from a goroutine, which may wait. The firing stays recorded
        // as in flight, so a stop before that delivery cancels it and reports true.
        spawn(() -> deliver(firedSeq));
    }

    private void deliver(long firedSeq) {
        lock.lock();
        try {
            if (firedSeq == seq) {
                claimFiring(firedSeq); // under the lock with the send: see fire
                c.trySend(Instant.now());
            }
        } catch (ChanClosedException e) {
            // the user closed the timer's channel: nothing to deliver
        } finally {
            lock.unlock();
        }
    }

    private void spawn(Runnable task) {
        try {
            rt.go(task);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "timer delivery dropped: runtime closed");
        }
    }

    static long nanos(Duration d) {
        return saturatedNanos(Objects.requireNonNull(d, "duration"));
    }
}
