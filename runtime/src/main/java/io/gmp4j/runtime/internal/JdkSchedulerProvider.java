package io.gmp4j.runtime.internal;

import io.gmp4j.runtime.spi.Scheduler;
import io.gmp4j.runtime.spi.SchedulerConfig;
import io.gmp4j.runtime.spi.SchedulerProvider;

/** The {@code jdk} provider: the JDK's own virtual-thread scheduler (a ForkJoinPool), for comparison. */
public final class JdkSchedulerProvider implements SchedulerProvider {
    /** Creates the provider (called by {@link java.util.ServiceLoader}). */
    public JdkSchedulerProvider() {}

    @Override
    public String name() {
        return "jdk";
    }

    @Override
    public Scheduler create(SchedulerConfig config) {
        return new JdkScheduler(config);
    }
}
