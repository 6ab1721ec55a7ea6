/**
 * gmp4j patterns: Go's concurrency patterns on the runtime's public API — {@code WaitGroup},
 * the weighted {@code Semaphore}, {@code ErrGroup} and {@code Singleflight} (golang.org/x/sync's
 * semantics), {@code WorkerPool}, {@code Pipeline} and {@code FanOut}/{@code FanIn}. Its API
 * takes and returns the runtime's types ({@code Context}, {@code Chan}, {@code GoRuntime}), so a
 * module that requires this one reads {@code io.gmp4j.runtime} too.
 */
module io.gmp4j.patterns {
    requires transitive io.gmp4j.runtime;

    exports io.gmp4j.patterns;
}
