/**
 * gmp4j patterns. Go's concurrency patterns on the runtime's public API: worker pool, semaphore, pipeline, fan-out/fan-in, errgroup, singleflight (to come).
 */
module io.gmp4j.patterns {
    requires io.gmp4j.runtime;
}
