package io.gmp4j.runtime.spi;

/**
 * Optional part of the scheduler SPI: a platform thread that carries goroutines (mounts their
 * virtual threads) for one {@link Scheduler}. A scheduler's carrier threads implement it to be
 * served by the runtime the way gmp4j's own {@code gmp} scheduler is:
 *
 * <ul>
 *   <li>finding the runtime: when {@link Scheduler#runsOnCarriers()} is true, the runtime finds
 *       the runtime of a goroutine through {@link #scheduler()} of the carrier it is mounted on,
 *       and binds nothing per goroutine;</li>
 *   <li>preemption: at the runtime's preemption points (channel operations, {@code select},
 *       {@code go}) the goroutine calls {@link #preemptPoint()} on its carrier while
 *       {@link Preemption#anyPending()} says a request is pending anywhere;</li>
 *   <li>work after a park: the network poller asks the carrier, through
 *       {@link #runAfterPark(Runnable)}, to run an action once the goroutine has unmounted
 *       ({@link PollerTarget#runAfterPark(Runnable)}).</li>
 * </ul>
 *
 * <p>The methods are called on this carrier thread, by the goroutine mounted on it, so they
 * need no synchronisation with the carrier's own loop. A carrier must never wait, inside them,
 * for anything a goroutine can hold (the rule that keeps a JVM port of Go's scheduler from
 * deadlocking; {@code docs/ARCHITECTURE.md}, Rule M).
 */
public interface Carrier {

    /** {@return the scheduler this thread carries goroutines for} */
    Scheduler scheduler();

    /**
     * Called by the goroutine mounted on this carrier at a runtime preemption point while
     * {@link Preemption#anyPending()}: if a request is pending for the processor or slot this
     * carrier serves, withdraw it ({@link Preemption#withdrawn()}) and yield
     * ({@code Thread.yield()}). The default does nothing.
     */
    default void preemptPoint() {}

    /**
     * Leaves {@code action} for this carrier to run once the goroutine mounted on it has
     * unmounted (parked, yielded or ended), before the carrier runs anything else; two actions
     * left before one unmount both run, in order. The default refuses.
     *
     * @param action what to run on this carrier after the unmount; must not block
     * @return true if the carrier will run it, false if the caller must do without
     */
    default boolean runAfterPark(Runnable action) {
        return false;
    }
}
