package io.gmp4j.runtime.internal;

import io.gmp4j.runtime.spi.Scheduler;
import io.gmp4j.runtime.spi.SchedulerConfig;
import io.gmp4j.runtime.spi.SchedulerStats;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@code fifo} scheduler: every runnable continuation goes to one global FIFO queue,
 * served by {@code maxProcs} platform threads. No processors, no local queues, no stealing:
 * the baseline the {@code gmp} scheduler is measured against.
 *
 * <h2>Implementation notes</h2>
 * The queue is the JDK's {@link ConcurrentLinkedQueue}: JCTools has no unbounded MPMC queue
 * without {@code sun.misc.Unsafe}, and a bounded one would reject goroutines. An idle worker
 * pushes itself on {@link #idle}, re-checks the queue, and parks; a submitter offers, then
 * wakes one idle worker. Both sides do a volatile write then a volatile read of the other's
 * location, so either the worker sees the task or the submitter sees the worker.
 */
final class FifoScheduler implements Scheduler, Executor {
    private static final System.Logger LOG = System.getLogger("io.gmp4j.runtime");

    private final int maxProcs;
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private final List<Worker> workers = new ArrayList<>();
    private volatile boolean terminating;

    FifoScheduler(SchedulerConfig config) {
        JdkAccess.require();
        this.maxProcs = config.maxProcs();
        for (int i = 0; i < maxProcs; i++) {
            Worker w = new Worker(i);
            workers.add(w);
            w.start();
        }
    }

    @Override
    public Thread newThread(Runnable body) {
        if (terminating) {
            throw new RejectedExecutionException("fifo scheduler is shut down");
        }
        return JdkAccess.newVirtualThread(this, "", body);
    }

    /** Receives every continuation of every goroutine of this scheduler. */
    @Override
    public void execute(Runnable continuation) {
        queue.offer(continuation);
        if (idleCount.get() > 0) {
            Worker w = idle.pollFirst();
            if (w != null) {
                idleCount.decrementAndGet();
                w.wake();
            }
        }
    }

    @Override
    public SchedulerStats stats() {
        int idleNow = idleCount.get();
        // a worker is a processor here: idle workers are idle processors; workers never spin
        return new SchedulerStats("fifo", maxProcs, idleNow, maxProcs, 0, false, idleNow, queue.size(), 0, List.of());
    }

    @Override
    public void shutdown() {
        terminating = true;
        for (Worker w : workers) {
            w.wake();
        }
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        // Saturated (a huge timeout waits "for ever"); deadline - nanoTime() stays right even
        // when the sum wraps, as long as the wait itself is shorter than 292 years.
        long deadline = System.nanoTime() + RuntimeTimer.saturatedNanos(timeout);
        for (Worker w : workers) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !w.join(Duration.ofNanos(left))) {
                return false;
            }
        }
        return true;
    }

    private final class Worker extends Thread {
        private volatile boolean notified;

        Worker(int id) {
            super(null, null, "gmp4j-fifo-" + id, 0, false);
            setDaemon(true);
        }

        void wake() {
            notified = true;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            while (true) {
                Runnable r = queue.poll();
                if (r != null) {
                    try {
                        r.run();
                    } catch (RuntimeException e) {
                        LOG.log(Level.ERROR, "runtime: a continuation threw on " + getName(), e);
                    }
                    continue;
                }
                if (terminating) {
                    return;
                }
                notified = false;
                idle.push(this);
                idleCount.incrementAndGet();
                if (!queue.isEmpty() || terminating) {
                    if (idle.remove(this)) {
                        idleCount.decrementAndGet();
                    }
                    continue;
                }
                while (!notified) {
                    LockSupport.park(this);
                }
            }
        }
    }
}
