package io.gmp4j.runtime.internal;

import java.util.concurrent.Executor;

/**
 * A goroutine as the {@code gmp} scheduler sees it (Go's G): the continuation of one virtual
 * thread, and the executor that thread was created with.
 *
 * <h2>Implementation notes</h2>
 * Every goroutine gets its own executor object (this one), so that when the JDK submits a
 * continuation we know which goroutine became runnable without a map lookup: the JDK calls
 * {@link #execute} on the executor of the thread being scheduled. A virtual thread created
 * <em>inside</em> a goroutine without an explicit scheduler inherits its parent's executor
 * (JDK behaviour); such a "foreign" submission carries a different continuation and is wrapped
 * in a fresh, thread-less {@code G} each time it becomes runnable.
 *
 * <p>A {@code G} is in at most one run queue at a time: the JDK submits a continuation only
 * after it became runnable, and it cannot become runnable again before it ran.
 */
final class G implements Executor {
    final GmpScheduler sched;
    /** The goroutine's thread; null for a foreign continuation. Written once before start. */
    Thread thread;
    /** The JDK's {@code runContinuation} task of {@link #thread}. Written once before start. */
    Runnable cont;
    /** Link in the global run queue. Guarded by {@code sched.lock}. */
    G schedlink;

    G(GmpScheduler sched) {
        this.sched = sched;
    }

    G(GmpScheduler sched, Runnable foreignContinuation) {
        this.sched = sched;
        this.cont = foreignContinuation;
    }

    /** Called by the JDK whenever the goroutine's (or an inheriting thread's) continuation is runnable. */
    @Override
    public void execute(Runnable task) {
        if (task == cont) {
            sched.ready(this);
        } else {
            sched.readyForeign(task);
        }
    }

    @Override
    public String toString() {
        return thread == null ? "G(foreign)" : "G" + thread.threadId();
    }
}
