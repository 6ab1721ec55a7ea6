package io.gmp4j.runtime.internal;

import io.gmp4j.runtime.spi.MonitoredScheduler;
import io.gmp4j.runtime.spi.Poller;
import io.gmp4j.runtime.spi.Preemption;
import io.gmp4j.runtime.spi.Scheduler;
import io.gmp4j.runtime.spi.SchedulerConfig;
import io.gmp4j.runtime.spi.SchedulerStats;
import io.gmp4j.runtime.spi.SchedulerTimers;
import io.gmp4j.runtime.spi.TimerHeaps;

import jdk.jfr.FlightRecorder;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Go's G/P/M scheduler ({@code runtime/proc.go}) on JDK virtual threads: the {@code gmp}
 * provider.
 *
 * <h2>Implementation notes</h2>
 * <b>Goroutines.</b> Each goroutine is a virtual thread created with its own {@link G} as
 * executor. The JDK calls {@link G#execute} whenever the goroutine becomes runnable; who
 * calls decides where it goes (Go's placement rules, see {@link #ready}):
 * <ul>
 *   <li>a goroutine running on one of our machines (start or unpark of another goroutine):
 *       that processor's {@code runnext}, the old occupant kicked to the local tail, then
 *       {@code wakep} (Go's {@code newproc}/{@code ready});</li>
 *   <li>the machine itself, after the continuation unmounted: {@code Thread.yield()} is Go's
 *       {@code Gosched} (global queue); any other case is a park cancelled by an early unpark,
 *       which Go resumes at once (runnext);</li>
 *   <li>any other thread (a platform thread, a JDK timer or poller thread, a machine of
 *       another runtime): global queue, then {@code wakep}.</li>
 * </ul>
 *
 * <p><b>Machines and spinning</b> follow Go exactly: at most {@code busyPs/2} machines spin
 * ({@code 2*nmspinning < maxProcs-npidle}); {@code wakep} starts one spinning machine only when
 * none spins; a spinning machine that finds work calls {@code resetspinning}, which hands the
 * baton to a new spinner; a spinning machine that gives up decrements {@code nmspinning} and
 * then re-checks every source, so work submitted while it was giving up is never stranded
 * ({@code needspinning} closes the remaining window when no processor was free).
 *
 * <p><b>Locking.</b> {@link #lock} (Go's {@code sched.lock}) guards the global run queue, the
 * idle processor and machine lists. Rule M (docs/ARCHITECTURE.md): machines wait for it, so it
 * is a {@link RuntimeLock}, on which goroutines (readying one in {@code execute}, or waking a
 * machine for a timer they armed) spin instead of unmounting. Nothing blocks while holding it.
 *
 * <p><b>Moving goroutines between queues: nothing is ever dropped.</b> Every path that moves
 * goroutines from one queue to another either has room by construction or sends what does not
 * fit to the global queue, which is an unbounded list; none throws with goroutines in hand.
 * <ul>
 *   <li>Local overflow ({@code runqput}): half the queue plus the new one to the global queue
 *       (Go's {@code runqputslow}).</li>
 *   <li>Hand-off of a retired processor (the monitor's {@code retakeRunning}/{@code retakeSyscall}):
 *       {@link Processor#handOffTo} moves runnext and the queue into the replacement and returns
 *       what does not fit for the global queue. The old machine may push into the retired
 *       processor during and after the hand-off (it reads RUNNING, then pushes: one push in
 *       flight at most); such goroutines are moved to the global queue by the old machine
 *       ({@link #dropRetired}, when it next enters its scheduler) or by the monitor's sweep of
 *       {@link #retired} processors, every cycle ({@link #sweepRetired}), whichever comes
 *       first; both only consume, so they may race.</li>
 *   <li>Timers do not move with a hand-off: the runtime keeps one heap per processor id
 *       ({@link Timers}), and the replacement has the retired processor's id, so a timer the old
 *       machine adds lands in the same heap.</li>
 *   <li>{@code globrunqget} and {@code runqsteal} fill the caller's own queue, which only the
 *       caller pushes: both are capped by its free room (the rest stays where it was).</li>
 *   <li>Network poll results ({@code injectglist}): the global queue, or the poller's own
 *       processor through {@code runqput} with its overflow rule.</li>
 *   <li>A processor that {@code startm} cannot give a machine (the machine cap) goes idle; its
 *       local goroutines go to the global queue first, since nobody looks into an idle
 *       processor's queue.</li>
 *   <li>A machine whose loop dies with an {@code Error} hands its processor, queue included, to
 *       another machine ({@link #mstart}'s finally).</li>
 * </ul>
 *
 * <p><b>Layout</b>, by section banner: goroutine creation; readying (placement); the local and
 * the global run queue; processors and machines (idle lists, {@code acquirep}/{@code releasep},
 * {@code wakep}, {@code startm}, {@code stopm}, spinning); the schedule loop ({@code mstart},
 * {@code execute}, {@code findRunnable} and its helpers: one piece, as Go's
 * {@code schedule} is); work stealing; timers and the timer waiter; the network poller;
 * preemption; syscalls; the hand-off of retired processors; the monitor's view
 * ({@link MonitorView}, what {@link #monitored()} returns); lifecycle; observability; helpers
 * for tests.
 *
 * <p><b>Differences from Go</b>, forced by the JVM: no asynchronous preemption (a preempt flag
 * honoured at the runtime's preemption points — channel send and receive, {@code select},
 * {@code go}, {@code Go.checkpoint()}, the return of {@code Go.syscall} — and in the scheduler
 * when the goroutine parks or yields; a goroutine that calls none of them keeps its processor
 * until the system monitor retires it); the runnext steal back-off is a 3 µs timed park (Go's
 * {@code usleep(3)}); without a poller (before the runtime's first network use, or without the
 * netpoll module) one idle machine waits for the earliest timer with a timed park; a poller's
 * blocking wait has Go's millisecond granularity.
 */
public final class GmpScheduler implements Scheduler {
    private static final System.Logger LOG = System.getLogger("io.gmp4j.runtime");
    private static final VarHandle ALLP = MethodHandles.arrayElementVarHandle(Processor[].class);
    /** Timers overdue by this much are run by the monitor: nobody else is serving them. */
    private static final long OVERDUE_NANOS = 1_000_000;
    /** Go's stealTries. */
    private static final int STEAL_TRIES = 4;
    /** Go's sysmon: poll the network if nobody has for 10 ms. */
    private static final long NETPOLL_STALE_NANOS = 10_000_000;
    /** Go: the global queue is checked first every 61st schedule tick. */
    private static final int GLOBAL_CHECK_TICKS = 61;

    final String threadNamePrefix;
    private final int maxProcs;
    /** Go's sched.maxmcount. */
    private final int maxMachines;
    /** The processors by id; a slot changes only when the monitor retires its processor. */
    private final Processor[] allp;
    /** Retired processors whose old machine may still push into them (monitor's sweep). */
    private final ConcurrentLinkedQueue<Processor> retired = new ConcurrentLinkedQueue<>();
    private final int[] coprimes;

    /** Go's sched.lock: global run queue and idle lists. */
    private final RuntimeLock lock = new RuntimeLock();
    // Global run queue, linked through G.schedlink. Guarded by lock; size readable without it.
    private G runqHead;
    private G runqTail;
    private volatile int runqSize;
    // Idle processors (LIFO through Processor.link). Guarded by lock; count readable without it.
    private Processor pidle;
    private final AtomicInteger npidle = new AtomicInteger();
    // Idle machines (LIFO through Machine.schedlink). Guarded by lock.
    private Machine midle;
    private int nmidle;
    private int mcount;
    private long mnext;
    private final AtomicInteger nmspinning = new AtomicInteger();
    /** Go's sched.needspinning: work was readied while no processor was free. */
    private final AtomicInteger needspinning = new AtomicInteger();
    /** Written under lock; read by machines before they park. */
    private volatile boolean terminating;
    private final List<Machine> allm = new CopyOnWriteArrayList<>();

    /**
     * The machine blocked waiting for the next timer (Go: the M blocked in netpoll with a
     * timeout, {@code sched.lastpoll == 0}), or null. At most one.
     */
    private final java.util.concurrent.atomic.AtomicReference<Machine> timerWaiter =
            new java.util.concurrent.atomic.AtomicReference<>();
    /** When the timer waiter will wake on its own (Go's sched.pollUntil); 0 while unknown. */
    private volatile long pollUntil;
    private final Timers timerPart = new Timers();
    /**
     * The runtime's timer heaps, one per processor, given once by {@link Timers#attach} before
     * the first goroutine starts (machines start later: Thread.start publishes it); until then
     * an empty view.
     */
    private volatile TimerHeaps heaps = NO_TIMERS;
    private static final TimerHeaps NO_TIMERS = new TimerHeaps() {
        @Override
        public long now() {
            return RuntimeTimer.nanotime();
        }

        @Override
        public long wakeTime(int heap) {
            return NONE;
        }

        @Override
        public int run(int heap, long now) {
            return 0;
        }

        @Override
        public int size(int heap) {
            return 0;
        }
    };

    /** The network poller, once the runtime has one (Go's netpollinited). */
    private volatile Poller poller;
    /**
     * Go's sched.lastpoll: the runtime clock when the network was last polled by a blocking
     * poll or the monitor. (Go stores 0 while an M blocks in netpoll; here {@link #timerWaiter}
     * says that.)
     */
    private final AtomicLong lastpoll = new AtomicLong(1);
    /** The thread (the monitor) whose poll readies goroutines into {@link #injectorList}, or null. */
    private volatile Thread injector;
    /** Guarded by the monitor's polling: only the injector touches it. */
    private final ArrayList<G> injectorList = new ArrayList<>();
    private final java.util.concurrent.locks.ReentrantLock injectorLock = new java.util.concurrent.locks.ReentrantLock();
    private final AtomicLong netpolled = new AtomicLong();

    private final AtomicLong steals = new AtomicLong();
    private final AtomicLong foreign = new AtomicLong();
    private final AtomicLong loopErrors = new AtomicLong();
    private final AtomicLong handoffs = new AtomicLong();
    private final AtomicLong preemptRequests = new AtomicLong();
    /** Processor hand-offs refused because the machine cap was reached. */
    private final AtomicLong machineCapHits = new AtomicLong();
    /** Go's sched.sysmonwait: the monitor sleeps until a processor becomes busy. */
    private volatile Thread monitorSleeper;
    /** What {@link #monitored()} returns: the one view the system monitor drives. */
    private final MonitorView monitorView = new MonitorView();

    GmpScheduler(SchedulerConfig config, String threadNamePrefix) {
        JdkAccess.require();
        this.maxProcs = config.maxProcs();
        this.maxMachines = config.maxMachines();
        this.threadNamePrefix = threadNamePrefix;
        this.allp = new Processor[maxProcs];
        for (int i = maxProcs - 1; i >= 0; i--) {
            Processor p = new Processor(i);
            p.link = pidle;
            pidle = p;
            allp[i] = p;
        }
        npidle.set(maxProcs);
        this.coprimes = coprimes(maxProcs);
        JdkAccess.warmUp();
        if (jfrStarted()) { // loads FlightRecorder here, on the builder's thread, not on a machine or the monitor
            warmJfrEvents();
        }
    }

    /**
     * With JFR running, loads and registers the scheduler's event classes now, on the builder's
     * thread: otherwise the monitor's first preemption request and first hand-off, and a
     * machine's first steal, would each load one (JFR instruments and registers an event class
     * as it loads: a few milliseconds cold; {@code ColdHandoff} in benchmarks measures it), and
     * a steal event would set up {@link CarrierEventWriter}. No event is committed.
     */
    private static void warmJfrEvents() {
        new PreemptEvent();
        new HandoffEvent();
        new StealEvent();
        CarrierEventWriter.available();
    }

    // ---------------------------------------------------------------- goroutine creation

    @Override
    public Thread newThread(Runnable body) {
        if (terminating) {
            throw new RejectedExecutionException("gmp scheduler is shut down");
        }
        G g = new G(this);
        Thread t = JdkAccess.newVirtualThread(g, "", body);
        g.thread = t;
        g.cont = JdkAccess.runContinuation(t);
        return t;
    }

    /** Every goroutine runs on a {@link Machine}, a {@link io.gmp4j.runtime.spi.Carrier} of this scheduler. */
    @Override
    public boolean runsOnCarriers() {
        return true;
    }

    // ---------------------------------------------------------------- readying (placement)

    /**
     * Places a runnable goroutine. Go: {@code ready}/{@code newproc} ({@code runqput} with
     * {@code next=true} then {@code wakep}), {@code goschedImpl} (global queue), and
     * {@code injectglist} for wake-ups from outside the scheduler.
     */
    void ready(G g) {
        Thread carrier = JdkAccess.currentCarrierThread();
        if (carrier instanceof Machine m && m.sched == this) {
            if (m.injectList != null && carrier == Thread.currentThread()) {
                m.injectList.add(g); // readied by this machine's network poll: one batch (injectglist)
                return;
            }
            Processor p = m.p;
            // Not RUNNING: in a syscall (the processor is up for grabs) or retired by the
            // monitor (it belongs to no one): the goroutine goes to the global queue.
            if (p != null && p.status == Processor.RUNNING) {
                if (carrier == Thread.currentThread()) {
                    if (m.curg == null) {
                        // A timer fired on this machine (findRunnable): Go's goready from
                        // the timer function, into the runnext of the processor that ran it.
                        runqput(p, g, true);
                        wakep();
                        return;
                    }
                    // The machine resubmits the continuation it just ran, after it unmounted.
                    if (g.thread != null && JdkAccess.isYielded(g.thread)) {
                        globrunqput(g); // Go: goschedImpl
                        wakep();
                    } else {
                        runqput(p, g, true); // Go: park cancelled (unlockf false) runs it at once
                    }
                    return;
                }
                runqput(p, g, true);
                wakep();
                return;
            }
        }
        if (injector == Thread.currentThread()) {
            injectorList.add(g); // readied by the monitor's network poll
            return;
        }
        globrunqput(g);
        wakep();
    }

    /** A virtual thread that inherited a goroutine's executor became runnable. */
    void readyForeign(Runnable continuation) {
        foreign.incrementAndGet();
        ready(new G(this, continuation));
    }

    // ---------------------------------------------------------------- local run queue

    /** Go's runqput, with the overflow batch going to the global queue. Owner of p only. */
    private void runqput(Processor p, G g, boolean next) {
        G[] batch = p.runqput(g, next);
        if (batch != null) {
            lock.lock();
            try {
                globrunqputbatch(batch);
            } finally {
                lock.unlock();
            }
        }
    }

    /** Go's runqget, remembering whether the goroutine inherits the time slice. Owner only. */
    private G runqget(Machine m, Processor p) {
        G g = p.runqget();
        m.inheritTime = p.inheritTime;
        return g;
    }

    // ---------------------------------------------------------------- global run queue

    /** Go's globrunqput: appends to the global queue. */
    private void globrunqput(G g) {
        lock.lock();
        try {
            globrunqput1(g);
        } finally {
            lock.unlock();
        }
    }

    /** Appends one goroutine unless it is in the global queue already (see {@link G}). Lock held. */
    private void globrunqput1(G g) {
        assert lock.isHeldByCurrentThread();
        if (g.inGlobal) {
            return;
        }
        g.inGlobal = true;
        g.schedlink = null;
        if (runqTail == null) {
            runqHead = g;
        } else {
            runqTail.schedlink = g;
        }
        runqTail = g;
        runqSize = runqSize + 1;
    }

    /** Appends a batch in order. Lock held. */
    private void globrunqputbatch(G[] batch) {
        for (G g : batch) {
            globrunqput1(g);
        }
    }

    /**
     * Go's globrunqget: takes {@code min(size, size/maxProcs+1, 128)} goroutines (or at most
     * {@code max} when positive); returns the first and puts the rest on p's (empty) local
     * queue. Lock held, p owned by the caller.
     */
    private G globrunqget(Processor p, int max) {
        assert lock.isHeldByCurrentThread();
        int size = runqSize;
        if (size == 0) {
            return null;
        }
        int n = Math.min(size, size / maxProcs + 1);
        n = Math.min(n, Processor.RUNQ_SIZE / 2);
        if (max > 0 && n > max) {
            n = max;
        }
        G g = runqHead;
        runqHead = g.schedlink;
        g.schedlink = null;
        g.inGlobal = false;
        // p's queue was empty when the caller looked, and n <= 128: the queue has room, since
        // only p's owner (this thread) pushes and the few goroutines a lock release readies
        // into it meanwhile (see findRunnable) cannot fill the other half. Should it ever be
        // full anyway, the rest simply stays in the global queue: nothing is dropped.
        int taken = 1;
        for (; taken < n; taken++) {
            G x = runqHead;
            if (!p.runq.offer(x)) {
                break;
            }
            runqHead = x.schedlink;
            x.schedlink = null;
            x.inGlobal = false;
        }
        runqSize = size - taken;
        if (runqHead == null) {
            runqTail = null;
        }
        return g;
    }

    // ---------------------------------------------------------------- processors and machines

    /** The processor in slot i now. */
    private Processor proc(int i) {
        return (Processor) ALLP.getAcquire(allp, i);
    }

    /** Go's pidleput. Lock held; p has an empty run queue and is IDLE (released or fresh). */
    private void pidleput(Processor p) {
        assert lock.isHeldByCurrentThread();
        if (p.status != Processor.IDLE) {
            throw new InternalError("runtime: pidleput " + p + " status " + Processor.statusName(p.status));
        }
        p.link = pidle;
        pidle = p;
        npidle.incrementAndGet();
    }

    /** Go's pidleget. Lock held. */
    private Processor pidleget() {
        assert lock.isHeldByCurrentThread();
        Processor p = pidle;
        if (p != null) {
            pidle = p.link;
            p.link = null;
            npidle.decrementAndGet();
        }
        return p;
    }

    /** Go's pidlegetSpinning: as pidleget, but records needspinning when none is free. Lock held. */
    private Processor pidlegetSpinning() {
        Processor p = pidleget();
        if (p == null) {
            needspinning.set(1);
        }
        return p;
    }

    /** Go's acquirep/wirep. Lock held or p freshly taken off the idle list by this thread. */
    private void acquirep(Machine m, Processor p) {
        if (p.m != null || p.status != Processor.IDLE) {
            throw new InternalError("runtime: acquirep " + p + " invalid status " + Processor.statusName(p.status));
        }
        p.m = m;
        p.status = Processor.RUNNING;
        m.p = p;
        Thread sleeper = monitorSleeper;
        if (sleeper != null) {
            LockSupport.unpark(sleeper); // Go: a processor left idle; sysmon leaves its deep sleep
        }
    }

    /**
     * Go's releasep: leaves the processor IDLE for pidleput or a hand-off. Returns null if the
     * monitor retired it meanwhile (then this machine has no processor any more).
     */
    private Processor releasep(Machine m) {
        Processor p = m.p;
        if (p.m != m) {
            throw new InternalError("runtime: releasep " + p + " not owned by " + m);
        }
        if (!p.casStatus(Processor.RUNNING, Processor.IDLE)) {
            dropRetired(m, p);
            return null;
        }
        p.m = null;
        m.p = null;
        return p;
    }

    /**
     * Go's wakep: starts one spinning machine on an idle processor, unless a machine already
     * spins (it will find the work, or hand the baton on). When no processor is idle it records
     * needspinning; the pre-check skips the lock when that is already recorded (same outcome).
     */
    private void wakep() {
        if (nmspinning.get() != 0) {
            return;
        }
        if (npidle.get() == 0 && needspinning.get() == 1) {
            return;
        }
        if (!nmspinning.compareAndSet(0, 1)) {
            return;
        }
        Processor p;
        lock.lock();
        try {
            p = pidlegetSpinning();
            if (p == null) {
                if (nmspinning.decrementAndGet() < 0) {
                    throw new InternalError("runtime: wakep: negative nmspinning");
                }
                return;
            }
        } finally {
            lock.unlock();
        }
        startm(p, true);
    }

    /**
     * Go's startm: runs an idle machine (or a new one) with processor p. A spinning start has
     * already been counted in nmspinning by the caller.
     */
    private void startm(Processor p, boolean spinning) {
        Machine m;
        boolean created = false;
        boolean capFirstHit = false;
        lock.lock();
        try {
            if (terminating) {
                pidleput(p);
                if (spinning) {
                    nmspinning.decrementAndGet();
                }
                return;
            }
            m = midle;
            if (m != null) {
                midle = m.schedlink;
                m.schedlink = null;
                nmidle--;
            } else {
                if (mcount >= maxMachines) {
                    // Go throws "thread exhaustion". A library should not take the JVM down:
                    // the processor waits on the idle list for the next free machine. Its local
                    // goroutines (a handed-off processor's) go to the global queue first: nobody
                    // looks into an idle processor's queue, a running machine looks globally.
                    G[] queued = p.drainAll();
                    globrunqputbatch(queued);
                    pidleput(p);
                    if (spinning) {
                        nmspinning.decrementAndGet();
                    }
                    capFirstHit = machineCapHits.getAndIncrement() == 0;
                    m = null;
                } else {
                    mcount++;
                    m = new Machine(this, mnext++, p, spinning);
                    allm.add(m);
                    created = true;
                }
            }
        } finally {
            lock.unlock();
        }
        if (m == null) {
            if (capFirstHit) {
                // Logged after sched.lock is released (Rule M: a logger may block on what a
                // goroutine holds, e.g. a console stream).
                LOG.log(Level.WARNING, "runtime: " + maxMachines + " machine threads in use (the cap: "
                        + "GoRuntime.Builder.maxMachines or -Dgmp4j.maxthreads); a processor waits idle "
                        + "until one is free");
            }
            return;
        }
        if (created) {
            m.start();
        } else {
            m.spinning = spinning;
            m.nextp = p;
            m.wake();
        }
    }

    /**
     * Go's stopm: puts the machine on the idle list and parks it until a waker hands it a
     * processor. Returns false when the scheduler terminates instead.
     */
    private boolean stopm(Machine m) {
        lock.lock();
        try {
            if (terminating) {
                return false;
            }
            m.schedlink = midle;
            midle = m;
            nmidle++;
        } finally {
            lock.unlock();
        }
        m.sleep();
        Processor p = m.nextp;
        if (p == null) {
            return false; // woken for termination
        }
        m.nextp = null;
        acquirep(m, p);
        return true;
    }

    private void becomeSpinning(Machine m) {
        m.spinning = true;
        nmspinning.incrementAndGet();
        needspinning.set(0);
    }

    /** Go's resetspinning: the spinning machine found work; let another spin in its place. */
    private void resetspinning(Machine m) {
        m.spinning = false;
        if (nmspinning.decrementAndGet() < 0) {
            throw new InternalError("runtime: resetspinning: negative nmspinning");
        }
        wakep();
    }

    // ---------------------------------------------------------------- the schedule loop

    /** Machine entry point (Go's mstart → schedule). */
    void mstart(Machine m) {
        Processor p = m.nextp;
        m.nextp = null;
        acquirep(m, p);
        try {
            while (true) {
                G g = findRunnable(m);
                if (g == null) {
                    break;
                }
                if (m.spinning) {
                    resetspinning(m);
                }
                execute(m, g);
            }
        } finally {
            // Normally the processor was released before the loop ended. If an Error escaped
            // a continuation instead, hand the processor and its queue to another machine
            // (Go's handoffp) so its goroutines are not stranded with this dying thread.
            Processor held = m.p;
            if (held != null) {
                if (held.status == Processor.SYSCALL) {
                    held.casStatus(Processor.SYSCALL, Processor.RUNNING);
                }
                held = releasep(m);
                if (m.spinning) {
                    m.spinning = false;
                    nmspinning.decrementAndGet();
                }
            }
            lock.lock();
            try {
                mcount--;
            } finally {
                lock.unlock();
            }
            if (held != null) {
                startm(held, false);
            }
        }
    }

    /** Go's execute: runs g on m until it parks, yields or ends. */
    private void execute(Machine m, G g) {
        Processor p = m.p;
        if (!m.inheritTime) {
            p.incSchedtick();
        }
        m.curg = g;
        try {
            g.cont.run();
        } catch (RuntimeException e) {
            // The JDK catches everything a goroutine throws; reaching here is a runtime bug.
            loopErrors.incrementAndGet();
            LOG.log(Level.ERROR, "runtime: continuation of " + g + " threw on " + m, e);
        } finally {
            m.curg = null;
        }
        Runnable after = m.afterPark;
        if (after != null) {
            m.afterPark = null;
            try {
                after.run();
            } catch (RuntimeException e) {
                loopErrors.incrementAndGet();
                LOG.log(Level.ERROR, "runtime: work to run after " + g + " parked threw on " + m, e);
            }
        }
    }

    /**
     * {@link io.gmp4j.runtime.spi.Carrier#runAfterPark} for the calling goroutine: if it is
     * mounted on a machine of any gmp scheduler, leaves {@code action} for that machine
     * ({@link Machine#runAfterPark}); false otherwise (tests).
     */
    public static boolean runAfterPark(Runnable action) {
        if (!Thread.currentThread().isVirtual() || !JdkAccess.available()) {
            return false;
        }
        return JdkAccess.currentCarrierThread() instanceof Machine m && m.runAfterPark(action);
    }

    /**
     * Go's findRunnable: finds a goroutine to run, in Go's order — global queue every 61st
     * tick, local (runnext first), global batch, steal (spinning, at most busy/2 machines),
     * then give the processor up, re-check everything if we were spinning, and park. Returns
     * null only when the scheduler terminates.
     */
    private G findRunnable(Machine m) {
        top:
        while (true) {
            Processor p = m.p;
            if (p == null || p.status != Processor.RUNNING) {
                if (!regainProcessor(m)) {
                    return null;
                }
                p = m.p;
            }
            if (p.preempt()) {
                honourPreemptInScheduler(p);
            }
            G g;
            checkTimers(p); // Go: pp.timers.check(0) at the top of findRunnable
            // Fairness: a pair of goroutines re-spawning each other must not starve the global queue.
            if (p.schedtick() % GLOBAL_CHECK_TICKS == 0 && runqSize > 0) {
                lock.lock();
                try {
                    g = globrunqget(p, 1);
                } finally {
                    lock.unlock();
                }
                if (g != null) {
                    m.inheritTime = false;
                    return g;
                }
            }
            g = runqget(m, p);
            if (g != null) {
                return g;
            }
            if (runqSize > 0) {
                lock.lock();
                try {
                    g = globrunqget(p, 0);
                } finally {
                    lock.unlock();
                }
                if (g != null) {
                    m.inheritTime = false;
                    return g;
                }
            }
            // Go: netpoll(0) before stealing, unless a machine blocks in it (lastpoll == 0).
            Poller np = poller;
            if (np != null && np.hasWaiters() && timerWaiter.get() == null) {
                g = pollNetwork(m, np, 0);
                if (g != null) {
                    m.inheritTime = false;
                    return g;
                }
            }
            if (m.spinning || 2 * nmspinning.get() < maxProcs - npidle.get()) {
                if (!m.spinning) {
                    becomeSpinning(m);
                }
                g = stealWork(m, p);
                if (g != null) {
                    m.inheritTime = false;
                    return g;
                }
            }
            // Nothing found: give the processor up.
            lock.lock();
            try {
                if (p.status != Processor.RUNNING) {
                    continue top; // retired by the monitor meanwhile
                }
                if (!p.runqEmpty()) {
                    // Unlike Go's, our local queue can grow behind the owner's back while it is
                    // in findRunnable: releasing a lock (a timer heap's, sched.lock) unparks a
                    // goroutine waiting for it, and the JDK readies it on this machine, into p.
                    // Releasing p now would strand it (no machine looks at an idle p's queue).
                    continue top;
                }
                if (runqSize > 0) {
                    g = globrunqget(p, 0);
                    m.inheritTime = false;
                    return g;
                }
                if (!m.spinning && needspinning.get() == 1) {
                    becomeSpinning(m);
                    continue top;
                }
                Processor released = releasep(m);
                if (released == null) {
                    continue top;
                }
                pidleput(released);
            } finally {
                lock.unlock();
            }
            if (m.spinning) {
                m.spinning = false;
                if (nmspinning.decrementAndGet() < 0) {
                    throw new InternalError("runtime: findRunnable: negative nmspinning");
                }
                // Work may have been readied before the decrement was visible to wakep.
                if (runqSize > 0) {
                    lock.lock();
                    try {
                        Processor p2 = pidlegetSpinning();
                        if (p2 != null) {
                            acquirep(m, p2);
                            becomeSpinning(m);
                            g = globrunqget(p2, 0);
                            if (g != null) {
                                m.inheritTime = false;
                                return g;
                            }
                            continue top;
                        }
                    } finally {
                        lock.unlock();
                    }
                }
                Processor p2 = checkRunqsNoP();
                if (p2 != null) {
                    acquirep(m, p2);
                    becomeSpinning(m);
                    continue top;
                }
            }
            // Go: block in netpoll until the next timer (without a poller: a timed park).
            if (awaitTimers(m)) {
                g = m.polled;
                if (g != null) {
                    m.polled = null;
                    m.inheritTime = false;
                    return g;
                }
                continue top;
            }
            if (!stopm(m)) {
                return null;
            }
        }
    }

    /**
     * The machine returns to its scheduler without a usable processor: its goroutine unmounted
     * inside {@code Go.syscall} (the processor is still marked in a syscall: take it back), the
     * monitor retired the processor while a goroutine held it, or {@code exitsyscall} found no
     * processor and queued its goroutine globally. Go: the machine takes an idle processor,
     * else stops ({@code exitsyscall0}'s {@code stopm}). Returns false on termination.
     */
    private boolean regainProcessor(Machine m) {
        Processor p = m.p;
        if (p != null) {
            if (p.status == Processor.SYSCALL && p.casStatus(Processor.SYSCALL, Processor.RUNNING)) {
                m.inSyscall = false;
                return true;
            }
            if (p.status == Processor.RUNNING) {
                return true;
            }
            dropRetired(m, p);
        }
        m.inSyscall = false;
        return acquireIdle(m) || stopm(m); // stopm wakes with a processor, or false on termination
    }

    /** Go's exitsyscallfast_pidle: takes an idle processor for m if there is one. */
    private boolean acquireIdle(Machine m) {
        if (npidle.get() == 0) {
            return false;
        }
        Processor idle;
        lock.lock();
        try {
            idle = pidleget();
        } finally {
            lock.unlock();
        }
        if (idle == null) {
            return false;
        }
        acquirep(m, idle);
        return true;
    }

    /**
     * The monitor asked this processor's goroutine to yield and it parked or yielded before
     * seeing the request: the goroutine that was made ready meanwhile must not inherit the
     * time slice (a pair of goroutines readying each other through runnext never ends one),
     * so runnext goes to the back of the local queue, behind what waited there.
     */
    private void honourPreemptInScheduler(Processor p) {
        if (!p.clearPreempt()) {
            return;
        }
        Preemption.withdrawn();
        G next = p.runnext();
        if (next != null && p.casRunnext(next, null)) {
            runqput(p, next, false);
        }
    }

    // ---------------------------------------------------------------- work stealing

    /** Go's checkRunqsNoP: an idle processor to go after a busy one's local work, or null. */
    private Processor checkRunqsNoP() {
        for (int i = 0; i < maxProcs; i++) {
            Processor victim = proc(i);
            if (victim.status != Processor.IDLE && !victim.runqEmpty()) {
                lock.lock();
                try {
                    return pidlegetSpinning();
                } finally {
                    lock.unlock();
                }
            }
        }
        return null;
    }

    /**
     * Go's stealWork: four passes over all other processors in a random order (coprime
     * stride); runnext only on the last pass.
     */
    private G stealWork(Machine m, Processor p) {
        int count = maxProcs;
        if (count == 1) {
            return null;
        }
        for (int i = 0; i < STEAL_TRIES; i++) {
            boolean stealRunNext = i == STEAL_TRIES - 1;
            int r = m.fastrand() & Integer.MAX_VALUE;
            int pos = r % count;
            int inc = coprimes[(r / count) % coprimes.length];
            for (int j = 0; j < count; j++, pos = (pos + inc) % count) {
                Processor victim = proc(pos);
                if (victim == p) {
                    continue;
                }
                // Go: on the last pass, run the other processor's due timers (idle ones too);
                // goroutines they ready land on our processor.
                if (stealRunNext && heaps.wakeTime(victim.id) != TimerHeaps.NONE) {
                    heaps.run(victim.id, RuntimeTimer.nanotime());
                    // Timers fired, or the heap lock's release unparked a goroutine waiting
                    // for it: either lands in our queue (see findRunnable's final check).
                    G g = runqget(m, p);
                    if (g != null) {
                        return g;
                    }
                }
                if (victim.status == Processor.IDLE) {
                    continue;
                }
                G g = p.runqsteal(victim, stealRunNext);
                if (g != null) {
                    steals.addAndGet(p.lastStolen);
                    if (jfrStarted()) {
                        commitSteal(p, victim);
                    }
                    return g;
                }
            }
        }
        return null;
    }

    /**
     * A JFR {@code io.gmp4j.Steal} event; only once JFR has started (see {@link #jfrStarted}).
     * Committed on the machine's thread, which also carries goroutines: see
     * {@link CarrierEventWriter} for why it first prepares the thread's event writer.
     */
    private static void commitSteal(Processor p, Processor victim) {
        StealEvent e = new StealEvent();
        if (e.shouldCommit()) {
            e.thief = p.id;
            e.victim = victim.id;
            e.count = p.lastStolen;
            CarrierEventWriter.prepare();
            e.commit();
        }
    }

    /** Go's stealOrder.reset: the numbers in [1, n] coprime with n. */
    static int[] coprimes(int n) {
        List<Integer> list = new ArrayList<>();
        for (int x = 1; x <= n; x++) {
            if (gcd(x, n) == 1) {
                list.add(x);
            }
        }
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    // ---------------------------------------------------------------- timers and the timer waiter

    @Override
    public SchedulerTimers timers() {
        return timerPart;
    }

    /**
     * Go's per-P timers ({@link SchedulerTimers}): the runtime keeps one heap per processor; a
     * timer goes into the heap of the processor running the caller, and the machines run them
     * (findRunnable, the timer waiter, stealing, the monitor's overdue sweep).
     */
    private final class Timers implements SchedulerTimers {
        @Override
        public int heaps() {
            return maxProcs;
        }

        @Override
        public int heapForCaller() {
            Thread carrier = JdkAccess.currentCarrierThread();
            if (carrier instanceof Machine m && m.sched == GmpScheduler.this) {
                Processor p = m.p;
                if (p != null) {
                    return p.id;
                }
            }
            // Not on one of our processors (a platform thread): spread by thread.
            return (int) (Thread.currentThread().threadId() % maxProcs);
        }

        @Override
        public void earliestChanged(long when) {
            wakeTimerWaiter(when);
        }

        @Override
        public void attach(TimerHeaps h) {
            heaps = h;
        }
    }

    /** Go's checkTimers: runs p's due timers; reads the clock only when p has any timer. */
    private void checkTimers(Processor p) {
        TimerHeaps h = heaps;
        long next = h.wakeTime(p.id);
        if (next != TimerHeaps.NONE && next <= h.now()) {
            h.run(p.id, h.now());
        }
    }

    /** The earliest timer of any processor (Go's checkTimersNoP), or NONE. */
    private long earliestTimer() {
        long next = RuntimeTimer.NONE;
        for (int i = 0; i < maxProcs; i++) {
            next = Math.min(next, heaps.wakeTime(i));
        }
        return next;
    }

    /** Runs every processor's due timers (the timer waiter, with or without a processor). */
    private void runAllTimers(long now) {
        for (int i = 0; i < maxProcs; i++) {
            if (heaps.wakeTime(i) <= now) {
                heaps.run(i, now);
            }
        }
    }

    /**
     * The idle machine's wait for the next timer or network event, Go's blocking
     * {@code netpoll(delay)} in findRunnable: one machine at most (the others stop). With a
     * poller it blocks in it until the earliest timer of any processor (indefinitely without
     * timers; not at all without timers and network waiters); without one it parks until that
     * timer. {@link #wakeTimerWaiter} wakes it for an earlier timer; the poller wakes itself
     * for a new registration. Then it takes an idle processor: the first goroutine the poll
     * readied is returned in {@link Machine#polled}, the rest injected (Go's injectglist), due
     * timers run with that processor, and the method returns true (the caller goes back to the
     * top of findRunnable). If no processor is idle, every processor is busy: what the poll
     * readied goes to the global queue, due timers run anyway, and the machine stops, as in Go.
     * Returns false then, and when there is nothing to wait for, another machine waits
     * already, or the scheduler terminates: the caller stops.
     */
    private boolean awaitTimers(Machine m) {
        while (!terminating) {
            if (!timerWaiter.compareAndSet(null, m)) {
                return false;
            }
            // Registered first, then read the heaps: an adder either sees us (and wakes us if its
            // timer is earlier) or added before this read (and we see its timer).
            Poller np = poller;
            long next = earliestTimer();
            if (next == RuntimeTimer.NONE && (np == null || !np.hasWaiters())) {
                timerWaiter.set(null);
                if (earliestTimer() == RuntimeTimer.NONE && (poller == null || !poller.hasWaiters())) {
                    return false;
                }
                continue; // a timer or a network waiter arrived while we deregistered
            }
            pollUntil = next == RuntimeTimer.NONE ? 0 : next;
            long now = RuntimeTimer.nanotime();
            ArrayList<G> list = m.pollBuf;
            list.clear();
            if (np != null) {
                long delay = next == RuntimeTimer.NONE ? -1 : Math.max(0, next - now);
                m.parked = true;
                m.injectList = list;
                try {
                    np.poll(terminating ? 0 : delay, LockSupport::unpark);
                } finally {
                    m.injectList = null;
                    m.parked = false;
                }
            } else if (next > now && !terminating) {
                LockSupport.parkNanos(this, next - now);
            }
            pollUntil = 0;
            now = RuntimeTimer.nanotime();
            lastpoll.set(Math.max(1, now));
            timerWaiter.set(null);
            netpolled.addAndGet(list.size());
            if (terminating) {
                injectglist(null, list, 0);
                return false;
            }
            boolean timersDue = earliestTimer() <= now;
            if (list.isEmpty() && !timersDue) {
                continue; // woken early (an earlier timer, a new registration, spuriously): wait again
            }
            Processor p;
            lock.lock();
            try {
                p = pidleget();
            } finally {
                lock.unlock();
            }
            if (p != null) {
                acquirep(m, p);
                if (!list.isEmpty()) {
                    m.polled = list.get(0);
                    injectglist(p, list, 1);
                }
                if (timersDue) {
                    runAllTimers(now);
                }
                list.clear();
                return true;
            }
            // Go: no idle processor — every one is busy and will find this work; inject it
            // and stop (a busy runtime polls from findRunnable and the monitor, not from a
            // machine of its own competing for the cores).
            injectglist(null, list, 0);
            list.clear();
            if (timersDue) {
                runAllTimers(now);
            }
            return false;
        }
        return false;
    }

    /**
     * Go's wakeNetPoller: a timer was added that is the earliest of its heap. If a machine waits
     * for timers and would wake later, unpark it; if none waits, start a spinning machine
     * (which, finding nothing else, becomes the waiter).
     */
    private void wakeTimerWaiter(long when) {
        Machine w = timerWaiter.get();
        if (w != null) {
            long until = pollUntil;
            if (until == 0 || until > when) {
                Poller np = poller;
                if (np != null) {
                    np.wakeup(); // Go's netpollBreak
                }
                LockSupport.unpark(w);
            }
        } else {
            wakep();
        }
    }

    // ---------------------------------------------------------------- network poller

    @Override
    public boolean attachPoller(Poller p) {
        poller = p;
        Machine w = timerWaiter.get();
        if (w != null) {
            LockSupport.unpark(w); // it parked without a poller: let it wait in the poller instead
        }
        return true;
    }

    /**
     * A thread that is not one of our goroutines registered a network wait: if no machine polls
     * or runs (every processor idle), start one; finding nothing else it becomes the blocking
     * poller.
     */
    @Override
    public void pollerNeeded() {
        if (timerWaiter.get() == null && npidle.get() == maxProcs) {
            wakep();
        }
    }

    /**
     * Go's netpoll(0) in findRunnable: polls without blocking; returns the first goroutine
     * readied and injects the others (Go's injectglist), or null. m holds its processor.
     */
    private G pollNetwork(Machine m, Poller np, long delay) {
        ArrayList<G> list = m.pollBuf;
        list.clear();
        m.injectList = list;
        try {
            np.poll(delay, LockSupport::unpark);
        } finally {
            m.injectList = null;
        }
        if (list.isEmpty()) {
            return null;
        }
        netpolled.addAndGet(list.size());
        G first = list.get(0);
        injectglist(m.p, list, 1);
        list.clear();
        return first;
    }

    /**
     * Go's injectglist: makes the goroutines {@code list[from..]} runnable in one batch. Without
     * a processor, all go to the global queue and as many idle processors as there are
     * goroutines get a machine. With one, as many as there are idle processors go to the global
     * queue (each idle processor started), the rest to p's local queue.
     */
    private void injectglist(Processor p, ArrayList<G> list, int from) {
        int n = list.size() - from;
        if (n <= 0) {
            return;
        }
        if (p == null) {
            lock.lock();
            try {
                for (int i = from; i < list.size(); i++) {
                    globrunqput1(list.get(i));
                }
            } finally {
                lock.unlock();
            }
            startIdle(n);
            return;
        }
        int toGlobal = Math.min(npidle.get(), n);
        if (toGlobal > 0) {
            lock.lock();
            try {
                for (int i = from; i < from + toGlobal; i++) {
                    globrunqput1(list.get(i));
                }
            } finally {
                lock.unlock();
            }
            startIdle(toGlobal);
        }
        for (int i = from + toGlobal; i < list.size(); i++) {
            runqput(p, list.get(i), false);
        }
        // Go: some processor may have gone idle after npidle was read; make sure one looks.
        wakep();
    }

    /** Go's injectglist startIdle: a machine for each of up to n idle processors. */
    private void startIdle(int n) {
        for (int i = 0; i < n; i++) {
            Processor pp;
            lock.lock();
            try {
                pp = pidlegetSpinning();
            } finally {
                lock.unlock();
            }
            if (pp == null) {
                return;
            }
            startm(pp, false);
        }
    }

    // ---------------------------------------------------------------- preemption

    @Override
    public void checkpoint() {
        if (Preemption.anyPending() && Thread.currentThread().isVirtual()
                && JdkAccess.currentCarrierThread() instanceof Machine m) {
            m.preemptPoint();
        }
    }

    // ---------------------------------------------------------------- syscalls

    /**
     * Go's entersyscall/exitsyscall around a blocking call. Entry marks the processor
     * SYSCALL (it stays wired to this machine; the monitor may retire and replace it after a
     * tick). Exit: fast path — the processor is still ours in the same syscall, CAS it back
     * to RUNNING; else take an idle processor; else (Go's exitsyscall0) yield into the global
     * queue, and this machine, now without a processor, stops.
     */
    @Override
    public <T> T syscall(Callable<T> call) throws Exception {
        Machine m = currentMachine();
        if (m == null) {
            return call.call(); // a platform thread or another scheduler's thread: nothing to hand off
        }
        m.countSyscall();
        Processor p = m.p;
        if (p == null || p.status != Processor.RUNNING) {
            return call.call(); // nested, or already without a processor: exit handles it
        }
        long tick = p.syscalltick();
        if (!p.casStatus(Processor.RUNNING, Processor.SYSCALL)) {
            try {
                return call.call(); // retired just now: run without a processor
            } finally {
                exitsyscall(null, 0);
            }
        }
        m.inSyscall = true;
        T result;
        try {
            result = call.call();
        } finally {
            if (currentMachine() == m && m.p == p && p.syscalltick() == tick
                    && p.casStatus(Processor.SYSCALL, Processor.RUNNING)) {
                p.incSyscalltick(); // Go's exitsyscall fast path
                m.inSyscall = false;
            } else {
                exitsyscall(p, tick);
            }
        }
        // Go's exitsyscall re-arms a pending preemption (gp.preempt -> stackguard0), honoured at
        // the next call: a goroutine looping over short syscalls yields when asked, instead of
        // holding its processor until the monitor retakes it as a CPU hog.
        checkpoint();
        return result;
    }

    /** exitsyscall when the fast path failed: see {@link #syscall}. */
    private void exitsyscall(Processor entered, long tick) {
        Machine m = currentMachine();
        if (m == null) {
            return;
        }
        Processor p = m.p;
        if (p != null) {
            if (p.status == Processor.RUNNING) {
                m.inSyscall = false;
                return; // the goroutine unmounted in the call and runs on a held processor now
            }
            if (p == entered && p.syscalltick() == tick && p.casStatus(Processor.SYSCALL, Processor.RUNNING)) {
                p.incSyscalltick();
                m.inSyscall = false;
                return;
            }
            if (p.status == Processor.RETIRED) {
                dropRetired(m, p);
            }
        }
        if (m.p == null) {
            if (acquireIdle(m)) {
                m.inSyscall = false;
                return;
            }
            // Go's exitsyscall0: the goroutine goes to the global queue (ready() sees no
            // processor); the machine finds it has none and stops (regainProcessor).
            Thread.yield();
        }
    }

    /** The machine carrying the calling goroutine, if it is one of ours. */
    private Machine currentMachine() {
        if (!Thread.currentThread().isVirtual()) {
            return null;
        }
        return JdkAccess.currentCarrierThread() instanceof Machine m && m.sched == this ? m : null;
    }

    // ---------------------------------------------------------------- hand-off of retired processors

    /** Whether a machine is free or may be created for a hand-off. */
    private boolean canHandOff() {
        if (terminating) {
            return false;
        }
        lock.lock();
        try {
            return nmidle > 0 || mcount < maxMachines;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Replaces a processor the monitor just retired with a fresh one carrying its queued
     * goroutines, and hands that to another machine (Go's handoffp). The monitor's thread is
     * the fresh processor's only producer until then.
     */
    private void handoffRetired(Processor old, String reason) {
        Machine from = old.m;
        Processor fresh = new Processor(old);
        G[] overflow = old.handOffTo(fresh);
        int queued = fresh.runq.size() + (fresh.runnext() != null ? 1 : 0) + overflow.length;
        if (overflow.length > 0) {
            lock.lock();
            try {
                globrunqputbatch(overflow);
            } finally {
                lock.unlock();
            }
        }
        ALLP.setRelease(allp, old.id, fresh);
        retired.add(old);
        handoffs.incrementAndGet();
        if (jfrStarted()) {
            HandoffEvent e = new HandoffEvent();
            if (e.shouldCommit()) {
                e.processor = old.id;
                e.reason = reason;
                e.machine = from == null ? -1 : from.mid;
                e.queued = queued;
                e.commit();
            }
        }
        handoffp(fresh);
    }

    /**
     * Go's handoffp: a processor nobody runs. Start a machine for it if it has local work or
     * there is global work; start a spinning one if nobody looks for work; else idle it (and
     * make sure someone waits for its timers).
     */
    private void handoffp(Processor p) {
        if (!p.runqEmpty() || runqSize > 0) {
            startm(p, false);
            return;
        }
        if (nmspinning.get() + npidle.get() == 0 && nmspinning.compareAndSet(0, 1)) {
            needspinning.set(0);
            startm(p, true);
            return;
        }
        boolean idled;
        lock.lock();
        try {
            idled = runqSize == 0;
            if (idled) {
                pidleput(p);
            }
        } finally {
            lock.unlock();
        }
        if (!idled) {
            startm(p, false);
            return;
        }
        long when = heaps.wakeTime(p.id);
        if (when != TimerHeaps.NONE) {
            wakeTimerWaiter(when);
        }
    }

    /**
     * The monitor retired m's processor: move what this machine (its only producer) queued
     * there to the global queue, and let go of it. On m's OS thread only.
     */
    private void dropRetired(Machine m, Processor p) {
        if (p.status != Processor.RETIRED) {
            throw new InternalError("runtime: dropRetired " + p + " status " + Processor.statusName(p.status));
        }
        if (p.clearPreempt()) {
            Preemption.withdrawn();
        }
        m.p = null;
        p.m = null;
        moveToGlobal(p);
        p.released = true;
    }

    /** Moves every goroutine queued on p to the global queue and wakes a processor for them. */
    private void moveToGlobal(Processor p) {
        G[] batch = p.drainAll();
        if (batch.length == 0) {
            return;
        }
        lock.lock();
        try {
            globrunqputbatch(batch);
        } finally {
            lock.unlock();
        }
        wakep();
    }

    /**
     * The monitor's sweep, every cycle ({@link MonitorView#runOverdueTimers}): moves to the
     * global queue what the old machines of retired processors pushed into them after the
     * hand-off, and forgets the processors their old machines have let go of
     * ({@link #dropRetired}). It only consumes, so it may race with {@code dropRetired}.
     */
    private void sweepRetired() {
        // Goroutines the old machines of retired processors queued after the hand-off.
        for (Processor old : retired) {
            if (old.released) {
                retired.remove(old);
            }
            if (!old.runqEmpty()) {
                moveToGlobal(old);
            }
        }
    }

    // ---------------------------------------------------------------- the monitor's view (Go's sysmon)

    @Override
    public MonitoredScheduler monitored() {
        return monitorView;
    }

    /**
     * The {@link MonitoredScheduler} view ({@link #monitored()}): what Go's sysmon reads of
     * {@code allp} and {@code sched} (racy snapshots) and does to them (preemption requests,
     * retakes, overdue timers, the stale network poll, the deep sleep). Only the monitor's
     * thread calls it; every action re-validates under the scheduler's own synchronization.
     */
    private final class MonitorView implements MonitoredScheduler {
        @Override
        public int maxProcs() {
            return maxProcs;
        }

        @Override
        public int maxMachines() {
            return maxMachines;
        }

        @Override
        public int status(int id) {
            int st = proc(id).status;
            return switch (st) {
                case Processor.IDLE -> STATUS_IDLE;
                case Processor.SYSCALL -> STATUS_SYSCALL;
                default -> STATUS_RUNNING; // RETIRED only for the instant before the slot is replaced
            };
        }

        @Override
        public long schedtick(int id) {
            return proc(id).schedtick();
        }

        @Override
        public long syscalltick(int id) {
            return proc(id).syscalltick();
        }

        @Override
        public boolean runqEmpty(int id) {
            return proc(id).runqEmpty();
        }

        @Override
        public int idleProcs() {
            return npidle.get();
        }

        @Override
        public int spinningMachines() {
            return nmspinning.get();
        }

        @Override
        public long globalRunQueue() {
            return runqSize;
        }

        @Override
        public boolean preempt(int id) {
            Processor p = proc(id);
            Machine m = p.m;
            G g = m == null ? null : m.curg;
            if (p.status != Processor.RUNNING || g == null) {
                return false; // Go's preemptone: no M, or no user goroutine running
            }
            if (p.requestPreempt()) {
                Preemption.requested();
            }
            preemptRequests.incrementAndGet();
            if (jfrStarted()) {
                PreemptEvent e = new PreemptEvent();
                if (e.shouldCommit()) {
                    e.processor = id;
                    e.goroutine = g.thread == null ? -1 : g.thread.threadId();
                    e.commit();
                }
            }
            return true;
        }

        @Override
        public boolean retakeSyscall(int id, long syscalltick) {
            Processor p = proc(id);
            if (p.status != Processor.SYSCALL || p.syscalltick() != syscalltick) {
                return false;
            }
            if (!canHandOff() || !p.casStatus(Processor.SYSCALL, Processor.RETIRED)) {
                return false;
            }
            handoffRetired(p, "syscall");
            return true;
        }

        @Override
        public boolean retakeRunning(int id, long schedtick) {
            Processor p = proc(id);
            Machine m = p.m;
            if (p.status != Processor.RUNNING || p.schedtick() != schedtick || m == null || m.curg == null) {
                return false; // moved on, or the machine is in its scheduler, not in a goroutine
            }
            if (!canHandOff() || !p.casStatus(Processor.RUNNING, Processor.RETIRED)) {
                return false;
            }
            handoffRetired(p, "held");
            return true;
        }

        @Override
        public long runOverdueTimers(long now) {
            sweepRetired();
            // Timers overdue by a millisecond have no machine serving them (their processor is held
            // by a goroutine that does not yield, or nobody is awake): run them here; what they ready
            // goes to the global queue. Timers live on the runtime clock (RuntimeTimer.nanotime),
            // whose origin differs from System.nanoTime's: convert at the boundary.
            long rtNow = RuntimeTimer.nanotime();
            long next = RuntimeTimer.NONE;
            for (int i = 0; i < maxProcs; i++) {
                long when = heaps.wakeTime(i);
                if (when != TimerHeaps.NONE && when <= rtNow - OVERDUE_NANOS) {
                    heaps.run(i, rtNow);
                    when = heaps.wakeTime(i);
                }
                next = Math.min(next, when);
            }
            if (next == RuntimeTimer.NONE) {
                return Long.MAX_VALUE;
            }
            long in = next - rtNow;
            long at = now + in;
            return in > 0 && at < now ? Long.MAX_VALUE : at; // saturated (Long.MAX_VALUE - now overflows for now < 0)
        }

        @Override
        public int pollNetworkIfStale(long now) {
            Poller np = poller;
            if (np == null || !np.hasWaiters()) {
                return 0; // no poller, or nobody waits
            }
            if (timerWaiter.get() != null) {
                np.monitorTick(); // a machine blocks in the poller (lastpoll == 0): it polls, unless stuck
                return 0;
            }
            long rtNow = RuntimeTimer.nanotime();
            long last = lastpoll.get();
            if (last + NETPOLL_STALE_NANOS > rtNow || !lastpoll.compareAndSet(last, Math.max(1, rtNow))) {
                return 0;
            }
            injectorLock.lock();
            try {
                ArrayList<G> list = injectorList;
                list.clear();
                injector = Thread.currentThread();
                try {
                    np.poll(0, LockSupport::unpark);
                } finally {
                    injector = null;
                }
                int n = list.size();
                netpolled.addAndGet(n);
                injectglist(null, list, 0);
                list.clear();
                return n;
            } finally {
                injectorLock.unlock();
            }
        }

        @Override
        public boolean sleepWhileIdle(long nanos) {
            Thread self = Thread.currentThread();
            lock.lock();
            try {
                if (npidle.get() != maxProcs || terminating) {
                    return false;
                }
                monitorSleeper = self; // Go's sysmonwait; acquirep unparks it
            } finally {
                lock.unlock();
            }
            try {
                LockSupport.parkNanos(GmpScheduler.this, nanos);
            } finally {
                monitorSleeper = null;
            }
            return true;
        }
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void shutdown() {
        List<Machine> idle = new ArrayList<>();
        lock.lock();
        try {
            terminating = true;
            for (Machine m = midle; m != null; m = m.schedlink) {
                idle.add(m);
            }
            midle = null;
            nmidle = 0;
        } finally {
            lock.unlock();
        }
        for (Machine m : idle) {
            m.nextp = null;
            m.wake();
        }
        Machine w = timerWaiter.get();
        if (w != null) {
            Poller np = poller;
            if (np != null) {
                np.wakeup();
            }
            LockSupport.unpark(w);
        }
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        // Saturated (a huge timeout waits "for ever"); deadline - nanoTime() stays right even
        // when the sum wraps, as long as the wait itself is shorter than 292 years.
        long deadline = System.nanoTime() + RuntimeTimer.saturatedNanos(timeout);
        for (Machine m : allm) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !m.join(Duration.ofNanos(left))) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- observability

    @Override
    public SchedulerStats stats() {
        List<SchedulerStats.Processor> ps = new ArrayList<>(maxProcs);
        long syscalls = 0;
        // idleprocs counts the idle processors of this same snapshot (not npidle, read at another
        // moment), so that the SCHED line never contradicts its own per-processor detail lines.
        int idle = 0;
        for (int i = 0; i < maxProcs; i++) {
            Processor p = proc(i);
            Machine pm = p.m;
            int status = p.status;
            if (status == Processor.IDLE) {
                idle++;
            }
            ps.add(new SchedulerStats.Processor(p.id, Processor.statusName(status), p.runq.size(),
                    p.runnext() != null, p.schedtick(), p.steals(), p.syscalltick(), pm == null ? -1 : pm.mid,
                    heaps.size(p.id)));
        }
        List<SchedulerStats.Machine> ms = new ArrayList<>();
        for (Machine m : allm) {
            syscalls += m.syscalls(); // dead machines' calls too: allm keeps every machine
            if (!m.isAlive()) {
                continue;
            }
            Processor mp = m.p;
            G g = m.curg;
            ms.add(new SchedulerStats.Machine(m.mid, mp == null ? -1 : mp.id,
                    g == null || g.thread == null ? -1 : g.thread.threadId(), m.spinning, m.parked,
                    m.inSyscall || (mp == null && g != null)));
        }
        int threads;
        int idleThreads;
        lock.lock();
        try {
            threads = mcount;
            idleThreads = nmidle;
        } finally {
            lock.unlock();
        }
        return new SchedulerStats("gmp", maxProcs, idle, threads, nmspinning.get(),
                needspinning.get() == 1, idleThreads, runqSize, steals.get(), handoffs.get(),
                preemptRequests.get(), syscalls, ps, ms);
    }

    /** Goroutines made runnable by network polls so far. */
    long netpolled() {
        return netpolled.get();
    }

    /** Continuations of threads that inherited a goroutine's executor (not created by {@code go}). */
    public long foreignSubmissions() {
        return foreign.get();
    }

    /** Exceptions that reached a machine's loop (should stay 0). */
    public long loopErrors() {
        return loopErrors.get();
    }

    /**
     * Whether JFR has started in this JVM. Until it has, no recording can want the scheduler's
     * events, and creating the first event object would bootstrap JFR's metadata on the calling
     * thread: 0.5–0.8 s measured here, during which a machine or the system monitor would do
     * nothing else (the monitor stalled ~100 ms at its first preemption request in a fresh JVM).
     * Once JFR runs, registering an event class costs about a millisecond.
     */
    static boolean jfrStarted() {
        return FlightRecorder.isInitialized();
    }

    // ---------------------------------------------------------------- for tests

    /** The held processor's id of the calling goroutine's machine, or -1 (tests, dumps). */
    public int currentProcessorId() {
        Thread carrier = JdkAccess.currentCarrierThread();
        if (carrier instanceof Machine m && m.sched == this) {
            Processor p = m.p;
            return p == null ? -1 : p.id;
        }
        return -1;
    }

    /** Waits at most {@code timeout} for every machine to be parked or gone (tests). */
    boolean awaitQuiescence(long timeout, TimeUnit unit) {
        long deadline = System.nanoTime() + unit.toNanos(timeout); // toNanos saturates; the sum may wrap
        while (deadline - System.nanoTime() > 0) {
            if (npidle.get() == maxProcs && nmspinning.get() == 0) {
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }
}
