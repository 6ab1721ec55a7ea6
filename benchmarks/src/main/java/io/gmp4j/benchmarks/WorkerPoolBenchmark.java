package io.gmp4j.benchmarks;

import io.gmp4j.patterns.WorkerPool;
import io.gmp4j.runtime.GoRuntime;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * One million tiny tasks per invocation, each {@value #ROUNDS} xorshift64 rounds on its input
 * (about 80 ns), through a pool; the invocation ends when every task has run and
 * the pool has ended. Score: time per task. Every task adds its result to a {@link LongAdder}
 * and counts itself in another; the sum and count are checked against a sequential run made at
 * set-up, so a lost or duplicated task fails the run. Inputs are boxed once, at set-up.
 *
 * <p>Contenders ({@code impl}), all with 2 processors/carriers/threads:
 * <ul>
 *   <li>{@code pool-gmp}, {@code pool-jdk}: gmp4j's {@link WorkerPool} with {@value #WORKERS}
 *       workers and a queue (channel) of {@value #QUEUE_CAPACITY}, outcomes to a callback, on
 *       the {@code gmp} scheduler and on the {@code jdk} provider. A producer goroutine of the
 *       same runtime starts the pool, submits every input (blocking while the queue is full),
 *       calls {@code shutdown()} and {@code awaitTermination()}.</li>
 *   <li>{@code vthread-per-task}: {@link Executors#newVirtualThreadPerTaskExecutor()}, one
 *       virtual thread per task, on the JDK's default scheduler; the producer is a virtual
 *       thread too, then {@code shutdown()} and a bounded {@code awaitTermination}.</li>
 *   <li>{@code tpe-bounded}, {@code tpe-unbounded}: a {@link ThreadPoolExecutor} with
 *       {@value #WORKERS} platform threads and an {@link ArrayBlockingQueue} of
 *       {@value #QUEUE_CAPACITY} (a full queue blocks the producer, like the pool's
 *       {@code submit}) or an unbounded {@link LinkedBlockingQueue}; the producer is the
 *       benchmark thread (a third platform thread on the 2 cores), then {@code shutdown()} and a
 *       bounded {@code awaitTermination}.</li>
 * </ul>
 * Each invocation builds its pool/executor and ends it. The per-task allocations differ: the
 * worker pool allocates the outcome record, the boxed result and its worker's select, the
 * executors a task object (plus a virtual thread for {@code vthread-per-task}).
 *
 * <p>Every wait is bounded (60 s): on a stall the producer is interrupted, the worker pool is
 * stopped with {@code shutdownNow()} (its workers end after their current task) and the
 * executors with {@code shutdownNow()}, then the run fails. After each iteration the gmp4j
 * runtime must have no goroutine left.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Schedulers.OPENS})
public class WorkerPoolBenchmark {
    static final int TASKS = 1_000_000;
    static final int ROUNDS = 50;
    static final int WORKERS = 2;
    static final int MAX_PROCS = 2;
    static final int QUEUE_CAPACITY = 1024;
    static final Duration STALL = Duration.ofSeconds(60);

    static final String POOL_GMP = "pool-gmp";
    static final String POOL_JDK = "pool-jdk";
    static final String VTHREAD_PER_TASK = "vthread-per-task";
    static final String TPE_BOUNDED = "tpe-bounded";
    static final String TPE_UNBOUNDED = "tpe-unbounded";

    @Param({POOL_GMP, POOL_JDK, VTHREAD_PER_TASK, TPE_BOUNDED, TPE_UNBOUNDED})
    public String impl;

    private Schedulers schedulers;
    private Long[] inputs;
    private long expectedSum;

    /** The work per task: {@value #ROUNDS} rounds of Marsaglia's xorshift64. */
    static long work(long x) {
        for (int r = 0; r < ROUNDS; r++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    @Setup
    public void setup() {
        schedulers = switch (impl) {
            case POOL_GMP -> new Schedulers("gmp", MAX_PROCS);
            case POOL_JDK -> new Schedulers("jdk", MAX_PROCS);
            // Sets (and checks) the JDK scheduler's parallelism for the virtual threads.
            case VTHREAD_PER_TASK -> new Schedulers("raw-vthread", MAX_PROCS);
            case TPE_BOUNDED, TPE_UNBOUNDED -> null;
            default -> throw new IllegalArgumentException("impl: " + impl
                    + " (expected pool-gmp, pool-jdk, vthread-per-task, tpe-bounded or tpe-unbounded)");
        };
        inputs = new Long[TASKS];
        expectedSum = 0;
        for (int i = 0; i < TASKS; i++) {
            inputs[i] = (long) i + 1; // xorshift needs a non-zero seed
            expectedSum += work(i + 1);
        }
    }

    @TearDown(Level.Iteration)
    public void endIteration() throws InterruptedException {
        if (schedulers != null) {
            schedulers.awaitNoGoroutines("worker pool on " + impl, Duration.ofSeconds(10));
        }
    }

    @TearDown
    public void tearDown() {
        if (schedulers != null) {
            schedulers.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long tasks() throws InterruptedException {
        LongAdder sum = new LongAdder();
        LongAdder count = new LongAdder();
        switch (impl) {
            case POOL_GMP, POOL_JDK -> workerPool(sum, count);
            case VTHREAD_PER_TASK -> virtualThreadPerTask(sum, count);
            case TPE_BOUNDED -> threadPool(new ArrayBlockingQueue<>(QUEUE_CAPACITY), sum, count);
            case TPE_UNBOUNDED -> threadPool(new LinkedBlockingQueue<>(), sum, count);
            default -> throw new IllegalArgumentException("impl: " + impl);
        }
        if (count.sum() != TASKS || sum.sum() != expectedSum) {
            throw new IllegalStateException("worker pool on " + impl + ": " + count.sum() + " tasks summing to "
                    + sum.sum() + ", expected " + TASKS + " summing to " + expectedSum);
        }
        return sum.sum();
    }

    private void workerPool(LongAdder sum, LongAdder count) throws InterruptedException {
        Long[] in = inputs;
        GoRuntime rt = schedulers.runtime();
        AtomicReference<WorkerPool<Long, Long>> started = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Crew crew = new Crew(schedulers, "worker pool on " + impl);
        crew.go(() -> {
            if (GoRuntime.current().orElse(null) != rt) {
                throw new IllegalStateException("the producer is not a goroutine of the runtime under test");
            }
            // Started here, so that its workers are goroutines of this runtime.
            WorkerPool<Long, Long> pool = WorkerPool.start(WORKERS, QUEUE_CAPACITY, (ctx, x) -> work(x), o -> {
                if (o.failed()) {
                    failed.compareAndSet(null, o.error());
                } else {
                    sum.add(o.value());
                    count.increment();
                }
            });
            started.set(pool);
            for (int i = 0; i < TASKS; i++) {
                pool.submit(in[i]);
            }
            pool.shutdown();
            pool.awaitTermination();
        });
        try {
            crew.join();
        } finally {
            WorkerPool<Long, Long> pool = started.get();
            if (pool != null) {
                pool.shutdownNow(); // a no-op after a clean end; otherwise stops the workers
            }
        }
        if (failed.get() != null) {
            throw new IllegalStateException("worker pool on " + impl + ": a task failed", failed.get());
        }
    }

    private void virtualThreadPerTask(LongAdder sum, LongAdder count) throws InterruptedException {
        Long[] in = inputs;
        ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Crew crew = new Crew(schedulers, "virtual thread per task");
            crew.go(() -> {
                for (int i = 0; i < TASKS; i++) {
                    Long x = in[i];
                    ex.execute(() -> {
                        sum.add(work(x));
                        count.increment();
                    });
                }
            });
            crew.join();
            ex.shutdown();
            if (!ex.awaitTermination(STALL.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("virtual thread per task: the tasks did not end within " + STALL);
            }
        } finally {
            ex.shutdownNow(); // a no-op after a clean end
        }
    }

    private void threadPool(BlockingQueue<Runnable> queue, LongAdder sum, LongAdder count) throws InterruptedException {
        Long[] in = inputs;
        // A full bounded queue makes the producer wait for room (bounded), as WorkerPool.submit does.
        ThreadPoolExecutor ex = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.SECONDS, queue, (r, e) -> {
            if (e.isShutdown()) {
                throw new RejectedExecutionException("thread pool is shut down");
            }
            try {
                if (!e.getQueue().offer(r, STALL.toSeconds(), TimeUnit.SECONDS)) {
                    throw new RejectedExecutionException("thread pool: no room in the queue for " + STALL);
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new RejectedExecutionException("interrupted while waiting for room in the queue", ie);
            }
        });
        try {
            ex.prestartAllCoreThreads();
            for (int i = 0; i < TASKS; i++) {
                Long x = in[i];
                ex.execute(() -> {
                    sum.add(work(x));
                    count.increment();
                });
            }
            ex.shutdown();
            if (!ex.awaitTermination(STALL.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException(impl + ": the tasks did not end within " + STALL);
            }
        } finally {
            ex.shutdownNow(); // a no-op after a clean end
        }
    }
}
