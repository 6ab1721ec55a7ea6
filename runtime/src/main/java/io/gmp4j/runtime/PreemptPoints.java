package io.gmp4j.runtime;

import io.gmp4j.runtime.internal.JdkAccess;
import io.gmp4j.runtime.spi.Carrier;
import io.gmp4j.runtime.spi.Preemption;

/**
 * The runtime's preemption points (Go's stack-guard check at a function prologue): channel
 * operations, {@code select} and {@code go} call {@link #check()}, which costs one shared read
 * while no scheduler has a request pending ({@link Preemption}) and otherwise asks the calling
 * goroutine's {@link Carrier} to honour a request aimed at it. Served the same way for every
 * scheduler whose carriers implement {@link Carrier}.
 */
final class PreemptPoints {
    private PreemptPoints() {}

    /** A preemption point: yields if the calling goroutine's carrier was asked to. */
    static void check() {
        if (Preemption.anyPending()) {
            honour();
        }
    }

    private static void honour() {
        if (Thread.currentThread().isVirtual() && JdkAccess.available()
                && JdkAccess.currentCarrierThread() instanceof Carrier c) {
            c.preemptPoint();
        }
    }
}
