package io.gmp4j.runtime;

import io.gmp4j.runtime.internal.RuntimeTimer;
import io.gmp4j.runtime.internal.TimerService;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;

/**
 * The runtime timer behind {@link Timer} and {@link Ticker} (Go's {@code time.Timer}/
 * {@code time.Ticker} with Go 1.23 semantics): it sends the time on a one-slot channel without
 * blocking, so a slow receiver misses ticks instead of piling them up, or it starts a goroutine
 * ({@code afterFunc}). Stop and reset drain the channel and invalidate a firing already in
 * flight ({@link RuntimeTimer#seq}), so no stale value is received after they return. All
 * owner operations and the send run under this object's monitor.
 */
final class ChanTimer extends RuntimeTimer {
    private static final System.Logger LOG = System.getLogger("io.gmp4j.runtime");

    private final GoRuntime rt;
    private final TimerService timers;
    private final Chan<Instant> c;
    private final Runnable f;

    ChanTimer(GoRuntime rt, Runnable f) {
        this.rt = rt;
        this.timers = rt.timers();
        this.f = f;
        this.c = f == null ? Chan.make(1) : null;
    }

    Chan<Instant> channel() {
        return c;
    }

    synchronized void start(Duration d, long period) {
        seq++;
        timers.add(this, deadline(nanos(d)), period);
    }

    /** Go's Timer.Stop: true if this call stopped the timer before it delivered its value. */
    synchronized boolean stop() {
        // Remove first, then bump seq: a heap that popped this timer before the removal read
        // the old seq, so its firing is dropped below. (Bumping first would let a pop between
        // the bump and the removal carry the new seq and deliver a stale value.)
        boolean stopped = timers.stop(this);
        seq++;
        if (c != null && c.tryRecv() != null) {
            stopped = true; // fired, but the value was never received: Go 1.23 counts it as stopped
        }
        return stopped;
    }

    /** Go's Timer.Reset/Ticker.Reset: re-arms; true if the timer had been active. */
    synchronized boolean reset(Duration d, long period) {
        boolean active = stop();
        seq++;
        timers.add(this, deadline(nanos(d)), period);
        return active;
    }

    @Override
    protected void fire(long firedSeq, long now) {
        if (f != null) {
            synchronized (this) {
                if (firedSeq != seq) {
                    return;
                }
            }
            try {
                rt.go(f);
            } catch (RejectedExecutionException e) {
                LOG.log(Level.DEBUG, "afterFunc dropped: runtime closed");
            }
            return;
        }
        synchronized (this) {
            if (firedSeq == seq) {
                c.trySend(Instant.now());
            }
        }
    }

    static long nanos(Duration d) {
        Objects.requireNonNull(d, "duration");
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
