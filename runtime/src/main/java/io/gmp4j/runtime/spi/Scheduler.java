package io.gmp4j.runtime.spi;

import java.time.Duration;
import java.util.concurrent.Callable;

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
 *
 * <p>Optional parts, each served to every provider the same way: the monitor's control view
 * ({@link #monitored()}, {@link MonitoredScheduler}), the network poller ({@link #attachPoller},
 * {@link #pollerNeeded}), per-processor timers ({@link #timers()}, {@link SchedulerTimers}),
 * carrier threads that find their runtime, honour preemption requests and run work after a
 * park ({@link #runsOnCarriers()}, {@link Carrier}, {@link Preemption}). A scheduler that
 * offers none of them still gets timers, the poller, schedtrace, the goroutine dump and the
 * deadlock report from the runtime.
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

    /**
     * Called by {@code Go.syscall(call)}: runs {@code call}, a blocking call that holds its
     * thread (native code, blocking file I/O), on the calling goroutine. A processor-based
     * scheduler marks the processor as in a syscall so that it can be handed to another
     * machine while the call blocks (Go's {@code entersyscall}/{@code exitsyscall}). The
     * default just runs it.
     *
     * @param call the blocking call
     * @param <T>  its result type
     * @return what {@code call} returned
     * @throws Exception what {@code call} threw
     */
    default <T> T syscall(Callable<T> call) throws Exception {
        return call.call();
    }

    /**
     * The control view a system monitor drives, or null when this scheduler has no processors
     * to retake (the default).
     *
     * @return the view, or null
     */
    default MonitoredScheduler monitored() {
        return null;
    }

    /**
     * Offers the runtime's network poller to the scheduler (Go's {@code netpollinit} hook-up):
     * a scheduler that returns true polls it from its own loop — without blocking before it
     * steals, blocking in one idle machine until the next timer — and makes the threads it
     * reports runnable. The default returns false: the runtime then serves the poller with a
     * thread of its own. Called at most once, before the first wait on the poller.
     *
     * @param poller the runtime's poller
     * @return true if the scheduler drives the poller from now on
     */
    default boolean attachPoller(Poller poller) {
        return false;
    }

    /**
     * Called when a goroutine is about to wait on the network poller that
     * {@link #attachPoller} accepted: if no thread of the scheduler is running or polling
     * (every processor idle), start one, so that someone polls. The default does nothing
     * (right for a scheduler that does not drive the poller).
     */
    default void pollerNeeded() {}

    /**
     * The optional timer part: a scheduler that keeps the runtime's timers per processor and
     * runs them from its own loop (Go's {@code p.timers}) returns it here; the default, null,
     * lets the runtime serve timers with a thread of its own.
     *
     * @return the timer part, or null
     */
    default SchedulerTimers timers() {
        return null;
    }

    /**
     * Whether every goroutine of this scheduler always runs on a thread that implements
     * {@link Carrier} and reports this scheduler. When true the runtime finds a goroutine's
     * runtime through its carrier and binds nothing per goroutine (one scoped-value binding
     * saved per {@code go}); when false (the default) it binds the runtime to each goroutine.
     *
     * @return true if goroutines run only on this scheduler's {@link Carrier} threads
     */
    default boolean runsOnCarriers() {
        return false;
    }

    /** {@return a snapshot of the scheduler's counters, for {@code RuntimeStats} and schedtrace} */
    SchedulerStats stats();

    /** Stops the scheduler's threads once they have nothing left to run. */
    void shutdown();

    /**
     * Waits until every thread of the scheduler has ended after {@link #shutdown()}.
     *
     * @param timeout how long to wait at most; one too large for {@link Duration#toNanos()}
     *                means "for ever" (saturate, never throw {@link ArithmeticException})
     * @return true if all threads ended
     * @throws InterruptedException if interrupted while waiting
     */
    boolean awaitTermination(Duration timeout) throws InterruptedException;
}
