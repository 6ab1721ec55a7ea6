package io.gmp4j.runtime.internal;

import org.jctools.queues.varhandle.SpmcVarHandleArrayQueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A processor (Go's P): the right to run goroutines. Exactly {@code maxProcs} exist; a
 * machine must hold one to run goroutines.
 *
 * <h2>Implementation notes</h2>
 * The local run queue is JCTools' single-producer/multi-consumer array queue of 256: only the
 * owning machine pushes (Go's {@code runqput}), the owner and stealers poll. A steal of half
 * the queue is a sequence of single polls; Go's ring copies half with one CAS instead. The
 * {@code runnext} slot holds the goroutine to run next, inheriting the current time slice:
 * only the owner sets it non-null, anyone may CAS it to null (take or steal).
 *
 * <p>Status transitions (all under {@code sched.lock}, written with release):
 * <pre>
 *   IDLE    -> RUNNING   acquirep: a machine took the processor off the idle list
 *   RUNNING -> IDLE      pidleput: the machine found nothing to run and released it
 * </pre>
 * {@code SYSCALL} and {@code STOPPED} are reserved for the system monitor's hand-off.
 */
final class Processor {
    static final int IDLE = 0;
    static final int RUNNING = 1;
    static final int SYSCALL = 2;
    static final int STOPPED = 3;

    static final int RUNQ_SIZE = 256;

    private static final VarHandle RUNNEXT;
    private static final VarHandle SCHEDTICK;
    private static final VarHandle STEALS;
    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            RUNNEXT = l.findVarHandle(Processor.class, "runnext", G.class);
            SCHEDTICK = l.findVarHandle(Processor.class, "schedtick", long.class);
            STEALS = l.findVarHandle(Processor.class, "steals", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final int id;
    /** Local run queue. Pushed only by the owner; polled by the owner and stealers. */
    final SpmcVarHandleArrayQueue<G> runq = new SpmcVarHandleArrayQueue<>(RUNQ_SIZE);
    /** Run next. Set non-null only by the owner; CAS to null by the owner or a stealer. */
    @SuppressWarnings("unused") // accessed through RUNNEXT
    private volatile G runnext;
    /** Written under sched.lock; read by stealers and stats without it. */
    volatile int status = IDLE;
    /** Owning machine. Written under sched.lock (acquirep/releasep). */
    Machine m;
    /** Idle-list link. Guarded by sched.lock. */
    Processor link;
    /** New time slices started here. Written by the owner (opaque); read by stats and sysmon. */
    @SuppressWarnings("unused") // accessed through SCHEDTICK
    private long schedtick;
    /** Goroutines this processor stole. Written by the owner (opaque); read by stats. */
    @SuppressWarnings("unused") // accessed through STEALS
    private long steals;
    /** Preemption request, set by the system monitor, cleared by the owner at a checkpoint. */
    volatile boolean preempt;

    Processor(int id) {
        this.id = id;
    }

    G runnext() {
        return (G) RUNNEXT.getAcquire(this);
    }

    boolean casRunnext(G expect, G update) {
        return RUNNEXT.compareAndSet(this, expect, update);
    }

    long schedtick() {
        return (long) SCHEDTICK.getOpaque(this);
    }

    /** Owner only. */
    long incSchedtick() {
        long t = (long) SCHEDTICK.getOpaque(this) + 1;
        SCHEDTICK.setOpaque(this, t);
        return t;
    }

    long steals() {
        return (long) STEALS.getOpaque(this);
    }

    /** Owner only. */
    void addSteals(int n) {
        STEALS.setOpaque(this, (long) STEALS.getOpaque(this) + n);
    }

    /**
     * True when neither the local queue nor {@code runnext} holds a goroutine. Go's
     * {@code runqempty} re-reads to avoid mistaking a runnext being kicked into the ring for
     * emptiness; here the kicked goroutine is pushed before runnext is read again, so reading
     * the queue after runnext gives the same guarantee.
     */
    boolean runqEmpty() {
        return runnext() == null && runq.isEmpty();
    }

    static String statusName(int status) {
        return switch (status) {
            case IDLE -> "idle";
            case RUNNING -> "running";
            case SYSCALL -> "syscall";
            case STOPPED -> "stopped";
            default -> "unknown(" + status + ")";
        };
    }

    @Override
    public String toString() {
        return "P" + id;
    }
}
