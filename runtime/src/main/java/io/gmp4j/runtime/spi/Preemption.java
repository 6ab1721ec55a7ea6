package io.gmp4j.runtime.spi;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Optional part of the scheduler SPI: the one process-wide count of pending preemption
 * requests, which keeps the runtime's preemption points (Go's stack-guard check at a function
 * prologue) at the cost of one shared read while no request is pending anywhere.
 *
 * <p>A scheduler that asks goroutines to yield (its {@link MonitoredScheduler#preempt(int)})
 * calls {@link #requested()} once per request it raises and {@link #withdrawn()} once per
 * request it clears, whoever clears it — the goroutine at a preemption point
 * ({@link Carrier#preemptPoint()}), {@link Scheduler#checkpoint()}, or the scheduler's own
 * loop. A request that is never withdrawn costs every goroutine of the process a call to its
 * carrier at each preemption point, so keep the two balanced.
 */
public final class Preemption {
    private static final AtomicInteger PENDING = new AtomicInteger();

    private Preemption() {}

    /** Counts a request a scheduler has just raised. */
    public static void requested() {
        PENDING.incrementAndGet();
    }

    /** Counts a request a scheduler has just cleared (honoured or dropped). */
    public static void withdrawn() {
        PENDING.decrementAndGet();
    }

    /** {@return whether any scheduler of the process has a preemption request pending} */
    public static boolean anyPending() {
        return PENDING.get() != 0;
    }
}
