package io.gmp4j.examples.locality;

import io.gmp4j.runtime.spi.Scheduler;
import io.gmp4j.runtime.spi.SchedulerConfig;
import io.gmp4j.runtime.spi.SchedulerStats;
import io.gmp4j.runtime.spi.VirtualThreads;
import org.jctools.queues.varhandle.MpscUnboundedVarHandleArrayQueue;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@code "locality"} scheduler: a goroutine stays on the carrier thread that last ran it.
 *
 * <p>There are {@code maxProcs} carriers, each a platform thread with its own unbounded MPSC
 * queue of runnable goroutines. Goroutines are virtual threads made with
 * {@link VirtualThreads#newThread(Executor, Runnable)}, each with an executor of its own that
 * knows its home carrier and sends every continuation there: on start, on
 * {@code LockSupport.unpark} from any thread (another goroutine, a platform thread, the
 * runtime's timer or poller thread) and on {@code Thread.yield}. A goroutine started from a
 * goroutine gets its parent's carrier as home; one started from any other thread gets the next
 * carrier round-robin. A carrier runs its own queue; only when that is empty does it look at
 * the others, and it takes (steals) one goroutine from a carrier with a backlog of two or more
 * waiting, which then calls the thief home. A queue with a single waiting goroutine is left to
 * its owner, who will run it next: that keeps a pair of goroutines that hand work back and
 * forth on one carrier. When a submission leaves such a backlog behind a busy carrier, one
 * parked carrier is woken to steal.
 *
 * <h2>Parking without lost wake-ups</h2>
 * A carrier with nothing to do sets its {@code sleeping} flag (a volatile write, followed by
 * the full fence of incrementing the sleeper count), then re-checks its own queue, the other
 * queues' backlogs and the termination flag; only if all are empty does it park, and it parks
 * until someone clears the flag. A submitter offers to the queue (a CAS on the producer index)
 * and then reads the flag; if set, it clears it with a CAS (only one waker wins) and unparks
 * the carrier. Both sides write before they read, so at least one sees the other: either the
 * carrier finds the goroutine, or the submitter finds the carrier asleep and wakes it.
 *
 * <h2>Stealing from an MPSC queue</h2>
 * A JCTools MPSC queue allows one consumer at a time. Each carrier's queue has a consumer flag
 * that whoever polls it holds for one {@code poll()}: the owner waits for it (a thief holds it
 * for one poll), a thief only tries it and moves on.
 *
 * <h2>What it does not do</h2>
 * No global run queue and no fairness tick; no preemption, and no monitor retake:
 * {@link #monitored()} stays {@code null}, so gmp4j's system monitor only traces it and reports
 * deadlocks. {@code Go.syscall} runs the call on the carrier (it is counted, not handed off):
 * the carrier's other goroutines wait for it unless an idle carrier steals them. Timers and the
 * network poller are served by the runtime's own threads (the SPI defaults). See the package
 * documentation for the trade-offs against gmp4j's {@code gmp} scheduler.
 *
 * <p>For tests and demonstrations, {@link #currentCarrier()} tells a goroutine which carrier
 * runs it, and {@link #stats()} counts steals, each of which is a migration.
 *
 * <p>Thread contract: as {@link Scheduler} says. {@link #newThread}, {@link #syscall} and
 * {@link #stats} are called from any thread, concurrently; {@link #shutdown} once, after every
 * goroutine has ended, then {@link #awaitTermination}.
 */
public final class LocalityScheduler implements Scheduler {
    /** The provider name. */
    static final String NAME = "locality";

    private static final System.Logger LOG = System.getLogger("io.gmp4j.examples.locality");
    /** Numbers scheduler instances, for carrier thread names. */
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /**
     * The goroutine whose body runs on the current thread. Bound around every goroutine's body
     * by {@link #newThread}: a virtual thread cannot see its carrier's thread locals, so this
     * is how a goroutine that starts another one finds its own carrier.
     */
    private static final ScopedValue<Goroutine> SELF = ScopedValue.newInstance();
    /** How many times a carrier spins for its queue's consumer flag before it yields the CPU. */
    private static final int SPINS_BEFORE_YIELD = 64;

    private final Carrier[] carriers;
    /** Next carrier for a goroutine started outside this scheduler's goroutines. */
    private final AtomicInteger roundRobin = new AtomicInteger();
    /** Carriers with their {@code sleeping} flag set (parked or about to park). */
    private final AtomicInteger sleepers = new AtomicInteger();
    /** {@code Go.syscall} calls made off this scheduler's carriers (none are expected). */
    private final LongAdder otherSyscalls = new LongAdder();
    private volatile boolean terminating;

    /**
     * Starts {@code config.maxProcs()} carrier threads (daemons). {@code maxMachines} is not
     * used: a carrier blocked in a syscall is not replaced.
     *
     * @param config the runtime's settings
     * @throws IllegalStateException if the JVM flag virtual threads need is missing
     */
    LocalityScheduler(SchedulerConfig config) {
        VirtualThreads.newThread(Runnable::run, () -> {}); // fails now, naming the flag, if it is missing
        int id = INSTANCES.incrementAndGet();
        carriers = new Carrier[config.maxProcs()];
        for (int i = 0; i < carriers.length; i++) {
            carriers[i] = new Carrier(i, "gmp4j-locality-" + id + "-carrier-" + i);
        }
        for (Carrier c : carriers) {
            c.thread.start();
        }
    }

    /**
     * The index (from 0) of the carrier running the calling goroutine, or -1 when the caller
     * is not a goroutine of a {@code locality} scheduler. A diagnostic: a goroutine that is not
     * stolen sees the same index after every park, and a goroutine started by a goroutine sees
     * its parent's.
     *
     * @return the carrier index, or -1
     */
    public static int currentCarrier() {
        Goroutine g = self();
        return g == null ? -1 : g.home.index;
    }

    /** The calling goroutine, or null (not a goroutine, or a thread that merely inherited the binding). */
    private static Goroutine self() {
        if (!SELF.isBound()) {
            return null;
        }
        Goroutine g = SELF.get();
        return g.thread == Thread.currentThread() ? g : null;
    }

    @Override
    public Thread newThread(Runnable body) {
        if (terminating) {
            throw new RejectedExecutionException("locality scheduler is shut down");
        }
        Goroutine parent = self();
        Carrier home = parent != null && parent.home.scheduler() == this
                ? parent.home                                   // its parent's carrier: locality
                : carriers[Math.floorMod(roundRobin.getAndIncrement(), carriers.length)];
        Goroutine g = new Goroutine(home);
        Thread t = VirtualThreads.newThread(g, () -> ScopedValue.where(SELF, g).run(body));
        g.thread = t; // before start(), which publishes it to the goroutine and the carriers
        return t;
    }

    /** Counts the call against the caller's carrier (which it holds meanwhile), then makes it. */
    @Override
    public <T> T syscall(Callable<T> call) throws Exception {
        Goroutine g = self();
        if (g == null || g.home.scheduler() != this) {
            otherSyscalls.increment();
            return call.call();
        }
        Carrier c = g.home; // stable: the goroutine stays mounted on it during the call
        c.syscalls.incrementAndGet();
        c.inSyscall.setOpaque(true);
        try {
            return call.call();
        } finally {
            c.inSyscall.setOpaque(false);
        }
    }

    /**
     * What this scheduler knows: idle (parked) carriers, live carriers, steals (= migrations),
     * syscalls, and per carrier its queue length, goroutines run and stolen. It never spins,
     * has no global queue, hands off nothing and preempts nothing, so those counters are 0;
     * no field is unknown.
     */
    @Override
    public SchedulerStats stats() {
        List<SchedulerStats.Processor> procs = new ArrayList<>(carriers.length);
        List<SchedulerStats.Machine> machines = new ArrayList<>(carriers.length);
        int idle = 0;
        int alive = 0;
        long steals = 0;
        long syscalls = otherSyscalls.sum();
        for (Carrier c : carriers) {
            boolean live = c.thread.isAlive();
            boolean asleep = live && c.sleeping.get();
            Goroutine running = c.running.getOpaque();
            long stolen = c.steals.getOpaque();
            long sys = c.syscalls.get();
            if (live) {
                alive++;
                if (asleep) {
                    idle++;
                }
            }
            steals += stolen;
            syscalls += sys;
            String status = !live ? "stopped" : asleep ? "idle" : c.inSyscall.getOpaque() ? "syscall" : "running";
            long machine = c.thread.threadId();
            procs.add(new SchedulerStats.Processor(c.index, status, c.queue.size(), false, c.runs.getOpaque(),
                    stolen, sys, live ? machine : -1, 0));
            if (live) {
                machines.add(new SchedulerStats.Machine(machine, c.index,
                        running == null ? -1 : running.thread.threadId(), false, asleep, c.inSyscall.getOpaque()));
            }
        }
        return new SchedulerStats(NAME, carriers.length, idle, alive, 0, false, idle, 0, steals, 0, 0, syscalls,
                procs, machines);
    }

    @Override
    public void shutdown() {
        terminating = true; // then read each flag: a carrier going to sleep re-reads this after its flag
        for (Carrier c : carriers) {
            c.wake();
        }
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long budget = saturatedNanos(timeout);
        long start = System.nanoTime();
        for (Carrier c : carriers) {
            long left = budget - (System.nanoTime() - start);
            if (left <= 0) {
                if (c.thread.isAlive()) {
                    return false;
                }
            } else if (!c.thread.join(Duration.ofNanos(left))) {
                return false;
            }
        }
        return true;
    }

    /** {@code timeout} in nanoseconds: 0 if negative, {@code Long.MAX_VALUE} if too large. */
    private static long saturatedNanos(Duration timeout) {
        if (timeout.isNegative()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLarge) {
            return Long.MAX_VALUE;
        }
    }

    /** Wakes one parked carrier other than {@code busy}, if any, to steal from a backlog. */
    private void wakeThief(Carrier busy) {
        int n = carriers.length;
        for (int k = 1; k < n && sleepers.get() > 0; k++) {
            if (carriers[(busy.index + k) % n].wake()) {
                return;
            }
        }
    }

    /** Whether a carrier other than {@code self} has a backlog a thief may take from. */
    private boolean backlogElsewhere(Carrier self) {
        for (Carrier c : carriers) {
            if (c != self && c.queue.size() >= 2) {
                return true;
            }
        }
        return false;
    }

    /**
     * One goroutine's scheduling state, and the executor the JDK hands its continuation to.
     * The JDK submits a virtual thread's continuation at most once until it has run, so a
     * goroutine sits in at most one queue at a time and one {@code continuation} field suffices.
     */
    private static final class Goroutine implements Executor {
        /**
         * Its home: the carrier that runs it now or ran it last (at first, the one chosen by
         * {@link LocalityScheduler#newThread}). Written only by the carrier about to run it (a
         * thief, after a steal), on its own thread; read there by the goroutine
         * ({@link LocalityScheduler#currentCarrier()}), and by whoever readies it afterwards,
         * which the JDK orders after its last park (the virtual thread's state changes with
         * volatile accesses on both sides).
         */
        Carrier home;
        /** The continuation to run (always the same object for one virtual thread). */
        Runnable continuation;
        /** The goroutine's thread; set before it is started. */
        Thread thread;

        Goroutine(Carrier home) {
            this.home = home;
        }

        /** Called by the JDK each time the goroutine becomes runnable: back to its carrier. */
        @Override
        public void execute(Runnable task) {
            continuation = task;    // published by the queue's offer
            home.submit(this);
        }
    }

    /** A platform thread with its own run queue. */
    private final class Carrier implements Runnable {
        final int index;
        final Thread thread;
        final MpscUnboundedVarHandleArrayQueue<Goroutine> queue = new MpscUnboundedVarHandleArrayQueue<>(256);
        /** Held by whoever polls {@link #queue}: the owner, or one thief, for one poll. */
        final AtomicBoolean consumer = new AtomicBoolean();
        /** Set by the carrier before it parks; cleared by the one that wakes it (CAS) or by itself. */
        final AtomicBoolean sleeping = new AtomicBoolean();
        /** The goroutine it runs now, or null (diagnostics; opaque accesses). */
        final AtomicReference<Goroutine> running = new AtomicReference<>();
        /** Continuations run (Go's schedtick); written by this carrier only. */
        final AtomicLong runs = new AtomicLong();
        /** Goroutines this carrier stole (each a migration); written by this carrier only. */
        final AtomicLong steals = new AtomicLong();
        /** {@code Go.syscall} calls made on this carrier. */
        final AtomicLong syscalls = new AtomicLong();
        final AtomicBoolean inSyscall = new AtomicBoolean();

        Carrier(int index, String name) {
            this.index = index;
            this.thread = Thread.ofPlatform().name(name).daemon(true).inheritInheritableThreadLocals(false)
                    .unstarted(this);
        }

        LocalityScheduler scheduler() {
            return LocalityScheduler.this;
        }

        /** Queues a runnable goroutine here, then wakes this carrier, or a thief for a backlog. */
        void submit(Goroutine g) {
            queue.offer(g);                 // a CAS on the producer index: a full fence before the reads below
            if (wake()) {
                return;                     // it was parked: it runs g next
            }
            if (queue.size() >= 2 && sleepers.get() > 0) {
                wakeThief(this);            // awake but busy with a backlog: let an idle carrier take some
            }
        }

        /** Clears {@code sleeping} and unparks this carrier if it was set; false if it was awake. */
        boolean wake() {
            if (sleeping.get() && sleeping.compareAndSet(true, false)) {
                sleepers.decrementAndGet();
                LockSupport.unpark(thread);
                return true;
            }
            return false;
        }

        @Override
        public void run() {
            while (true) {
                Goroutine g = pollOwn();
                if (g == null) {
                    g = steal();
                }
                if (g != null) {
                    runOne(g);
                    continue;
                }
                if (terminating) {
                    return;                 // own queue empty and no goroutine left to run
                }
                idle();
            }
        }

        private void runOne(Goroutine g) {
            if (g.home != this) {
                g.home = this;              // stolen: it lives here from now on
            }
            running.setOpaque(g);
            runs.setOpaque(runs.getPlain() + 1);
            try {
                g.continuation.run();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "locality: a continuation threw on " + thread.getName(), e);
            } finally {
                running.setOpaque(null);
            }
        }

        /** The next goroutine of this carrier's own queue, or null. */
        private Goroutine pollOwn() {
            if (queue.isEmpty()) {
                return null;
            }
            for (int spins = 0; !consumer.compareAndSet(false, true); spins++) {
                if (spins < SPINS_BEFORE_YIELD) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();         // the thief holding it may have lost its CPU
                }
            }
            try {
                return queue.poll();
            } finally {
                consumer.setRelease(false);
            }
        }

        /** One goroutine taken from another carrier's backlog (it then lives here), or null. */
        private Goroutine steal() {
            int n = carriers.length;
            for (int k = 1; k < n; k++) {
                Carrier victim = carriers[(index + k) % n];
                if (victim.queue.size() < 2 || !victim.consumer.compareAndSet(false, true)) {
                    continue;
                }
                Goroutine g;
                try {
                    g = victim.queue.size() >= 2 ? victim.queue.poll() : null; // one stays for its owner
                } finally {
                    victim.consumer.setRelease(false);
                }
                if (g != null) {
                    steals.setOpaque(steals.getPlain() + 1);
                    return g;
                }
            }
            return null;
        }

        /** Parks until woken, unless work or termination shows up after the flag is published. */
        private void idle() {
            sleeping.set(true);
            sleepers.incrementAndGet();     // a full fence: the flag is visible before the reads below
            if (!queue.isEmpty() || terminating || backlogElsewhere(this)) {
                if (sleeping.compareAndSet(true, false)) {
                    sleepers.decrementAndGet();
                }                           // else a waker cleared it (and will unpark: a spare permit)
                return;
            }
            while (sleeping.get()) {
                LockSupport.park(this);
            }
        }
    }
}
