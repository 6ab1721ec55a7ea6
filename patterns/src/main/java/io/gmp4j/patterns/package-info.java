/**
 * Go's concurrency patterns on gmp4j's public API: {@link io.gmp4j.patterns.WaitGroup}
 * ({@code sync.WaitGroup}); golang.org/x/sync's {@link io.gmp4j.patterns.Semaphore}
 * ({@code semaphore.Weighted}), {@link io.gmp4j.patterns.ErrGroup} ({@code errgroup}) and
 * {@link io.gmp4j.patterns.Singleflight} ({@code singleflight}); and
 * {@link io.gmp4j.patterns.WorkerPool}, {@link io.gmp4j.patterns.Pipeline},
 * {@link io.gmp4j.patterns.FanOut} and {@link io.gmp4j.patterns.FanIn}.
 *
 * <p>Every wait is a channel receive or a {@code select}, so a waiting goroutine holds no thread
 * and counts as asleep for the deadlock report. Calls that start goroutines act on the caller's
 * runtime ({@link io.gmp4j.runtime.GoRuntime#forCaller()}) unless they are given one.
 */
package io.gmp4j.patterns;
