package io.gmp4j.runtime.internal;

import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock that machines and goroutines share — the scheduler's {@code sched.lock}, the timer
 * heaps' locks — taken the way Go takes its runtime locks: a goroutine never parks waiting for
 * it (it spins, keeping its machine), and only platform threads queue.
 *
 * <h2>Implementation notes</h2>
 * A goroutine that parked in the lock's wait queue would be unmounted; when its turn came it
 * would need a processor to run, take the lock and release it. A machine holding a processor
 * and queued behind it in the same lock would then wait for a goroutine that may be queued on
 * that very processor: a deadlock (seen with a goroutine arming a timer, {@code wakep} →
 * {@code sched.lock}, while the machine waited in {@code findRunnable}). Holders never block
 * while holding these locks, so a spinning goroutine waits only for running code.
 */
final class RuntimeLock extends ReentrantLock {
    private static final long serialVersionUID = 1L;

    @Override
    public void lock() {
        if (tryLock()) {
            return;
        }
        if (!Thread.currentThread().isVirtual()) {
            super.lock(); // a platform thread (machine, timer thread, user thread) may queue
            return;
        }
        do {
            Thread.onSpinWait();
        } while (isLocked() || !tryLock());
    }
}
