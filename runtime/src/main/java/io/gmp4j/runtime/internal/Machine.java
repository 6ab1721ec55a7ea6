package io.gmp4j.runtime.internal;

import io.gmp4j.runtime.spi.Carrier;
import io.gmp4j.runtime.spi.Preemption;
import io.gmp4j.runtime.spi.Scheduler;

import java.util.concurrent.locks.LockSupport;

/**
 * A machine (Go's M): a platform thread that runs goroutines while it holds a processor,
 * spins looking for work when it runs out, and parks when spinning finds nothing. Parked
 * machines are reused.
 *
 * <p>Fields without a lock are written only by this thread, except {@link #nextp} and
 * {@link #spinning}, which a waker writes before {@link #wake()} (the wake-up publishes them).
 */
final class Machine extends Thread implements Carrier {
    final GmpScheduler sched;
    final long mid;

    /**
     * The held processor; written only on this machine's OS thread (by the machine, or by the
     * goroutine it carries: acquirep/releasep/exitsyscall). The monitor never writes it; it
     * retires the processor instead (see {@link Processor}).
     */
    Processor p;
    /** The processor handed over by the waker (Go's m.nextp). */
    volatile Processor nextp;
    /** Whether this machine is spinning (counted in sched.nmspinning). */
    boolean spinning;
    /** Whether the goroutine taken by the last findRunnable inherits the time slice. */
    boolean inheritTime;
    /**
     * The goroutine running now; written only by this thread. Plain on purpose: it is set twice
     * per schedule, and a volatile store there costs a full fence; readers from other threads
     * (stats, dumps) may see a slightly stale value, which they tolerate.
     */
    G curg;
    /**
     * Work the goroutine running here asked to run on this thread once it unmounts
     * ({@link #runAfterPark}); written by that goroutine, which runs on this same
     * carrier thread, and taken by the machine after the continuation returns.
     */
    Runnable afterPark;
    /**
     * {@code Go.syscall} calls made by goroutines while mounted here. Written only by code
     * running on this OS thread (opaque); read by stats. Counted per machine, not per processor,
     * so that no call is lost when the monitor retires a processor (a retired processor's
     * counters are copied into its replacement once) or a goroutine calls without a processor.
     */
    @SuppressWarnings("unused") // accessed through SYSCALLS
    private long syscalls;
    private static final java.lang.invoke.VarHandle SYSCALLS;
    static {
        try {
            SYSCALLS = java.lang.invoke.MethodHandles.lookup().findVarHandle(Machine.class, "syscalls", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public Scheduler scheduler() {
        return sched;
    }

    /**
     * Honours a preemption request at a runtime call (Go's stack-guard check at a function
     * prologue), on the goroutine mounted here: yield if the monitor asked this machine's
     * processor to.
     */
    @Override
    public void preemptPoint() {
        Processor p = this.p;
        if (p != null && p.preempt() && p.clearPreempt()) {
            Preemption.withdrawn();
            Thread.yield(); // Go: gopreempt_m puts the goroutine on the global queue
        }
    }

    /**
     * Leaves {@code action} for this machine to run after the goroutine mounted here
     * unmounts (the goroutine parked, yielded or ended). Two different actions left before one
     * unmount both run.
     */
    @Override
    public boolean runAfterPark(Runnable action) {
        Runnable a = afterPark;
        if (a == null || a == action) {
            afterPark = action;
        } else {
            afterPark = () -> {
                a.run();
                action.run();
            };
        }
        return true;
    }

    /** Counts one {@code Go.syscall} call; on this machine's OS thread only. */
    void countSyscall() {
        SYSCALLS.setOpaque(this, (long) SYSCALLS.getOpaque(this) + 1);
    }

    long syscalls() {
        return (long) SYSCALLS.getOpaque(this);
    }

    /** Whether its goroutine is inside {@code Go.syscall}; for stats only. */
    volatile boolean inSyscall;
    /** Whether it is parked (idle list or timer wait); for stats only. */
    volatile boolean parked;
    /**
     * While this machine polls the network: where the goroutines the poll readies are collected
     * (Go's gList from netpoll) instead of being queued one by one; null otherwise. This thread only.
     */
    java.util.ArrayList<G> injectList;
    /** The list reused for {@link #injectList}. This thread only. */
    final java.util.ArrayList<G> pollBuf = new java.util.ArrayList<>();
    /** A goroutine the blocking network poll found, to run next (findRunnable). This thread only. */
    G polled;
    /** Idle-list link. Guarded by sched.lock. */
    Machine schedlink;
    /** Wake-up permit (Go's m.park note): set by a waker, cleared by this thread. */
    private volatile boolean notified;
    /** Cheap per-machine random source (Go's fastrand) for the steal order. */
    private int seed;

    Machine(GmpScheduler sched, long mid, Processor nextp, boolean spinning) {
        // Not '+': the JDK links a '+' site at its first run, here in the first goroutine's go().
        super(null, null, sched.threadNamePrefix.concat("m").concat(Long.toString(mid)), 0, false);
        this.sched = sched;
        this.mid = mid;
        this.nextp = nextp;
        this.spinning = spinning;
        this.seed = (int) (mid * 0x9E3779B9L) | 1;
        setDaemon(true);
    }

    @Override
    public void run() {
        sched.mstart(this);
    }

    /** Go's notesleep(&m.park): parks until {@link #wake()}; consumes the permit. */
    void sleep() {
        parked = true;
        while (!notified) {
            LockSupport.park(this);
        }
        parked = false;
        notified = false;
    }

    /** Go's notewakeup(&m.park). */
    void wake() {
        notified = true;
        LockSupport.unpark(this);
    }

    /** xorshift32; owner only. */
    int fastrand() {
        int x = seed;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        seed = x;
        return x;
    }

    @Override
    public String toString() {
        return "M" + mid;
    }
}
