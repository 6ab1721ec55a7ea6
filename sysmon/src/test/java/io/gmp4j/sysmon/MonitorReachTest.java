package io.gmp4j.sysmon;

import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.runtime.spi.Scheduler;
import io.gmp4j.runtime.spi.SchedulerConfig;
import io.gmp4j.runtime.spi.SchedulerProvider;
import io.gmp4j.runtime.spi.SchedulerStats;
import io.gmp4j.runtime.spi.VirtualThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtime says whether its monitor can act on the scheduler (hand off, preempt) or only
 * watch it: a running monitor is not the same as one that can retake a processor.
 */
@Timeout(60)
class MonitorReachTest {
    /** A custom scheduler on a platform-thread pool, with no MonitoredScheduler view. */
    private static final SchedulerProvider POOL = new SchedulerProvider() {
        @Override
        public String name() {
            return "pool";
        }

        @Override
        public Scheduler create(SchedulerConfig config) {
            ExecutorService pool = Executors.newFixedThreadPool(config.maxProcs());
            return new Scheduler() {
                @Override
                public Thread newThread(Runnable body) {
                    return VirtualThreads.newThread(pool, body);
                }

                @Override
                public SchedulerStats stats() {
                    return new SchedulerStats("pool", config.maxProcs(), -1, -1, 0, false, -1, -1, 0, List.of());
                }

                @Override
                public void shutdown() {
                    pool.shutdown();
                }

                @Override
                public boolean awaitTermination(Duration timeout) throws InterruptedException {
                    return pool.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
                }
            };
        }
    };

    @Test
    void onlyASchedulerWithAMonitoredViewCanBeActedOn() throws Exception {
        try (GoRuntime gmp = GoRuntime.builder().scheduler("gmp").maxProcs(1).build();
             GoRuntime gmpOff = GoRuntime.builder().scheduler("gmp").maxProcs(1).monitor(false).build();
             GoRuntime fifo = GoRuntime.builder().scheduler("fifo").maxProcs(1).build();
             GoRuntime custom = GoRuntime.builder().scheduler(POOL).maxProcs(1).build()) {
            assertTrue(gmp.monitorCanRetake(), "gmp with its monitor");
            assertFalse(gmpOff.monitorCanRetake(), "no monitor");
            assertTrue(fifo.monitorName().isPresent() && !fifo.monitorCanRetake(), "fifo: watched, not acted on");
            assertTrue(custom.monitorName().isPresent(), "the monitor runs for the custom scheduler");
            assertFalse(custom.monitorCanRetake(), "but cannot retake its processors");
            assertEquals("pool", custom.schedulerName());
            assertEquals(7, (int) custom.run(() -> 7), "the provider instance runs goroutines");
        }
    }
}
