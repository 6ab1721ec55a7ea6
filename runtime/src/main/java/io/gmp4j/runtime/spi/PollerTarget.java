package io.gmp4j.runtime.spi;

/**
 * What a {@link Poller} may ask of the runtime that drives it: timers for I/O deadlines (Go's
 * {@code pollDesc.rt}/{@code wt}) and a machine to start polling.
 *
 * <p>Thread contract: every method may be called from any thread.
 */
public interface PollerTarget {

    /**
     * The runtime's name (for thread names and diagnostics).
     *
     * @return the name
     */
    String name();

    /**
     * Creates a timer in the runtime's timer heaps (per processor on {@code gmp}) whose action
     * runs inline on the thread that runs the timers — a machine in its scheduler, the timer
     * waiter, the system monitor — as Go runs {@code netpollReadDeadline}. The action must be
     * short and must not block: update state, unpark a thread.
     *
     * @param action what to run when the timer fires
     * @return the timer, not armed
     */
    InlineTimer newTimer(Runnable action);

    /**
     * Called after a thread other than one of the runtime's own goroutines (a platform thread)
     * registered a wait: makes sure some machine polls, although none may be running to find
     * the wait on its way to idle. Does nothing when a machine polls or runs already.
     */
    void pollerNeeded();

    /**
     * Go's {@code gopark} with an unlock function: if the calling thread is a goroutine whose
     * carrier is a machine of a {@code gmp} scheduler (of any runtime), arranges for
     * {@code action} to run on that machine right after the goroutine next unmounts (parks,
     * yields or ends) and returns true; the caller then parks. Otherwise returns false and the
     * caller runs the action itself.
     *
     * <p>This is how a poller keeps goroutines away from locks its polling machines take, such
     * as the JDK selector's monitors (gmp4j's Rule M, docs/ARCHITECTURE.md: a machine that holds
     * a processor never waits for anything a goroutine can hold). Work done after the unmount
     * runs on a platform thread, like the rest of the poller's work. The action must be short,
     * must not block on anything a goroutine holds, and must tolerate running late (a goroutine
     * whose park does not unmount, because its permit was set or a native frame pins it, leaves
     * the action to the next unmount on that machine).
     *
     * @param action what to run on the machine
     * @return true if the machine will run it
     */
    default boolean runAfterPark(Runnable action) {
        return false;
    }

    /** A one-shot runtime timer with an inline action; see {@link #newTimer}. */
    interface InlineTimer {

        /**
         * Arms the timer to fire after {@code delayNanos} (at once when not positive), replacing
         * any earlier arming: a firing of the earlier arming that has not started is dropped
         * (one already running completes, so the action checks its own state, as Go's deadline
         * functions check {@code rseq}).
         *
         * @param delayNanos the delay
         */
        void reset(long delayNanos);

        /**
         * Disarms the timer; a firing that has not started is dropped.
         *
         * @return true if it was armed
         */
        boolean stop();
    }
}
