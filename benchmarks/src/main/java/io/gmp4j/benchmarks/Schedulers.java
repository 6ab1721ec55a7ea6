package io.gmp4j.benchmarks;

import io.gmp4j.runtime.GoRuntime;

import java.time.Duration;

/**
 * Starts goroutines on one of the schedulers under comparison: a gmp4j provider by name
 * ({@code gmp}, {@code jdk}, {@code fifo}, or any provider on the class path, such as the
 * example {@code locality} scheduler) through {@link GoRuntime}, or {@code raw-vthread}:
 * plain {@code Thread.ofVirtual()} without gmp4j at all, the floor the {@code jdk} provider's
 * bookkeeping is measured against.
 */
final class Schedulers implements AutoCloseable {
    /** The JVM flag every fork needs (the jar runs on the class path). */
    static final String OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    /** For benchmarks that call native code through the FFM API (libc {@code usleep}), without a warning. */
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    private final GoRuntime runtime;
    private final Thread.Builder.OfVirtual raw;

    Schedulers(String name, int maxProcs) {
        this(name, maxProcs, null);
    }

    /**
     * @param monitor whether the gmp4j runtime gets a system monitor (sysmon); {@code null}:
     *                the runtime's default (on, since gmp4j-sysmon is in the benchmark jar)
     */
    Schedulers(String name, int maxProcs, Boolean monitor) {
        if (name.equals("raw-vthread") || name.equals("jdk")) {
            // Give the JDK's scheduler the same number of carriers as gmp/fifo get processors.
            // Read once, when the first virtual thread of the JVM is created, so it must be set
            // before anything starts one (each JMH parameter combination runs in its own fork).
            String was = System.setProperty("jdk.virtualThreadScheduler.parallelism", Integer.toString(maxProcs));
            if (was != null && !was.equals(Integer.toString(maxProcs))) {
                throw new IllegalStateException("the JDK scheduler's parallelism was already set to " + was);
            }
        }
        if (name.equals("raw-vthread")) {
            runtime = null;
            raw = Thread.ofVirtual();
        } else {
            GoRuntime.Builder b = GoRuntime.builder().scheduler(name).maxProcs(maxProcs);
            if (monitor != null) {
                b.monitor(monitor);
            }
            runtime = b.build();
            raw = null;
        }
        if (name.equals("raw-vthread") || name.equals("jdk")) {
            try {
                Thread.ofVirtual().start(() -> {}).join(); // initialises the JDK's scheduler
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            int p = java.lang.management.ManagementFactory
                    .getPlatformMXBean(jdk.management.VirtualThreadSchedulerMXBean.class).getParallelism();
            if (p != maxProcs) {
                throw new IllegalStateException("the JDK scheduler runs " + p + " carriers, not " + maxProcs);
            }
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

    /**
     * For benchmarks whose goroutines are partly started by library code (the patterns module's
     * workers, forwarders and closers, which no {@link Crew} joins): waits up to
     * {@code timeout} for the runtime to have no live goroutine, and throws, with a dump of the
     * survivors, if some are left — a leak, which would also make {@link #close()} wait for
     * ever. Nothing to check on {@code raw-vthread} (no runtime counts its threads).
     */
    void awaitNoGoroutines(String what, Duration timeout) throws InterruptedException {
        if (runtime == null) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (runtime.numGoroutine() > 0) {
            if (System.nanoTime() - deadline > 0) {
                StringBuilder dump = new StringBuilder();
                runtime.dumpGoroutines(dump);
                throw new IllegalStateException(what + ": " + runtime.numGoroutine() + " goroutines still alive "
                        + timeout.toMillis() + " ms after the work ended:\n" + dump);
            }
            Thread.sleep(1);
        }
    }

    @Override
    public void close() {
        if (runtime != null) {
            runtime.close();
        }
    }
}
