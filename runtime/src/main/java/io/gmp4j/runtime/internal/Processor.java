package io.gmp4j.runtime.internal;

import org.jctools.queues.varhandle.SpmcVarHandleArrayQueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

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
 * <p>Status transitions ({@link #status} is changed by CAS wherever two threads may race):
 * <pre>
 *   IDLE    -> RUNNING   acquirep: a machine took the processor off the idle list (sched.lock)
 *   RUNNING -> IDLE      releasep: the machine found nothing to run and gives it up (CAS)
 *   RUNNING -> SYSCALL   entersyscall, by the goroutine on the owning machine (CAS)
 *   SYSCALL -> RUNNING   exitsyscall fast path, or the owning machine when the goroutine
 *                        unmounted inside the call (CAS)
 *   RUNNING -> RETIRED   the system monitor takes a processor held too long (CAS)
 *   SYSCALL -> RETIRED   the system monitor takes a processor in a syscall (CAS)
 * </pre>
 * A retired processor object is never used again as a processor: the monitor puts a fresh
 * {@code Processor} with the same id (hence the same timer heap) and counters in its slot and hands that one to
 * another machine. The old machine may still push into the retired one's queue (it is the
 * queue's only producer, so the single-producer rule holds); the monitor and the old machine
 * move such goroutines to the global queue. This is how a processor changes hands while its
 * old machine keeps running a goroutine that cannot be stopped, without a fence on the
 * owner's hot path.
 */
final class Processor {
    static final int IDLE = 0;
    static final int RUNNING = 1;
    static final int SYSCALL = 2;
    /**
     * Go's {@code _Pgcstop}, kept so that the numbers match Go's in schedtrace; never entered
     * here: a JVM port has no stop-the-world of its own (the JVM's safepoints stop every thread,
     * processors included, without a state change).
     */
    static final int STOPPED = 3;
    /** Taken from its machine by the system monitor and replaced; see the class notes. */
    static final int RETIRED = 5;

    static final int RUNQ_SIZE = 256;
    /** Go's runqgrab back-off before stealing a running processor's runnext (usleep(3)). */
    static final long RUNNEXT_STEAL_BACKOFF_NANOS = 3_000;
    private static final G[] NO_GOROUTINES = new G[0];

    private static final VarHandle RUNNEXT;
    private static final VarHandle SCHEDTICK;
    private static final VarHandle STEALS;
    private static final VarHandle STATUS;
    private static final VarHandle SYSCALLTICK;
    private static final VarHandle PREEMPT;
    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            RUNNEXT = l.findVarHandle(Processor.class, "runnext", G.class);
            SCHEDTICK = l.findVarHandle(Processor.class, "schedtick", long.class);
            STEALS = l.findVarHandle(Processor.class, "steals", long.class);
            STATUS = l.findVarHandle(Processor.class, "status", int.class);
            SYSCALLTICK = l.findVarHandle(Processor.class, "syscalltick", long.class);
            PREEMPT = l.findVarHandle(Processor.class, "preempt", boolean.class);
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
    /** See the class notes for who changes it and how. */
    volatile int status = IDLE;
    /** Owning machine. Written by acquirep/releasep; read racily by the monitor and stats. */
    volatile Machine m;
    /** Idle-list link. Guarded by sched.lock. */
    Processor link;
    /** New time slices started here. Written by the owner (opaque); read by stats and sysmon. */
    @SuppressWarnings("unused") // accessed through SCHEDTICK
    private long schedtick;
    /** Goroutines this processor stole. Written by the owner (opaque); read by stats. */
    @SuppressWarnings("unused") // accessed through STEALS
    private long steals;
    /** Syscalls entered and left here (Go's p.syscalltick). Owner (opaque) and the monitor's retake. */
    @SuppressWarnings("unused") // accessed through SYSCALLTICK
    private long syscalltick;
    /**
     * The old machine let go of this retired processor (set by {@code GmpScheduler.dropRetired}
     * after its last drain); the monitor's sweep then forgets it.
     */
    volatile boolean released;
    /** Preemption request, set by the system monitor, cleared by the owner at a checkpoint. */
    @SuppressWarnings("unused") // accessed through PREEMPT
    private volatile boolean preempt;
    /** Whether the last {@link #runqget()} took runnext (inherits the time slice). Owner only. */
    boolean inheritTime;
    /** How many goroutines the last successful {@link #runqsteal} moved. Owner only. */
    int lastStolen;

    Processor(int id) {
        this.id = id;
    }

    /**
     * The replacement of a retired processor: same id (the same timer heap), counters carried over, an
     * empty run queue, status IDLE. Go's retake bumps syscalltick; so does this.
     */
    Processor(Processor retired) {
        this.id = retired.id;
        SCHEDTICK.setOpaque(this, retired.schedtick());
        STEALS.setOpaque(this, retired.steals());
        SYSCALLTICK.setOpaque(this, retired.syscalltick() + 1);
    }

    boolean casStatus(int expect, int update) {
        return STATUS.compareAndSet(this, expect, update);
    }

    long syscalltick() {
        return (long) SYSCALLTICK.getOpaque(this);
    }

    /** Owner only. */
    void incSyscalltick() {
        SYSCALLTICK.setOpaque(this, (long) SYSCALLTICK.getOpaque(this) + 1);
    }

    boolean preempt() {
        return (boolean) PREEMPT.getAcquire(this);
    }

    /** Sets the preemption request; true if it was not set. */
    boolean requestPreempt() {
        return PREEMPT.compareAndSet(this, false, true);
    }

    /** Clears the preemption request; true if it was set. */
    boolean clearPreempt() {
        return PREEMPT.compareAndSet(this, true, false);
    }

    /**
     * Takes every queued goroutine, runnext first, then the queue in order (an empty array
     * when there is none). Any thread: it only consumes.
     */
    G[] drainAll() {
        java.util.ArrayList<G> out = new java.util.ArrayList<>();
        G next = runnext();
        if (next != null && casRunnext(next, null)) {
            out.add(next);
        }
        G x;
        while ((x = runq.poll()) != null) {
            out.add(x);
        }
        return out.toArray(NO_GOROUTINES);
    }

    /**
     * The monitor's half of a hand-off: this processor was just retired (see the class notes);
     * moves the goroutines queued on it into {@code fresh}, its replacement, which nobody else
     * can see yet (the caller is its only producer): runnext into runnext, then the queue in
     * order. What does not fit is returned, in order, for the global queue (Go's
     * {@code runqputslow} answer): runnext plus a full queue is already one more than a fresh
     * queue holds, and the old owner may push one more while this runs. Never throws.
     *
     * <p>Any thread. It only consumes from this processor, so the old owner may keep pushing
     * concurrently: it pushes only after reading the status RUNNING, so once the retiring CAS
     * is visible at most one push is in flight, and what lands after the drain is moved to the
     * global queue later (the old machine's {@code dropRetired}, the monitor's sweep of
     * retired processors). The drain is bounded anyway, so a misbehaving producer cannot keep
     * the monitor here.
     *
     * @return the goroutines that did not fit, possibly an empty array
     */
    G[] handOffTo(Processor fresh) {
        G next = runnext();
        if (next != null && casRunnext(next, null)) {
            fresh.runqput(next, true); // fresh is empty: cannot overflow
        }
        java.util.ArrayList<G> overflow = null;
        G x;
        for (int i = 0; i < 2 * RUNQ_SIZE && (x = runq.poll()) != null; i++) {
            if (!fresh.runq.offer(x)) {
                if (overflow == null) {
                    overflow = new java.util.ArrayList<>();
                }
                overflow.add(x);
            }
        }
        return overflow == null ? NO_GOROUTINES : overflow.toArray(NO_GOROUTINES);
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

    // ---------------------------------------------------------------- run queue (Go's runq*)

    /**
     * Go's runqput: puts g on the local queue; with {@code next}, into runnext, kicking the
     * old runnext to the tail. When the queue is full, takes the older half of it (Go's
     * runqputslow) and returns it with g at the end, for the caller to move to the global
     * queue; otherwise returns null. Owner only.
     */
    G[] runqput(G g, boolean next) {
        if (next) {
            G old;
            do {
                old = runnext();
            } while (!casRunnext(old, g));
            if (old == null) {
                return null;
            }
            g = old;
        }
        if (runq.offer(g)) {
            return null;
        }
        G[] batch = new G[RUNQ_SIZE / 2 + 1];
        int n = 0;
        while (n < RUNQ_SIZE / 2) {
            G x = runq.poll();
            if (x == null) {
                break; // stealers took some meanwhile: move what we have
            }
            batch[n++] = x;
        }
        batch[n++] = g;
        return n == batch.length ? batch : java.util.Arrays.copyOf(batch, n);
    }

    /**
     * Go's runqget: runnext first (then {@link #inheritTime} is true), else the head of the
     * local queue; null when both are empty. Owner only.
     */
    G runqget() {
        G next = runnext();
        if (next != null && casRunnext(next, null)) {
            inheritTime = true;
            return next;
        }
        inheritTime = false;
        return runq.poll();
    }

    /**
     * Go's runqsteal/runqgrab: steals half (rounded up, at most 128) of victim's local queue
     * into this processor's, and returns the last stolen goroutine to run now. With
     * {@code stealRunNext} and an empty victim queue, takes the victim's runnext, after a
     * 3 µs back-off if the victim is running (its goroutine likely readied it and is about
     * to block). Owner only, with an empty local queue.
     */
    G runqsteal(Processor victim, boolean stealRunNext) {
        int n;
        while (true) {
            int size = victim.runq.size();
            n = size - size / 2;
            if (n > 0) {
                break;
            }
            if (!stealRunNext) {
                return null;
            }
            G next = victim.runnext();
            if (next == null) {
                return null;
            }
            if (victim.status == RUNNING) {
                LockSupport.parkNanos(RUNNEXT_STEAL_BACKOFF_NANOS);
            }
            // Steal only the goroutine seen before the back-off: if the victim ran it meanwhile
            // (runnext changed), look again, as Go's runqgrab does, rather than take a goroutine
            // that was readied a moment ago and is about to run where its waker is.
            if (victim.casRunnext(next, null)) {
                addSteals(1);
                lastStolen = 1;
                return next;
            }
        }
        if (n > RUNQ_SIZE / 2) {
            n = RUNQ_SIZE / 2;
        }
        // All but the last stolen goroutine go into this queue. Only this thread pushes into
        // it, so its free room can only grow while we steal: capping n by it means every offer
        // below succeeds (the queue is normally empty here, but a lock release may have readied
        // a few goroutines into it; see GmpScheduler.findRunnable).
        n = Math.min(n, RUNQ_SIZE - runq.size() + 1);
        G last = null;
        int got = 0;
        for (; got < n; got++) {
            G x = victim.runq.poll();
            if (x == null) {
                break;
            }
            if (last != null && !runq.offer(last)) {
                throw new InternalError("runtime: runqsteal overflowed the thief's queue"); // see the cap above
            }
            last = x;
        }
        if (got > 0) {
            addSteals(got);
            lastStolen = got;
        }
        return last;
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
            case RETIRED -> "retired";
            default -> "unknown(" + status + ")";
        };
    }

    @Override
    public String toString() {
        return "P" + id;
    }
}
