package io.gmp4j.runtime.spi;

/**
 * The runtime's timer heaps as a scheduler that keeps them ({@link SchedulerTimers}) sees
 * them: one heap per processor, indexed from 0. Every method may be called from any thread;
 * each heap has its own lock.
 */
public interface TimerHeaps {

    /** Returned by {@link #wakeTime(int)} for a heap without timers. */
    long NONE = Long.MAX_VALUE;

    /** {@return the timers' clock, in nanoseconds; compare {@link #wakeTime(int)} with it} */
    long now();

    /**
     * The earliest firing time in a heap. Read without the heap's lock: a timer armed or
     * stopped concurrently may or may not be seen, so a waiter re-reads after registering.
     *
     * @param heap the heap index
     * @return when its earliest timer fires, or {@link #NONE}
     */
    long wakeTime(int heap);

    /**
     * Runs the heap's timers due at {@code now}; their actions ready goroutines and never block.
     *
     * @param heap the heap index
     * @param now  the current time on the {@link #now()} clock
     * @return how many timers fired
     */
    int run(int heap, long now);

    /**
     * Timers pending in a heap (diagnostics: schedtrace's {@code timerslen}).
     *
     * @param heap the heap index
     * @return how many timers it holds
     */
    int size(int heap);
}
