package io.gmp4j.benchmarks;

import io.gmp4j.runtime.GoRuntime;

/**
 * Starts goroutines on one of the schedulers under comparison: a gmp4j provider
 * ({@code gmp}, {@code jdk}, {@code fifo}) through {@link GoRuntime}, or {@code raw-vthread}:
 * plain {@code Thread.ofVirtual()} without gmp4j at all, the floor the {@code jdk} provider's
 * bookkeeping is measured against.
 */
final class Schedulers implements AutoCloseable {
    /** The JVM flag every fork needs (the jar runs on the class path). */
    static final String OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED";

    private final GoRuntime runtime;
    private final Thread.Builder.OfVirtual raw;

    Schedulers(String name, int maxProcs) {
        if (name.equals("raw-vthread")) {
            runtime = null;
            raw = Thread.ofVirtual();
        } else {
            runtime = GoRuntime.builder().scheduler(name).maxProcs(maxProcs).build();
            raw = null;
        }
    }

    Thread go(Runnable task) {
        return runtime != null ? runtime.go(task) : raw.start(task);
    }

    /** Starts a goroutine from inside a goroutine, the way Go programs spawn. */
    static Thread goFromGoroutine(Runnable task) {
        return GoRuntime.current().isPresent() ? io.gmp4j.runtime.Go.go(task) : Thread.ofVirtual().start(task);
    }

    GoRuntime runtime() {
        return runtime;
    }

    @Override
    public void close() {
        if (runtime != null) {
            runtime.close();
        }
    }
}
