package io.gmp4j.examples.locality;

import io.gmp4j.runtime.spi.SchedulerProvider;
import io.gmp4j.tck.SchedulerTck;

import java.util.EnumSet;
import java.util.Set;

/**
 * The {@code locality} scheduler passes gmp4j's scheduler kit. It declares {@code MAX_PROCS}
 * (one carrier per processor, each running one goroutine at a time) and not {@code MONITORED}
 * ({@code monitored()} is null: nothing can retake a carrier).
 */
class LocalityTckTest extends SchedulerTck {
    @Override
    protected SchedulerProvider provider() {
        return new LocalitySchedulerProvider();
    }

    @Override
    protected Set<Capability> capabilities() {
        return EnumSet.of(Capability.MAX_PROCS);
    }
}
