package io.gmp4j.runtime.internal;

import io.gmp4j.runtime.spi.Scheduler;
import io.gmp4j.runtime.spi.SchedulerConfig;
import io.gmp4j.runtime.spi.SchedulerProvider;

import java.util.concurrent.atomic.AtomicInteger;

/** The {@code gmp} provider: Go's G/P/M scheduler, gmp4j's default. */
public final class GmpSchedulerProvider implements SchedulerProvider {
    private static final AtomicInteger RUNTIMES = new AtomicInteger();

    /** Creates the provider (called by {@link java.util.ServiceLoader}). */
    public GmpSchedulerProvider() {}

    @Override
    public String name() {
        return "gmp";
    }

    @Override
    public Scheduler create(SchedulerConfig config) {
        return new GmpScheduler(config, "gmp4j-" + RUNTIMES.incrementAndGet() + "-");
    }
}
