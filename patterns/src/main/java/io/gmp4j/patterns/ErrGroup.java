package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.GoRuntime;

import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * golang.org/x/sync's {@code errgroup.Group}: goroutines working on subtasks of one task, with
 * the first failure reported and, for a group made by {@link #withContext}, the shared context
 * cancelled.
 *
 * <pre>{@code
 * ErrGroup g = ErrGroup.withContext(ctx);
 * for (String url : urls) {
 *     g.go(() -> fetch(g.context(), url));   // Task: void run() throws Exception
 * }
 * g.await();                                 // ExecutionException: the first failure is its cause
 * }</pre>
 *
 * <p>Semantics (x/sync's): {@code new ErrGroup()} is the zero group — no limit, no context.
 * {@link #go} runs the task in a new goroutine of the caller's runtime
 * ({@link GoRuntime#forCaller()}: from a thread that is not a goroutine, the one open runtime),
 * or of the runtime given to {@link #ErrGroup(GoRuntime)} / {@link #withContext(GoRuntime, Context)},
 * first waiting for a slot
 * when a limit is set; {@link #tryGo} does not wait and says whether it started the task.
 * The first task to throw records its exception and cancels the derived context with it as the
 * cause; later failures are dropped. {@link #await} waits for every task, cancels the derived
 * context (cause: the first failure, or plain cancellation) and throws the first failure
 * wrapped in an {@link ExecutionException}. Where Java differs: a task's exception, checked or
 * not, is its error (Go's tasks return errors and a panic crashes the program); an
 * {@link Error} is recorded the same way and then rethrown in its goroutine.
 *
 * <p>Thread-safe. Call {@link #go} for the first task before {@link #await}, as in Go.
 */
public final class ErrGroup {
    /** A subtask: Go's {@code func() error}; throwing is returning an error. */
    @FunctionalInterface
    public interface Task {
        /**
         * Runs the subtask.
         *
         * @throws Exception the subtask's failure
         */
        void run() throws Exception;
    }

    private final WaitGroup wg = new WaitGroup();
    private final Context ctx;
    private final boolean cancellable;
    /** The runtime tasks run on, or null for the caller's at each {@link #go}. */
    private final GoRuntime rt;
    private final AtomicReference<Throwable> first = new AtomicReference<>();
    /** Tokens of the limit (Go's sem channel), or null when unlimited. */
    private volatile Chan<Boolean> sem;

    /** The zero group: no limit, no derived context ({@link #context()} is {@code Context.background()}). */
    public ErrGroup() {
        this.ctx = Context.background();
        this.cancellable = false;
        this.rt = null;
    }

    /**
     * The zero group whose tasks run on {@code rt}, whichever thread calls {@link #go}.
     *
     * @param rt the runtime the tasks run on
     */
    public ErrGroup(GoRuntime rt) {
        this.ctx = Context.background();
        this.cancellable = false;
        this.rt = Objects.requireNonNull(rt, "rt");
    }

    private ErrGroup(GoRuntime rt, Context derived) {
        this.ctx = derived;
        this.cancellable = true;
        this.rt = rt;
    }

    /**
     * A group with a context derived from {@code parent}, cancelled when a task first fails
     * (the failure is its {@code cause()}) or when {@link #await} returns, whichever comes first.
     *
     * @param parent the parent context
     * @return the group; its context is {@link #context()}
     */
    public static ErrGroup withContext(Context parent) {
        Objects.requireNonNull(parent, "parent");
        return new ErrGroup(null, Context.withCancel(parent));
    }

    /**
     * As {@link #withContext(Context)}, with the tasks on {@code rt}, whichever thread calls
     * {@link #go}.
     *
     * @param rt     the runtime the tasks run on
     * @param parent the parent context
     * @return the group; its context is {@link #context()}
     */
    public static ErrGroup withContext(GoRuntime rt, Context parent) {
        Objects.requireNonNull(rt, "rt");
        Objects.requireNonNull(parent, "parent");
        return new ErrGroup(rt, Context.withCancel(parent));
    }

    /** {@return the group's context: the derived one, or {@code Context.background()} for the zero group} */
    public Context context() {
        return ctx;
    }

    /**
     * Runs {@code task} in a new goroutine, first waiting until the number of active tasks is
     * below the limit (if one is set).
     *
     * @param task the subtask
     * @throws IllegalStateException if the group has no runtime of its own and is called outside
     *                               a goroutine while several runtimes are open
     */
    public void go(Task task) {
        Objects.requireNonNull(task, "task");
        Chan<Boolean> s = sem;
        if (s != null) {
            s.send(Boolean.TRUE);
        }
        start(task, s);
    }

    /**
     * Runs {@code task} in a new goroutine only if the number of active tasks is below the limit.
     *
     * @param task the subtask
     * @return true if the task was started
     * @throws IllegalStateException as {@link #go}
     */
    public boolean tryGo(Task task) {
        Objects.requireNonNull(task, "task");
        Chan<Boolean> s = sem;
        if (s != null && !s.trySend(Boolean.TRUE)) {
            return false;
        }
        start(task, s);
        return true;
    }

    private void start(Task task, Chan<Boolean> s) {
        wg.add(1);
        try {
            (rt != null ? rt : GoRuntime.forCaller()).go(() -> {
                try {
                    task.run();
                } catch (Exception e) {
                    fail(e);
                } catch (Error e) {
                    fail(e);
                    throw e;
                } finally {
                    if (s != null) {
                        s.tryRecv();
                    }
                    wg.done();
                }
            });
        } catch (RuntimeException | Error e) {
            if (s != null) {
                s.tryRecv();
            }
            wg.done();
            throw e;
        }
    }

    private void fail(Throwable t) {
        if (first.compareAndSet(null, t) && cancellable) {
            ctx.cancel(t);
        }
    }

    /**
     * Limits the number of active tasks to {@code n}; a negative {@code n} removes the limit.
     * With 0, {@link #go} blocks for ever and {@link #tryGo} always returns false.
     *
     * @param n the limit, or negative for none
     * @throws IllegalStateException if tasks are active (x/sync panics the same way)
     */
    public void setLimit(int n) {
        if (n < 0) {
            sem = null;
            return;
        }
        Chan<Boolean> s = sem;
        if (s != null && s.len() != 0) {
            throw new IllegalStateException("errgroup: modify limit while " + s.len()
                    + " goroutines in the group are still active");
        }
        sem = Chan.make(n);
    }

    /**
     * Waits for every task, cancels the derived context, and reports the first failure.
     *
     * @throws ExecutionException if a task failed; its cause is the first failure
     */
    public void await() throws ExecutionException {
        wg.await();
        Throwable t = first.get();
        if (cancellable) {
            if (t != null) {
                ctx.cancel(t);
            } else {
                ctx.cancel();
            }
        }
        if (t != null) {
            throw new ExecutionException("errgroup: a task failed: " + t, t);
        }
    }
}
