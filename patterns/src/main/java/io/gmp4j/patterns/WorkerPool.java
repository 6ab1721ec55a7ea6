package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.ChanClosedException;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.Go;
import io.gmp4j.runtime.GoRuntime;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Go's worker pool: a fixed number of worker goroutines, started up front, take jobs from a
 * bounded queue (a channel) and deliver outcomes through another channel, or to a callback.
 *
 * <pre>{@code
 * WorkerPool<Integer, Integer> pool = WorkerPool.start(3, 10, (ctx, n) -> n * 2);
 * Go.go(() -> { for (int j = 1; j <= 10; j++) pool.submit(j); pool.shutdown(); });
 * for (WorkerPool.Outcome<Integer, Integer> o : pool.results()) { ... }   // ends after the last job
 * }</pre>
 *
 * <ul>
 *   <li>{@link #submit} blocks while the queue is full (back-pressure); {@link #trySubmit}
 *       returns false instead.</li>
 *   <li>A job that throws does not end its worker (Go's recover-in-worker): the exception is
 *       the outcome's {@link Outcome#error()} and the worker takes the next job.</li>
 *   <li>{@link #shutdown}: no new jobs; the workers finish every queued one, then
 *       {@link #results()} closes. {@link #shutdownNow}: the pool's context is cancelled (jobs
 *       see it in their {@code ctx}), queued jobs are not started (they are returned), workers
 *       end after their current job and outcomes not yet delivered are dropped.</li>
 *   <li>With the results channel, somebody must drain it: a worker waits to deliver, and the
 *       queue fills behind it — the same back-pressure as Go's.</li>
 * </ul>
 *
 * <p>Workers are goroutines of the runtime that starts the pool. Thread-safe.
 *
 * @param <T> job input type
 * @param <R> job result type
 */
public final class WorkerPool<T, R> implements AutoCloseable {

    /**
     * One job's work.
     *
     * @param <T> input type
     * @param <R> result type
     */
    @FunctionalInterface
    public interface Job<T, R> {
        /**
         * Does the work for one input.
         *
         * @param ctx   the pool's context, cancelled by {@link WorkerPool#shutdownNow()}
         * @param input the submitted input
         * @return the result; may be null
         * @throws Exception the job's failure, reported as the outcome's error
         */
        R run(Context ctx, T input) throws Exception;
    }

    /**
     * What became of one job.
     *
     * @param input  the submitted input
     * @param value  the job's result (null if it failed)
     * @param error  what the job threw, or null
     * @param worker the number of the worker that ran it, from 0
     * @param <T>    input type
     * @param <R>    result type
     */
    public record Outcome<T, R>(T input, R value, Throwable error, int worker) {
        /** {@return whether the job threw} */
        public boolean failed() {
            return error != null;
        }
    }

    private static final System.Logger LOG = System.getLogger("io.gmp4j.patterns");

    private final Chan<T> jobs;
    private final Chan<Outcome<T, R>> results;
    private final Consumer<? super Outcome<T, R>> callback;
    private final Context ctx = Context.withCancel(Context.background());
    private final WaitGroup running = new WaitGroup();
    private final AtomicBoolean shut = new AtomicBoolean();
    private final int workers;

    private WorkerPool(GoRuntime rt, int workers, int queueCapacity, Job<T, R> job,
                       Consumer<? super Outcome<T, R>> callback) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers: " + workers + " (expected: >= 1)");
        }
        if (queueCapacity < 0) {
            throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: >= 0)");
        }
        Objects.requireNonNull(job, "job");
        GoRuntime on = rt != null ? rt : GoRuntime.forCaller(); // one runtime for every worker, chosen once
        this.workers = workers;
        this.jobs = Chan.make(queueCapacity);
        this.callback = callback;
        this.results = callback == null ? Chan.make(queueCapacity) : null;
        running.add(workers);
        for (int w = 0; w < workers; w++) {
            int id = w;
            on.go(() -> {
                try {
                    work(id, job);
                } finally {
                    running.done();
                }
            });
        }
        if (results != null) {
            on.go(() -> {
                running.await();
                results.close();
            });
        }
    }

    /**
     * Starts {@code workers} worker goroutines with a job queue of {@code queueCapacity};
     * outcomes go to {@link #results()} (same capacity). The workers run on the caller's
     * runtime ({@link GoRuntime#forCaller()}); {@link #start(GoRuntime, int, int, Job)} names it.
     *
     * @param workers       how many workers, at least 1
     * @param queueCapacity how many submitted jobs may wait, at least 0 (0: a submit waits for a worker)
     * @param job           the work per input
     * @param <T>           input type
     * @param <R>           result type
     * @return the running pool
     * @throws IllegalArgumentException if {@code workers < 1} or {@code queueCapacity < 0}
     * @throws IllegalStateException    if called outside a goroutine while several runtimes are open
     */
    public static <T, R> WorkerPool<T, R> start(int workers, int queueCapacity, Job<T, R> job) {
        return new WorkerPool<>(null, workers, queueCapacity, job, null);
    }

    /**
     * As {@link #start(int, int, Job)}, with the workers on {@code rt}.
     *
     * @param rt            the runtime the workers run on
     * @param workers       how many workers, at least 1
     * @param queueCapacity how many submitted jobs may wait, at least 0 (0: a submit waits for a worker)
     * @param job           the work per input
     * @param <T>           input type
     * @param <R>           result type
     * @return the running pool
     * @throws IllegalArgumentException           if {@code workers < 1} or {@code queueCapacity < 0}
     * @throws java.util.concurrent.RejectedExecutionException if {@code rt} is closed
     */
    public static <T, R> WorkerPool<T, R> start(GoRuntime rt, int workers, int queueCapacity, Job<T, R> job) {
        return new WorkerPool<>(Objects.requireNonNull(rt, "rt"), workers, queueCapacity, job, null);
    }

    /**
     * As {@link #start(int, int, Job)}, but each outcome is passed to {@code onOutcome}, on the
     * worker's goroutine, instead of a results channel. An exception from {@code onOutcome} is
     * logged and the worker goes on.
     *
     * @param workers       how many workers, at least 1
     * @param queueCapacity how many submitted jobs may wait, at least 0
     * @param job           the work per input
     * @param onOutcome     receives every outcome
     * @param <T>           input type
     * @param <R>           result type
     * @return the running pool
     * @throws IllegalArgumentException if {@code workers < 1} or {@code queueCapacity < 0}
     * @throws IllegalStateException    if called outside a goroutine while several runtimes are open
     */
    public static <T, R> WorkerPool<T, R> start(int workers, int queueCapacity, Job<T, R> job,
                                                Consumer<? super Outcome<T, R>> onOutcome) {
        return new WorkerPool<>(null, workers, queueCapacity, job, Objects.requireNonNull(onOutcome, "onOutcome"));
    }

    /**
     * As {@link #start(int, int, Job, Consumer)}, with the workers on {@code rt}.
     *
     * @param rt            the runtime the workers run on
     * @param workers       how many workers, at least 1
     * @param queueCapacity how many submitted jobs may wait, at least 0
     * @param job           the work per input
     * @param onOutcome     receives every outcome
     * @param <T>           input type
     * @param <R>           result type
     * @return the running pool
     * @throws IllegalArgumentException           if {@code workers < 1} or {@code queueCapacity < 0}
     * @throws java.util.concurrent.RejectedExecutionException if {@code rt} is closed
     */
    public static <T, R> WorkerPool<T, R> start(GoRuntime rt, int workers, int queueCapacity, Job<T, R> job,
                                                Consumer<? super Outcome<T, R>> onOutcome) {
        return new WorkerPool<>(Objects.requireNonNull(rt, "rt"), workers, queueCapacity, job,
                Objects.requireNonNull(onOutcome, "onOutcome"));
    }

    private void work(int id, Job<T, R> job) {
        Chans steps = new Chans(ctx);
        while (true) {
            T input = steps.recv(jobs);
            if (input == null) {
                return; // queue closed and drained, or shutdownNow
            }
            Outcome<T, R> outcome;
            try {
                outcome = new Outcome<>(input, job.run(ctx, input), null, id);
            } catch (Throwable t) { // Go's recover in the worker: report, go on
                outcome = new Outcome<>(input, null, t, id);
            }
            if (callback != null) {
                try {
                    callback.accept(outcome);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "worker pool: outcome callback threw", e);
                }
            } else {
                if (!steps.send(results, outcome)) {
                    return; // shutdownNow: undelivered outcomes are dropped
                }
            }
        }
    }

    /**
     * Queues a job, blocking while the queue is full.
     *
     * @param input the input, not null (null marks a closed channel)
     * @throws RejectedExecutionException if the pool was shut down (also while this call waited)
     */
    public void submit(T input) {
        Objects.requireNonNull(input, "input");
        if (shut.get()) {
            throw rejected();
        }
        try {
            jobs.send(input);
        } catch (ChanClosedException e) {
            throw rejected();
        }
    }

    /**
     * Queues a job if there is room now.
     *
     * @param input the input, not null
     * @return false when the queue is full
     * @throws RejectedExecutionException if the pool was shut down
     */
    public boolean trySubmit(T input) {
        Objects.requireNonNull(input, "input");
        if (shut.get()) {
            throw rejected();
        }
        try {
            return jobs.trySend(input);
        } catch (ChanClosedException e) {
            throw rejected();
        }
    }

    private RejectedExecutionException rejected() {
        return new RejectedExecutionException("worker pool is shut down: it takes no new jobs");
    }

    /**
     * The outcomes, in completion order; closes when every worker has ended after a shutdown.
     *
     * @return the results channel
     * @throws IllegalStateException if the pool delivers outcomes to a callback
     */
    public Chan<Outcome<T, R>> results() {
        if (results == null) {
            throw new IllegalStateException("this pool delivers outcomes to its callback, not to a channel");
        }
        return results;
    }

    /** {@return the pool's context, cancelled by {@link #shutdownNow()}} */
    public Context context() {
        return ctx;
    }

    /** {@return the number of workers} */
    public int workers() {
        return workers;
    }

    /** Stops taking jobs; the workers finish the queued ones and end. Idempotent. */
    public void shutdown() {
        if (shut.compareAndSet(false, true)) {
            jobs.close();
        }
    }

    /**
     * Stops at once: cancels the pool's context, takes the queued jobs back and lets each worker
     * end after its current job.
     *
     * @return the queued jobs that were not started, in queue order
     */
    public List<T> shutdownNow() {
        // Take the queue back before cancelling: a worker that found the context cancelled
        // and a job ready at once could start that job after it had been counted as returned.
        shutdown();
        List<T> left = new ArrayList<>();
        T t;
        while ((t = jobs.tryRecv()) != null) {
            left.add(t);
        }
        ctx.cancel();
        return left;
    }

    /** Waits until every worker has ended (after a shutdown). */
    public void awaitTermination() {
        running.await();
    }

    /** {@link #shutdown()}, then {@link #awaitTermination()}. */
    @Override
    public void close() {
        shutdown();
        awaitTermination();
    }
}
