package io.gmp4j.sysmon;

import io.gmp4j.runtime.spi.Monitor;
import io.gmp4j.runtime.spi.MonitorTarget;
import io.gmp4j.runtime.spi.MonitoredScheduler;

import java.util.concurrent.locks.LockSupport;

/**
 * Go's {@code sysmon} ({@code runtime/proc.go}) for one runtime: a platform thread that holds
 * no processor and wakes up on Go's schedule to look after the scheduler.
 *
 * <h2>Implementation notes</h2>
 * <b>Cadence</b> (Go's exactly): sleep 20 µs while the last cycle retook something; after 50
 * idle cycles (about 1 ms) double the sleep each cycle, up to 10 ms. When every processor is
 * idle and schedtrace is off, sleep until the next timer (at most one second) or until the
 * scheduler wakes us because a processor became busy (Go's {@code sysmonwait}). The JDK's
 * timed park overshoots short sleeps on some machines (a 20 µs park can take 60–90 µs); the
 * cadence is the requested one.
 *
 * <p><b>Each cycle</b>: poll the network if nobody has for 10 ms; {@link #retake} (below);
 * run timers that are overdue by more than a millisecond (their processor is held) and sweep
 * retired processors; print schedtrace when due; check for a deadlock when every processor
 * is idle (Go runs {@code checkdead} when a machine goes idle).
 *
 * <p><b>retake</b> is Go's rule for processors in a syscall: hand it off once it has been
 * seen in the same syscall on two consecutive cycles (at least one tick), if it has local work,
 * or no machine spins and no processor is idle, or the syscall has lasted 10 ms. For running
 * processors Go preempts a goroutine that has held its processor for 10 ms; the JVM cannot,
 * so gmp4j requests preemption (honoured at the goroutine's next runtime call or
 * {@code Go.checkpoint()}) and, if the processor still has not moved one cycle later and
 * goroutines are waiting for it (its local queue, or the global queue with no idle
 * processor), takes the processor from its machine and hands it to another one. The machine
 * keeps running its goroutine without a processor, as if in a syscall.
 *
 * <p><b>Failures.</b> A throwable escaping a cycle (a bug in a scheduler's monitor view, say)
 * is reported to the runtime ({@link MonitorTarget#monitorFailed}), which logs each kind once
 * and counts them; the monitor goes on at its longest regular sleep. A monitor that stopped
 * anyway shows as not running ({@link #isRunning()}) in the runtime's statistics, schedtrace
 * and goroutine dump.
 *
 * <p><b>Stalls of the monitor itself</b> (a garbage-collection pause, the OS not scheduling
 * it): if a cycle starts more than 10 ms later than planned, every processor's observation
 * starts afresh instead of counting the stall as the processor's.
 */
final class Sysmon implements Monitor, Runnable {
    /** Go's forcePreemptNS. */
    static final long FORCE_PREEMPT_NANOS = 10_000_000;
    /** Go: sysmon's shortest sleep. */
    static final long MIN_DELAY_NANOS = 20_000;
    /** Go: sysmon's longest regular sleep. */
    static final long MAX_DELAY_NANOS = 10_000_000;
    /** Longest deep sleep (Go: forcegcperiod/2; gmp4j has no forced GC to run). */
    static final long MAX_DEEP_SLEEP_NANOS = 1_000_000_000;
    /** Deadlock checks, when no processor-based scheduler wakes us: this often. */
    static final long DEADLOCK_CHECK_NANOS = 50_000_000;

    private final MonitorTarget target;
    private final MonitoredScheduler sched;
    private final Thread thread;
    private final long traceNanos;
    private final boolean detail;
    /** Go's sysmontick per processor: what this monitor last saw. Monitor thread only. */
    private final long[] schedtick;
    private final long[] schedwhen;
    private final long[] syscalltick;
    private final long[] syscallwhen;
    private final boolean[] preemptRequested;
    private volatile boolean stopping;

    Sysmon(MonitorTarget target) {
        this.target = target;
        this.sched = target.scheduler();
        this.traceNanos = target.schedtraceMillis() * 1_000_000;
        this.detail = target.scheddetail();
        int n = sched == null ? 0 : sched.maxProcs();
        schedtick = new long[n];
        schedwhen = new long[n];
        syscalltick = new long[n];
        syscallwhen = new long[n];
        preemptRequested = new boolean[n];
        thread = Thread.ofPlatform().name(target.name() + "-sysmon").daemon(true).unstarted(this);
    }

    void start() {
        thread.start();
    }

