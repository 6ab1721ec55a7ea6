package io.gmp4j.runtime.spi;

/**
 * A system monitor (Go's {@code sysmon}), found with {@link java.util.ServiceLoader}: the
 * thread that hands off processors stuck in syscalls or held by goroutines that never yield,
 * requests preemption, runs overdue timers, prints {@code schedtrace} and reports deadlocks.
 *
 * <p>gmp4j's is in the {@code io.gmp4j.sysmon} module ({@code "sysmon"}). When no provider is
 * on the module path a runtime still works, without those services.
 *
 * <p>Thread contract: {@link #name()} is called from any thread and must be constant;
 * {@link #start} once per runtime, from the thread building it.
 */
public interface MonitorProvider {

    /** {@return the provider's name, for diagnostics; lower case} */
    String name();

    /**
     * Starts monitoring one runtime.
     *
     * @param target what the monitor sees of the runtime
     * @return the running monitor; the runtime stops it when it closes
     */
    Monitor start(MonitorTarget target);
}
