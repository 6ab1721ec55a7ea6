package io.gmp4j.runtime.internal;

import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock that machines and goroutines share — the scheduler's {@code sched.lock}, the timer
 * heaps' locks — taken the way Go takes its runtime locks: a goroutine never parks waiting for
 * it (it spins, keeping its machine), and only platform threads queue.
 *
 * <h2>Implementation notes</h2>
 * Rule M (docs/ARCHITECTURE.md): machines wait for these locks, so a goroutine must never be
 * unmounted while it holds or queues for one. It spins instead, and holders never block while
 * holding these locks, so a spinning goroutine waits only for running code.
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