    @Override
    public void stop() {
        stopping = true;
        LockSupport.unpark(thread);
        boolean interrupted = false;
        while (thread.isAlive() && thread != Thread.currentThread()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return thread.isAlive() || stopping;
    }

    /** Monitor thread only: the cycle's state, kept across cycles (and across a failed one). */
    private long idle;
    private long delay = MIN_DELAY_NANOS;
    private long lastTrace;
    private long lastDeadlockCheck;

    @Override
    public void run() {
        long start = System.nanoTime();
        lastTrace = start;
        lastDeadlockCheck = start;
        for (int i = 0; i < schedwhen.length; i++) {
            schedwhen[i] = start;
            syscallwhen[i] = start;
        }
        while (!stopping) {
            try {
                cycle();
            } catch (Throwable t) {
                // A monitor that dies silently leaves held processors unretaken and timers
                // unserved for ever: report (the runtime logs each kind once) and go on, at the
                // longest regular sleep so that a failure repeating every cycle costs little.
                idle = 51;
                delay = MAX_DELAY_NANOS;
                try {
                    target.monitorFailed(t);
                } catch (Throwable ignored) {
                    // the report itself failed (out of memory, say): the next cycle tries again
                }
            }
        }
    }

    /** One sleep and one round of Go's sysmon work. Monitor thread only. */
    private void cycle() {
        if (idle == 0) {
            delay = MIN_DELAY_NANOS;
        } else if (idle > 50) {
            delay *= 2;
        }
        delay = Math.min(delay, MAX_DELAY_NANOS);
        long planned = System.nanoTime() + delay;
        LockSupport.parkNanos(this, delay);
        if (stopping) {
            return;
        }
        long now = System.nanoTime();
        if (now - planned > FORCE_PREEMPT_NANOS) {
            forgetObservations(now); // the monitor itself stalled: judge nobody by it
        }
        if (sched != null && traceNanos == 0 && sched.idleProcs() == sched.maxProcs()) {
            // Go's deep sleep. Go runs checkdead when a machine goes idle; this is that moment.
            target.checkDeadlock();
            lastDeadlockCheck = now;
            long next = sched.runOverdueTimers(now);
            long sleep = Math.min(MAX_DEEP_SLEEP_NANOS, Math.max(MIN_DELAY_NANOS, next - now));
            if (sched.sleepWhileIdle(sleep)) {
                idle = 0;
                now = System.nanoTime();
                forgetObservations(now);
                target.tick();
                return;
            }
        }
        int retaken = 0;
        if (sched != null) {
            sched.pollNetworkIfStale(now);
            retaken = retake(now);
            sched.runOverdueTimers(now);
        }
        idle = retaken > 0 ? 0 : idle + 1;
        if (traceNanos > 0 && now - lastTrace >= traceNanos) {
            lastTrace = now;
            target.printTrace(target.schedtrace(detail));
        }
        if ((sched == null || sched.idleProcs() == sched.maxProcs())
                && now - lastDeadlockCheck >= (sched == null ? DEADLOCK_CHECK_NANOS : MIN_DELAY_NANOS)) {
            lastDeadlockCheck = now;
            target.checkDeadlock();
        }
        if (sched == null) {
            idle = Math.max(idle, 51); // nothing to retake: settle at the longest regular sleep
        }
        target.tick();
    }

    private void forgetObservations(long now) {
        for (int i = 0; i < schedwhen.length; i++) {
            schedtick[i] = sched.schedtick(i);
            schedwhen[i] = now;
            syscalltick[i] = sched.syscalltick(i);
            syscallwhen[i] = now;
        }
    }

    /** Go's retake, with gmp4j's hand-off of held processors; returns how many were taken. */
    int retake(long now) {
        int n = 0;
        for (int i = 0; i < schedtick.length; i++) {
            int status = sched.status(i);
            if (status == MonitoredScheduler.STATUS_IDLE) {
                preemptRequested[i] = false;
                continue;
            }
            boolean sysretake = false;
            long t = sched.schedtick(i);
            if (schedtick[i] != t) {
                schedtick[i] = t;
                schedwhen[i] = now;
                preemptRequested[i] = false;
            } else if (schedwhen[i] + FORCE_PREEMPT_NANOS <= now) {
                if (status == MonitoredScheduler.STATUS_RUNNING) {
                    if (!preemptRequested[i]) {
                        preemptRequested[i] = sched.preempt(i);
                    } else if (!sched.runqEmpty(i) || (sched.globalRunQueue() > 0 && sched.idleProcs() == 0)) {
                        // Still held a cycle after the request, and goroutines wait: hand it off.
                        if (sched.retakeRunning(i, t)) {
                            n++;
                            observeFresh(i, now);
                            continue;
                        }
                    }
                }
                sysretake = true; // a processor stuck in a syscall cannot be preempted: retake it
            }
            if (status == MonitoredScheduler.STATUS_SYSCALL) {
                long tt = sched.syscalltick(i);
                if (!sysretake && syscalltick[i] != tt) {
                    syscalltick[i] = tt;
                    syscallwhen[i] = now;
                    continue; // not yet seen in the same syscall for a whole tick
                }
                if (sched.runqEmpty(i) && sched.spinningMachines() + sched.idleProcs() > 0
                        && syscallwhen[i] + FORCE_PREEMPT_NANOS > now) {
                    continue; // nothing waits for it and someone can pick up new work
                }
                if (sched.retakeSyscall(i, tt)) {
                    n++;
                    observeFresh(i, now);
                }
            }
        }
        return n;
    }

    /** The slot holds a fresh processor now: observe it from scratch. */
    private void observeFresh(int i, long now) {
        schedtick[i] = sched.schedtick(i);
        schedwhen[i] = now;
        syscalltick[i] = sched.syscalltick(i);
        syscallwhen[i] = now;
        preemptRequested[i] = false;
    }
}
