/**
 * The scheduler SPI: {@link io.gmp4j.runtime.spi.SchedulerProvider} (found by
 * {@link java.util.ServiceLoader}) creates a {@link io.gmp4j.runtime.spi.Scheduler} for each
 * runtime; {@link io.gmp4j.runtime.spi.VirtualThreads} builds virtual threads on an executor
 * of your own.
 */
package io.gmp4j.runtime.spi;
