package io.gmp4j.runtime.spi;

/**
 * The settings a {@link SchedulerProvider} receives for one runtime.
 *
 * @param maxProcs    the number of processors (Go's {@code GOMAXPROCS}): how many goroutines
 *                    may run at the same time; at least 1
 * @param maxMachines the most machine (platform) threads the scheduler may create, counting
 *                    those blocked in syscalls (Go's {@code sched.maxmcount}, 10,000 by
 *                    default); at least {@code maxProcs}
 */
public record SchedulerConfig(int maxProcs, int maxMachines) {
    /** Go's default machine cap. */
    public static final int DEFAULT_MAX_MACHINES = 10_000;

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException if {@code maxProcs < 1} or {@code maxMachines < maxProcs}
     */
    public SchedulerConfig {
        if (maxProcs < 1) {
            throw new IllegalArgumentException("maxProcs: " + maxProcs + " (expected: >= 1)");
        }
        if (maxMachines < maxProcs) {
            throw new IllegalArgumentException("maxMachines: " + maxMachines + " (expected: >= maxProcs, "
                    + maxProcs + ")");
        }
    }

    /**
     * Settings with the default machine cap ({@value #DEFAULT_MAX_MACHINES}, or more if
     * {@code maxProcs} is larger).
     *
     * @param maxProcs the number of processors; at least 1
     */
    public SchedulerConfig(int maxProcs) {
        this(maxProcs, Math.max(maxProcs, DEFAULT_MAX_MACHINES));
    }
}
