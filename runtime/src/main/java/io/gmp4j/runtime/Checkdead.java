package io.gmp4j.runtime;

import io.gmp4j.runtime.spi.MonitoredScheduler;
import io.gmp4j.runtime.spi.Poller;
import io.gmp4j.runtime.spi.SchedulerStats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Go's {@code checkdead} ({@code runtime/proc.go}) for one runtime: decides, on the system
 * monitor's thread, that every goroutine is asleep with nothing left that could wake one, and
 * then hands the report to the runtime's {@link DeadlockHandler}. The rule is stated in
 * {@link DeadlockHandler}.
 *
 * <h2>Implementation notes</h2>
 * <b>Problem.</b> Go counts: no machine running or in a syscall, no timer, no netpoll waiter,
 * and every goroutine blocked means a deadlock, reported at once. A Java program has what a Go
 * program has not: platform threads outside the runtime, such as the JVM's {@code main}
 * thread, which may start goroutines, sleep, then close their channel. Counting only the
 * goroutines reported such a program as deadlocked, with one stack per goroutine (560 MB for a
 * million of them). The check must also stay cheap with millions of goroutines: the monitor
 * runs it about once a second while every processor is idle (its deep sleep), and every 10 ms
 * with {@code schedtrace} on.
 *
 * <p><b>Protocol</b>, cheapest step first, each only when the ones before it pass:
 * <ol>
 *   <li><i>quiet</i>: every processor idle, no goroutine queued, no timer pending, no
 *       goroutine waiting on the network poller (Go's checkdead does not fire while a machine
 *       blocks in netpoll). A few counter reads.
 *   <li><i>settled</i>: the progress signature (processors' schedule and syscall ticks,
 *       goroutines created and ended) is the same at two checks at least
 *       {@link #SETTLE_NANOS} apart, quiet at both. Go reports at once; a JVM program may still
 *       be starting goroutines from a platform thread.
 *   <li><i>no waker</i>: no live platform thread may wake a goroutine (the runtime's predicate,
 *       {@link DeadlockHandler#mayWakeGoroutines} by default). Reads the JVM's platform thread
 *       list and their states, not their stacks; the last waker found is asked first, so a
 *       sleeping {@code main} thread costs one state read per check.
 *   <li><i>all asleep</i>: every goroutine parked, untimed, on a runtime primitive, and the
 *       registry holding exactly the live count. One pass over the goroutines
 *       ({@link Traceback#census}), which also gathers what the report needs, and stops at the
 *       first goroutine awake. That goroutine is kept and asked first next time: while it is
 *       still registered and awake (a goroutine waiting in a JDK lock, say) the answer is no
 *       without a pass.
 *   <li><i>report</i>: written from the census, bounded whatever the number of goroutines
 *       ({@link Traceback#writeBounded}); quiet and the signature are checked again after it,
 *       so a goroutine woken meanwhile cancels it. Once reported, the same signature returns
 *       at step 2 without another pass, so a deadlocked runtime costs the monitor a few counter
 *       reads a second.
 * </ol>
 *
 * <p><b>Rejected.</b> Scanning every goroutine at every check (the former check: tens of
 * milliseconds a second with a million goroutines, and again after the report);
 * {@code Thread.getAllStackTraces} to find platform threads (a stack walk of every platform
 * thread at every check, where the thread list and states suffice); a count of asleep
 * goroutines kept by park and unpark (a shared write on the hottest path of the scheduler).
 *
 * <p><b>Threads.</b> {@link #check} runs on the monitor's thread; its state fields are guarded
 * by {@code this}, which a second caller (none today) would wait for.
 */
final class Checkdead {
    /** How long a deadlocked state must last before it is reported. */
    static final long SETTLE_NANOS = 200_000_000;
    private static final long NONE = Long.MIN_VALUE;

    private final GoRuntime rt;
    private final DeadlockHandler handler;
    private final Predicate<? super Thread> mayWake;
    /** The live goroutine registry and count of the runtime (see GoRuntime.goroutines). */
    private final GoroutineRegistry goroutines;
    private final LongSupplier live;
    private final LongSupplier created;
    private final LongSupplier exited;

    // Guarded by this.
    /** The progress signature of the state being watched, or NONE, and since when. */
    private long candidate = NONE;
    private long candidateSince;
    /** A goroutine seen awake by the last pass, or null: asked first next time. */
    private Thread awake;
    /** The platform thread that last could wake a goroutine: asked first next time. */
    private Thread waker;
    /** The signature of the deadlock reported last, or NONE. */
    private long reportedAt = NONE;
    private boolean predicateFailureLogged;

    Checkdead(GoRuntime rt, DeadlockHandler handler, Predicate<? super Thread> mayWake, GoroutineRegistry goroutines) {
        this.rt = rt;
        this.handler = handler;
        this.mayWake = mayWake;
        this.goroutines = goroutines;
        this.live = goroutines::liveApprox;
        this.created = goroutines::created;
        this.exited = goroutines::exited;
    }

    /**
     * Runs the check; calls the handler once per deadlock. Monitor thread.
     *
     * @return true if the runtime is deadlocked now (reported now or before)
     */
    synchronized boolean check() {
        if (handler == DeadlockHandler.OFF || live.getAsLong() <= 0 || !quiet()) {
            candidate = NONE;
            return false;
        }
        long sig = progress();
        if (sig == reportedAt) {
            return true; // this deadlock was reported already
        }
        long now = System.nanoTime();
        if (sig != candidate) {
            candidate = sig;
            candidateSince = now;
            return false;
        }
        if (now - candidateSince < SETTLE_NANOS || stillAwake() || platformThreadMayWake()) {
            return false;
        }
        Traceback.Census census = Traceback.census(goroutines, true);
        if (!census.allBlocked || census.total != live.getAsLong()) {
            awake = census.awake; // null when only the counts disagree (a goroutine starting or ending)
            return false;
        }
        awake = null;
        StringBuilder report = new StringBuilder(DeadlockHandler.FATAL).append("\n\n");
        try {
            Traceback.writeBounded(census, report);
            writePlatformThreads(report);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not throw
        }
        if (!quiet() || progress() != sig) {
            return false; // woken while the report was built
        }
        reportedAt = sig;
        try {
            handler.onDeadlock(rt, report.toString());
        } catch (RuntimeException e) {
            System.getLogger("io.gmp4j.runtime").log(System.Logger.Level.ERROR, "deadlock handler failed", e);
        }
        return true;
    }

    /**
     * No processor running or in a syscall, no goroutine queued, no timer pending, no goroutine
     * waiting on the network poller.
     */
    private boolean quiet() {
        MonitoredScheduler ms = rt.scheduler().monitored();
        if (ms != null) {
            int n = ms.maxProcs();
            if (ms.idleProcs() != n || ms.globalRunQueue() != 0) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (!ms.runqEmpty(i)) {
                    return false;
                }
            }
        }
        Poller np = rt.pollerIfCreated().orElse(null);
        if (np != null && np.hasWaiters()) {
            return false;
        }
        return rt.pendingTimers() == 0;
    }

    /** Changes whenever a goroutine was started, ended or scheduled afresh (schedulers with processors). */
    private long progress() {
        long ticks = 0;
        MonitoredScheduler ms = rt.scheduler().monitored();
        if (ms != null) {
            for (int i = 0, n = ms.maxProcs(); i < n; i++) {
                ticks += ms.schedtick(i) + ms.syscalltick(i);
            }
        } else {
            for (SchedulerStats.Processor p : rt.scheduler().stats().processors()) {
                ticks += p.schedTick() + p.syscallTick();
            }
        }
        return ticks * 31 + created.getAsLong() * 17 + exited.getAsLong();
    }

    /** Step 3: some live platform thread may still wake a goroutine. */
    private boolean platformThreadMayWake() {
        Thread w = waker;
        if (w != null && w.isAlive() && test(w)) {
            return true;
        }
        waker = null;
        Thread self = Thread.currentThread();
        for (Thread t : platformThreads()) {
            if (t != self && t.isAlive() && test(t)) {
                waker = t;
                return true;
            }
        }
        return false;
    }

    private boolean test(Thread t) {
        try {
            return mayWake.test(t);
        } catch (RuntimeException e) {
            if (!predicateFailureLogged) {
                predicateFailureLogged = true;
                System.getLogger("io.gmp4j.runtime").log(System.Logger.Level.ERROR,
                        "runtime: the deadlock wakers predicate threw; counting the thread as a possible waker", e);
            }
            return true; // no report rather than a false one
        }
    }

    /** Step 4's shortcut: the goroutine last seen awake is still a live goroutine, and awake. */
    private boolean stillAwake() {
        Thread a = awake;
        return a != null && a.isAlive() && !Traceback.asleep(a); // alive: still one of ours
    }

    /**
     * The JVM's live platform threads, without their stacks (virtual threads are not listed).
     * The root thread group's enumeration reads the VM's thread list.
     */
    static Thread[] platformThreads() {
        ThreadGroup g = Thread.currentThread().getThreadGroup();
        while (g.getParent() != null) {
            g = g.getParent();
        }
        Thread[] a = new Thread[g.activeCount() + 16];
        int n;
        while ((n = g.enumerate(a, true)) == a.length) {
            a = new Thread[a.length * 2];
        }
        return Arrays.copyOf(a, n);
    }

    /**
     * The report's last section: the non-daemon platform threads (none of which may wake a
     * goroutine by then), each with its state and top frames, so a reader sees what the
     * program's own threads wait for.
     */
    private static void writePlatformThreads(Appendable out) throws IOException {
        final int maxThreads = 10;
        final int maxFrames = 5;
        int listed = 0;
        int more = 0;
        StringBuilder body = new StringBuilder();
        Thread self = Thread.currentThread();
        for (Thread t : platformThreads()) {
            if (t == self || t.isDaemon() || !t.isAlive()) {
                continue;
            }
            if (listed == maxThreads) {
                more++;
                continue;
            }
            listed++;
            StackTraceElement[] stack = t.getStackTrace();
            body.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
            for (int i = 0; i < Math.min(maxFrames, stack.length); i++) {
                body.append('\t').append(stack[i]).append('\n');
            }
            if (stack.length > maxFrames) {
                body.append("\t...\n");
            }
        }
        if (listed == 0) {
            out.append("no non-daemon platform thread is alive\n");
            return;
        }
        out.append("non-daemon platform threads (none counted as able to wake a goroutine):\n").append(body);
        if (more > 0) {
            out.append("... ").append(Integer.toString(more)).append(" more\n");
        }
    }
}
