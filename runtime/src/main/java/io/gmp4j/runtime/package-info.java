/**
 * gmp4j's user API: goroutines on Go's G/P/M scheduler, with Go's channels, timers and
 * contexts.
 *
 * <ul>
 *   <li>{@link io.gmp4j.runtime.GoRuntime}: one scheduler with its goroutines, Go's runtime
 *       ({@code builder()}, {@code run}, {@code go}, {@code close}, statistics,
 *       {@code schedtrace}, goroutine dumps); {@link io.gmp4j.runtime.Go}: the static facade
 *       ({@code go}, {@code sleep}, {@code gosched}, {@code syscall}, {@code checkpoint}) that
 *       acts on the caller's runtime.</li>
 *   <li>{@link io.gmp4j.runtime.Chan} and {@link io.gmp4j.runtime.Select}: Go's channels and
 *       {@code select}.</li>
 *   <li>{@link io.gmp4j.runtime.Timer} and {@link io.gmp4j.runtime.Ticker}: Go 1.23's
 *       {@code time.Timer} and {@code time.Ticker}, on the runtime's timer heaps.</li>
 *   <li>{@link io.gmp4j.runtime.Context}: Go's {@code context}, with
 *       {@link io.gmp4j.runtime.ContextException}.</li>
 *   <li>{@link io.gmp4j.runtime.RuntimeStats}, {@link io.gmp4j.runtime.DeadlockHandler}, and the
 *       exceptions for Go's panics and Java's interrupts
 *       ({@link io.gmp4j.runtime.ChanClosedException},
 *       {@link io.gmp4j.runtime.GoInterruptedException},
 *       {@link io.gmp4j.runtime.GoroutineException}).</li>
 * </ul>
 *
 * <p>{@code WaitGroup}, the weighted {@code Semaphore}, {@code ErrGroup}, {@code Singleflight} and
 * the other patterns live in the {@code io.gmp4j.patterns} module, Go's {@code net} in
 * {@code io.gmp4j.netpoll}; schedulers, the system monitor and the network poller plug in
 * through {@link io.gmp4j.runtime.spi}.
 *
 * <p>Maintainers: {@code docs/ARCHITECTURE.md} maps each Go runtime function to the class that
 * implements it, gives the lock order and states Rule M, which timer and poller code keeps.
 */
package io.gmp4j.runtime;
