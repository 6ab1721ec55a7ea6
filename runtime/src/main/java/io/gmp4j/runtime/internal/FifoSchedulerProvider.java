package io.gmp4j.runtime.internal;

import io.gmp4j.runtime.spi.Scheduler;
import io.gmp4j.runtime.spi.SchedulerConfig;
import io.gmp4j.runtime.spi.SchedulerProvider;

/** The {@code fifo} provider: one global FIFO queue and {@code maxProcs} platform threads, a baseline. */
public final class FifoSchedulerProvider implements SchedulerProvider {
    /** Creates the provider (called by {@link java.util.ServiceLoader}). */
    public FifoSchedulerProvider() {}

    @Override
    public String name() {
        return "fifo";
    }

    @Override
    public Scheduler create(SchedulerConfig config) {
        return new FifoScheduler(config);
    }
}
