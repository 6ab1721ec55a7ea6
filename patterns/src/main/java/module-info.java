/**
 * gmp4j patterns: Go's concurrency patterns on the runtime's public API — {@code WaitGroup},
 * the weighted {@code Semaphore}, {@code ErrGroup} and {@code Singleflight} (golang.org/x/sync's
 * semantics); worker pool, pipeline and fan-out/fan-in to come.
 */
module io.gmp4j.patterns {
    requires io.gmp4j.runtime;

    exports io.gmp4j.patterns;
}
