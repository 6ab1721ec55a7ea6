package io.gmp4j.runtime;

import java.util.concurrent.locks.ReentrantLock;

/**
 * A channel's lock: a {@link ReentrantLock} that spins briefly before it parks, as Go's runtime
 * mutex does ({@code lock2}: a few rounds of {@code procyield} before sleeping).
 *
 * <p>A channel's critical sections are a few tens of nanoseconds and never block. When two
 * processors meet on one channel, the loser of the race used to park at once — an unmount, a
 * trip through the scheduler and an unpark by the unlocker, a microsecond or more for a lock
 * that frees in nanoseconds. Spinning for up to {@value #SPINS} {@link Thread#onSpinWait()}
 * rounds first catches those. The lock stays a ReentrantLock underneath: a holder that takes
 * longer (closing a channel with a million waiters) still sees the spinners park, and
 * {@code tryLock}, conditions and interruption keep their meaning. No spinning on a one-CPU
 * machine, where the holder cannot run while we spin.
 */
final class ChanLock extends ReentrantLock {
    private static final long serialVersionUID = 1L;

    /** Spin rounds before parking; Go spins 4 × 30 {@code PAUSE}s. */
    static final int SPINS = 128;
    private static final boolean MULTI_CPU = Runtime.getRuntime().availableProcessors() > 1;

    @Override
    public void lock() {
        if (tryLock()) {
            return;
        }
        if (MULTI_CPU) {
            for (int i = 0; i < SPINS; i++) {
                Thread.onSpinWait();
                if (!isLocked() && tryLock()) {
                    return;
                }
            }
        }
        super.lock();
    }
}
