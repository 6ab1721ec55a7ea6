/**
 * gmp4j's system monitor, Go's {@code sysmon}. {@link io.gmp4j.sysmon.SysmonProvider}, the
 * {@code sysmon} {@link io.gmp4j.runtime.spi.MonitorProvider} that the runtime finds with
 * {@link java.util.ServiceLoader}, starts one monitor thread per runtime ({@code Sysmon}). The
 * thread holds no processor and sees the runtime only through
 * {@link io.gmp4j.runtime.spi.MonitorTarget} and
 * {@link io.gmp4j.runtime.spi.MonitoredScheduler}. Each cycle it polls the network if nobody
 * has for 10 ms, retakes processors stuck in {@code Go.syscall} or held by a goroutine that does
 * not yield (after a preemption request), runs overdue timers, prints {@code schedtrace} when
 * asked and, when every processor is idle, runs the deadlock check.
 *
 * <p>Applications never call this package: having the module on the module path is enough.
 * {@code docs/ARCHITECTURE.md} places it in the module graph and lists what it cannot do that
 * Go's sysmon does.
 */
package io.gmp4j.sysmon;
