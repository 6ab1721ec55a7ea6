package io.gmp4j.runtime;

import io.gmp4j.runtime.internal.RuntimeTimer;
import io.gmp4j.runtime.internal.TimerService;
import io.gmp4j.runtime.spi.PollerTarget;

import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A runtime timer whose action runs inline where the timers run (the poller's deadline
 * timers, Go's {@code netpollReadDeadline}). Owner operations are serialised by {@link #lock};
 * {@link #fire} takes no lock (Rule M, docs/ARCHITECTURE.md: it runs on a machine holding a
 * processor) and drops a firing whose sequence number is stale.
 */
final class InlineRuntimeTimer extends RuntimeTimer implements PollerTarget.InlineTimer {
    private final TimerService timers;
    private final Runnable action;
    private final ReentrantLock lock = new ReentrantLock();

    InlineRuntimeTimer(TimerService timers, Runnable action) {
        this.timers = timers;
        this.action = Objects.requireNonNull(action, "action");
    }

    @Override
    public void reset(long delayNanos) {
        lock.lock();
        try {
            timers.stop(this);
            seq++;
            timers.add(this, deadline(delayNanos), 0);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean stop() {
        lock.lock();
        try {
            boolean stopped = timers.stop(this); // remove first, then bump: see ChanTimer.stop
            seq++;
            return stopped;
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected void fire(long firedSeq, long now) {
        if (firedSeq == seq) {
            action.run();
        }
    }
}
