package io.gmp4j.runtime.spi;

import java.time.Duration;

/**
 * One running goroutine scheduler, owned by one runtime.
 *
 * <p>A goroutine is a {@link Thread} (normally a virtual thread) that the scheduler creates
 * with {@link #newThread}; the runtime starts it, counts it, and waits for it on close. A
 * scheduler that wants to place continuations itself creates its threads with
 * {@link VirtualThreads#newThread(java.util.concurrent.Executor, Runnable)}: the executor then
 * receives each goroutine's continuation whenever it becomes runnable and must run it on a
 * platform thread of its own.
 *
 * <p>Thread contract: {@link #newThread}, {@link #checkpoint} and {@link #stats} are called
 * from any thread, concurrently; {@link #shutdown} once, after every goroutine of the runtime
 * has finished; {@link #awaitTermination} after {@link #shutdown}.
 */
public interface Scheduler {

    /**
     * Creates the unstarted thread of a new goroutine.
     *
     * @param body what the goroutine runs
     * @return an unstarted thread that runs {@code body} on this scheduler
     */
    Thread newThread(Runnable body);

    /**
     * Called by {@code Go.checkpoint()} on a goroutine of this scheduler: yields the
     * processor if preemption was requested. The default does nothing.
     */
    default void checkpoint() {}

    /** A snapshot of the scheduler's counters, for {@code RuntimeStats} and schedtrace. */
    SchedulerStats stats();

    /** Stops the scheduler's threads once they have nothing left to run. */
    void shutdown();

    /**
     * Waits until every thread of the scheduler has ended after {@link #shutdown()}.
     *
     * @param timeout how long to wait at most
     * @return true if all threads ended
     * @throws InterruptedException if interrupted while waiting
     */
    boolean awaitTermination(Duration timeout) throws InterruptedException;
}
