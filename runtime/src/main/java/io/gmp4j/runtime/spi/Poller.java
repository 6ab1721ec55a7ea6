package io.gmp4j.runtime.spi;

import java.util.function.Consumer;

/**
 * One runtime's network poller, as its scheduler drives it: Go's {@code netpoll(delay)},
 * {@code netpollBreak} and {@code netpollAnyWaiters}.
 *
 * <p>A scheduler that weaves the poller into its loop ({@link Scheduler#attachPoller}: the
 * {@code gmp} scheduler) polls without blocking from {@code findRunnable} before stealing,
 * lets one idle machine block in {@link #poll} until the next timer, and has the system
 * monitor poll when nobody has for 10 ms. Other schedulers get a thread of the runtime that
 * blocks in {@link #poll} in a loop and unparks what it reports.
 *
 * <p>The poller never unparks a waiter itself from {@link #poll}: it hands the waiting threads
 * to {@code ready}, and the caller makes them runnable — the {@code gmp} scheduler in one batch
 * (Go's {@code injectglist}).
 *
 * <p>Thread contract: every method may be called from any thread. Calls to {@link #poll} are
 * serialised by the poller: a non-blocking call that finds another poll in progress returns 0
 * at once (the other caller delivers what is ready).
 */
public interface Poller {

    /**
     * Go's {@code netpoll(delay)}: waits for I/O readiness and reports the threads it readies.
     *
     * @param delayNanos {@code 0}: do not block; {@code > 0}: block at most this long (rounded
     *                   up to a millisecond, as Go's epoll poller does); {@code < 0}: block until
     *                   readiness or {@link #wakeup()}
     * @param ready      receives each thread whose wait is over (to be unparked by the caller)
     * @return how many threads were passed to {@code ready}
     */
    int poll(long delayNanos, Consumer<Thread> ready);

    /**
     * Go's {@code netpollBreak}: makes a blocked {@link #poll} return. Cheap and idempotent
     * while no poll blocks.
     */
    void wakeup();

    /**
     * Go's {@code netpollAnyWaiters}: whether any thread waits for readiness. The scheduler
     * polls only then; the deadlock check treats such waiters as wakeable.
     *
     * @return true if a thread is parked on the poller
     */
    boolean hasWaiters();

    /**
     * Threads parked on the poller now (diagnostics).
     *
     * @return the count
     */
    int waiters();

    /**
     * Called by the system monitor on its ticks while a machine blocks in {@link #poll} (so no
     * other poll comes): a poller holding work for the next poll that nobody has handed over —
     * requests of a goroutine whose park did not unmount, because a native frame pins it —
     * wakes the blocked poll. Called from a platform thread. The default does nothing.
     */
    default void monitorTick() {
    }

    /** Closes the poller: every registration ends; later polls return 0. Idempotent. */
    void close();
}
