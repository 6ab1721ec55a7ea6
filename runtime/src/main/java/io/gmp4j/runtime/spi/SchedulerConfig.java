package io.gmp4j.runtime.spi;

/**
 * The settings a {@link SchedulerProvider} receives for one runtime.
 *
 * @param maxProcs the number of processors (Go's {@code GOMAXPROCS}): how many goroutines
 *                 may run at the same time; at least 1
 */
public record SchedulerConfig(int maxProcs) {
    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException if {@code maxProcs < 1}
     */
    public SchedulerConfig {
        if (maxProcs < 1) {
            throw new IllegalArgumentException("maxProcs: " + maxProcs + " (expected: >= 1)");
        }
    }
}
