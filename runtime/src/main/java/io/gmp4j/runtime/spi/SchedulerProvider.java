package io.gmp4j.runtime.spi;

/**
 * A named factory of goroutine schedulers, found with {@link java.util.ServiceLoader}.
 *
 * <p>gmp4j ships three: {@code "gmp"} (Go's G/P/M scheduler, the default), {@code "fifo"}
 * (one global FIFO queue served by {@code maxProcs} platform threads: a baseline) and
 * {@code "jdk"} (the JDK's own virtual-thread scheduler). A module that provides this service
 * can be selected with {@code GoRuntime.builder().scheduler(name)} or
 * {@code -Dgmp4j.scheduler=name}.
 *
 * <p>Thread contract: {@link #name()} is called from any thread and must be constant;
 * {@link #create} is called once per runtime, from the thread building it.
 */
public interface SchedulerProvider {

    /** {@return the name users select this provider by; lower case, unique among providers} */
    String name();

    /**
     * Creates a scheduler for one runtime.
     *
     * @param config the runtime's settings (number of processors)
     * @return a new, running scheduler
     */
    Scheduler create(SchedulerConfig config);
}
