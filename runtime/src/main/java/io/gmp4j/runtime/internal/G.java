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
 * <p>A {@code G} is in at most one run queue at a time. The JDK submits a continuation when it
 * becomes runnable, but also a second time when {@code Thread.getStackTrace()} (a goroutine
 * dump, the deadlock report, {@code jcmd Thread.dump_to_file}, a debugger) catches the thread
 * runnable but unmounted: {@code VirtualThread.tryGetStackTrace} resubmits "as the task may
 * have run". A second entry would corrupt the global queue's links, so {@link #enqueue}
 * admits a submission only while the goroutine is not queued already; the machine clears the
 * mark just before it runs the continuation. A submission that arrives while the goroutine
 * runs is admitted: if spurious, the JDK's {@code runContinuation} finds the thread not
 * runnable and returns at once.
 */
final class G implements Executor {
    final GmpScheduler sched;
    /** The goroutine's thread; null for a foreign continuation. Written once before start. */
    Thread thread;
    /** The JDK's {@code runContinuation} task of {@link #thread}. Written once before start. */
    Runnable cont;
    /** Link in the global run queue. Guarded by {@code sched.lock}. */
    G schedlink;
    /** 1 while the goroutine waits in a run queue; see the class notes. */
    @SuppressWarnings("unused") // accessed through QUEUED
    private volatile int queued;
    private static final java.lang.invoke.VarHandle QUEUED;
    static {
        try {
            QUEUED = java.lang.invoke.MethodHandles.lookup().findVarHandle(G.class, "queued", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    G(GmpScheduler sched) {
        this.sched = sched;
    }

    G(GmpScheduler sched, Runnable foreignContinuation) {
        this.sched = sched;
        this.cont = foreignContinuation;
    }

    /** Called by the JDK whenever the goroutine's (or an inheriting thread's) continuation is runnable. */
    /** Marks the goroutine queued; false if it was already (a duplicate submission). */
    boolean enqueue() {
        return QUEUED.compareAndSet(this, 0, 1);
    }

    /** The machine is about to run it: later submissions are new ones. */
    void dequeued() {
        QUEUED.setRelease(this, 0);
    }

    @Override
    public void execute(Runnable task) {
        if (task == cont) {
            if (enqueue()) {
                sched.ready(this);
            }
        } else {
            sched.readyForeign(task);
        }
    }

    @Override
    public String toString() {
        return thread == null ? "G(foreign)" : "G" + thread.threadId();
    }
}
