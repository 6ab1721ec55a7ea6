package io.gmp4j.tck;

import io.gmp4j.runtime.spi.Scheduler;
import io.gmp4j.runtime.spi.SchedulerConfig;
import io.gmp4j.runtime.spi.SchedulerProvider;
import io.gmp4j.runtime.spi.SchedulerStats;
import io.gmp4j.runtime.spi.VirtualThreads;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Schedulers with one defect each, the way a provider author could write them, to show that the
 * kit's checks fail on them: a kit that passes everything would prove nothing.
 */
final class BrokenSchedulers {
    private BrokenSchedulers() {}

    /** A provider of a scheduler on a platform-thread pool, optionally losing one task in {@code loseEvery}. */
    static SchedulerProvider pool(String name, boolean unbounded, long loseEvery) {
        return pool(name, unbounded, loseEvery, false);
    }

    /**
     * As {@link #pool(String, boolean, long)}; {@code claimsCarriers}: the scheduler says its
     * goroutines run on {@code Carrier} threads ({@code runsOnCarriers()}) when its pool threads
     * are not Carriers.
     */
    static SchedulerProvider pool(String name, boolean unbounded, long loseEvery, boolean claimsCarriers) {
        return new SchedulerProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Scheduler create(SchedulerConfig config) {
                return new PoolScheduler(name, config.maxProcs(), unbounded, loseEvery, claimsCarriers);
            }
        };
    }

    private static final class PoolScheduler implements Scheduler {
        private final String name;
        private final int procs;
        private final ExecutorService pool;
        private final long loseEvery;
        private final AtomicLong submitted = new AtomicLong();
        private final boolean claimsCarriers;

        PoolScheduler(String name, int procs, boolean unbounded, long loseEvery, boolean claimsCarriers) {
            this.claimsCarriers = claimsCarriers;
            this.name = name;
            this.procs = procs;
            this.loseEvery = loseEvery;
            this.pool = unbounded ? Executors.newCachedThreadPool() : Executors.newFixedThreadPool(procs);
        }

        private void submit(Runnable continuation) {
            if (loseEvery > 0 && submitted.incrementAndGet() % loseEvery == 0) {
                return; // the defect: a runnable goroutine is never run
            }
            pool.execute(continuation);
        }

        @Override
        public Thread newThread(Runnable body) {
            return VirtualThreads.newThread(this::submit, body);
        }

        @Override
        public boolean runsOnCarriers() {
            return claimsCarriers; // the defect when true: no pool thread is a Carrier
        }

        @Override
        public SchedulerStats stats() {
            return new SchedulerStats(name, procs, -1, -1, 0, false, -1, -1, 0, List.of());
        }

        @Override
        public void shutdown() {
            pool.shutdown();
        }

        @Override
        public boolean awaitTermination(Duration timeout) throws InterruptedException {
            return pool.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
    }
}
