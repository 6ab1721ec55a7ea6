package io.gmp4j.examples.locality;

import io.gmp4j.runtime.spi.Scheduler;
import io.gmp4j.runtime.spi.SchedulerConfig;
import io.gmp4j.runtime.spi.SchedulerProvider;

/**
 * The {@code "locality"} scheduler provider: each runtime built on it gets a
 * {@link LocalityScheduler} with one carrier thread per processor ({@code maxProcs}).
 *
 * <p>Found by {@link java.util.ServiceLoader} on the module path (the module's
 * {@code provides} clause) and on the class path (its {@code META-INF/services} file), so
 * {@code GoRuntime.builder().scheduler("locality")}, {@code -Dgmp4j.scheduler=locality} and
 * {@code GoRuntime.availableSchedulers()} all see it.
 *
 * <p>Thread contract: as {@link SchedulerProvider} says, {@link #name()} from any thread,
 * {@link #create} once per runtime.
 */
public final class LocalitySchedulerProvider implements SchedulerProvider {
    /** Creates the provider (called by {@link java.util.ServiceLoader}). */
    public LocalitySchedulerProvider() {}

    @Override
    public String name() {
        return LocalityScheduler.NAME;
    }

    @Override
    public Scheduler create(SchedulerConfig config) {
        return new LocalityScheduler(config);
    }
}
