package io.gmp4j.runtime;

import io.gmp4j.runtime.spi.Scheduler;
import io.gmp4j.runtime.spi.SchedulerConfig;
import io.gmp4j.runtime.spi.SchedulerProvider;
import io.gmp4j.runtime.spi.SchedulerStats;
import io.gmp4j.runtime.spi.VirtualThreads;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Scheduler contract says {@code shutdown} is called once: a {@code close(Duration)} that
 * times out while the scheduler's threads stop, followed by another close, must not call it
 * again.
 */
class ShutdownOnceTest {

    /** A scheduler whose threads take as long to stop as the test says. */
    static final class SlowToStop implements Scheduler {
        final ExecutorService pool = Executors.newSingleThreadExecutor();
        final AtomicInteger shutdowns = new AtomicInteger();
        final CountDownLatch stopped = new CountDownLatch(1);

        @Override
        public Thread newThread(Runnable body) {
            return VirtualThreads.newThread(pool, body);
        }

        @Override
        public SchedulerStats stats() {
            return new SchedulerStats("slow-to-stop", 1, -1, 1, -1, false, -1, -1, -1, List.of());
        }

        @Override
        public void shutdown() {
            shutdowns.incrementAndGet();
            pool.shutdown();
        }

        @Override
        public boolean awaitTermination(Duration timeout) throws InterruptedException {
            return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS) && pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCloseAfterATimedOutCloseDoesNotShutTheSchedulerDownAgain() throws Exception {
        SlowToStop s = new SlowToStop();
        SchedulerProvider provider = new SchedulerProvider() {
            @Override
            public String name() {
                return "slow-to-stop";
            }

            @Override
            public Scheduler create(SchedulerConfig config) {
                return s;
            }
        };
        GoRuntime rt = GoRuntime.builder().scheduler(provider).maxProcs(1).monitor(false).build();
        CountDownLatch ran = new CountDownLatch(1);
        rt.go(ran::countDown);
        assertTrue(ran.await(10, TimeUnit.SECONDS));
        assertFalse(rt.close(Duration.ofMillis(50)), "the scheduler's threads have not stopped yet");
        assertEquals(1, s.shutdowns.get());
        s.stopped.countDown();
        assertTrue(rt.close(Duration.ofSeconds(10)), "now they have");
        rt.close();
        assertEquals(1, s.shutdowns.get(), "shutdown is called once");
    }
}
