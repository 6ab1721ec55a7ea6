/**
 * What plugs into a {@link io.gmp4j.runtime.GoRuntime}, each found with
 * {@link java.util.ServiceLoader}:
 *
 * <ul>
 *   <li>schedulers: a {@link io.gmp4j.runtime.spi.SchedulerProvider} creates a
 *       {@link io.gmp4j.runtime.spi.Scheduler} for each runtime from a
 *       {@link io.gmp4j.runtime.spi.SchedulerConfig}, and reports
 *       {@link io.gmp4j.runtime.spi.SchedulerStats}; {@link io.gmp4j.runtime.spi.VirtualThreads}
 *       builds virtual threads on an executor of your own. gmp4j ships {@code gmp},
 *       {@code fifo} and {@code jdk};</li>
 *   <li>the system monitor: a {@link io.gmp4j.runtime.spi.MonitorProvider} starts a
 *       {@link io.gmp4j.runtime.spi.Monitor} for each runtime, which sees the runtime through
 *       {@link io.gmp4j.runtime.spi.MonitorTarget} and a processor-based scheduler through
 *       {@link io.gmp4j.runtime.spi.MonitoredScheduler} (gmp4j's: the {@code io.gmp4j.sysmon}
 *       module);</li>
 *   <li>the network poller: a {@link io.gmp4j.runtime.spi.PollerProvider} creates a runtime's
 *       {@link io.gmp4j.runtime.spi.Poller} on its first network use, which asks the runtime for
 *       timers and polling machines through {@link io.gmp4j.runtime.spi.PollerTarget} (gmp4j's:
 *       the {@code io.gmp4j.netpoll} module).</li>
 * </ul>
 *
 * <p>{@link io.gmp4j.runtime.spi.WaitReason} is the park blocker that gives a parked goroutine
 * Go's wait reason in dumps and in the deadlock check. A runtime works without a monitor or a
 * poller on the module path. How the {@code gmp} scheduler drives them, and the rule their code
 * must keep (Rule M), are in {@code docs/ARCHITECTURE.md}.
 */
package io.gmp4j.runtime.spi;
