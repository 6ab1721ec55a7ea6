/**
 * gmp4j's system monitor (Go's {@code sysmon}): one platform thread per runtime, without a
 * processor, that hands processors stuck in syscalls or held by goroutines that do not yield
 * to other machines, requests preemption, runs overdue timers, prints {@code schedtrace} and
 * reports deadlocks. It plugs into the runtime as a
 * {@link io.gmp4j.runtime.spi.MonitorProvider} and sees the scheduler only through
 * {@link io.gmp4j.runtime.spi.MonitoredScheduler}.
 */
module io.gmp4j.sysmon {
    requires io.gmp4j.runtime;

    provides io.gmp4j.runtime.spi.MonitorProvider with io.gmp4j.sysmon.SysmonProvider;
}
