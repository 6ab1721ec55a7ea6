package io.gmp4j.runtime.spi;

/**
 * Optional part of the scheduler SPI: Go's per-processor timers. A scheduler that returns
 * one from {@link Scheduler#timers()} gets the runtime's timers (timer channels, tickers,
 * {@code Go.sleep}, context deadlines, network deadlines) kept in {@link #heaps()} heaps, one per
 * processor, and runs them from its own loop, as Go's {@code findRunnable} does; no timer
 * thread is started. Without it the runtime serves timers with a thread of its own.
 *
 * <p>The runtime calls {@link #attach(TimerHeaps)} once, before the first goroutine starts;
 * from then on the scheduler runs due timers with {@link TimerHeaps#run(int, long)} — on its
 * processors' machines when they look for work, and on one idle machine that waits until the
 * earliest timer of any heap. A timer's action only readies goroutines (it never blocks), so
 * it may run on any of the scheduler's threads.
 */
public interface SchedulerTimers {

    /** {@return how many heaps to keep: one per processor, fixed for the scheduler's life} */
    int heaps();

    /**
     * Called on the thread arming a timer: the heap it goes into, normally the one of the
     * processor running the caller; a thread that runs on no processor (a platform thread)
     * gets any heap.
     *
     * @return a heap index in {@code [0, heaps())}
     */
    int heapForCaller();

    /**
     * A timer earlier than every other timer of its heap was just armed: wake whoever waits
     * for the earliest timer if it would wake later than {@code when}. Called on the arming
     * thread, after the heap's lock is released.
     *
     * @param when when the timer fires, on the {@link TimerHeaps#now()} clock
     */
    void earliestChanged(long when);

    /**
     * Receives the runtime's heaps, once, before any timer is armed.
     *
     * @param heaps the heaps, {@link #heaps()} of them
     */
    void attach(TimerHeaps heaps);
}
