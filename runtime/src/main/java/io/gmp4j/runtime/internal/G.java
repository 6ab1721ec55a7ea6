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
 * <p>The JDK submits a continuation when it becomes runnable, and a second time when
 * {@code Thread.getStackTrace()} (a goroutine dump, the deadlock report,
 * {@code jcmd Thread.dump_to_file}, a debugger) catches the thread runnable but unmounted:
 * {@code VirtualThread.tryGetStackTrace} resubmits "as the task may have run". The second run
 * finds the thread not runnable and returns at once, so two entries are harmless — except in
 * the global queue, a linked list, where a second link would cut the list. So the global queue
 * admits a goroutine only while it is not in it ({@link #inGlobal}, checked under the lock,
 * off the hand-off hot path); local queues are arrays and take a duplicate in their stride.
 */
final class G implements Executor {
    final GmpScheduler sched;
    /** The goroutine's thread; null for a foreign continuation. Written once before start. */
    Thread thread;
    /** The JDK's {@code runContinuation} task of {@link #thread}. Written once before start. */
    Runnable cont;
    /** Link in the global run queue. Guarded by {@code sched.lock}. */
    G schedlink;
    /** Whether it is in the global run queue now. Guarded by {@code sched.lock}. */
    boolean inGlobal;

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
