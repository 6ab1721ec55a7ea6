package io.gmp4j.runtime.internal;

import io.gmp4j.runtime.spi.Scheduler;
import io.gmp4j.runtime.spi.SchedulerConfig;
import io.gmp4j.runtime.spi.SchedulerStats;
import jdk.management.VirtualThreadSchedulerMXBean;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;

/**
 * The {@code jdk} scheduler: goroutines are plain virtual threads on the JDK's default
 * ForkJoinPool scheduler, which is shared by the whole JVM. Its parallelism is set by
 * {@code -Djdk.virtualThreadScheduler.parallelism}, not by {@code maxProcs}: the configured
 * value is reported, the JDK's is what runs.
 */
final class JdkScheduler implements Scheduler {
    private final SchedulerConfig config;
    private final Thread.Builder.OfVirtual builder = Thread.ofVirtual();

    JdkScheduler(SchedulerConfig config) {
        this.config = config;
    }

    @Override
    public Thread newThread(Runnable body) {
        return builder.unstarted(body);
    }

    @Override
    public SchedulerStats stats() {
        VirtualThreadSchedulerMXBean bean = ManagementFactory.getPlatformMXBean(VirtualThreadSchedulerMXBean.class);
        int parallelism = bean.getParallelism();
        int pool = bean.getPoolSize();
        int mounted = bean.getMountedVirtualThreadCount();
        long queued = bean.getQueuedVirtualThreadCount();
        return new SchedulerStats("jdk", parallelism, Math.max(0, parallelism - mounted), pool, -1, false,
                Math.max(0, pool - mounted), queued, -1, List.of());
    }

    @Override
    public void shutdown() {
        // The JDK's scheduler is shared and never shut down.
    }

    @Override
    public boolean awaitTermination(Duration timeout) {
        return true;
    }

    @Override
    public String toString() {
        return "jdk scheduler (maxProcs " + config.maxProcs() + " requested)";
    }
}
