package io.gmp4j.runtime;

import io.gmp4j.runtime.spi.SchedulerStats;

import java.util.List;

/**
 * A snapshot of one runtime's counters: the scheduler's (in Go's schedtrace vocabulary) and
 * the goroutine counts. Counters a scheduler cannot know are {@code -1} (the {@code jdk}
 * provider knows no spinning threads or steals, for instance).
 *
 * @param scheduler         the scheduler provider's name
 * @param maxProcs          number of processors (Go's GOMAXPROCS)
 * @param idleProcs         processors with nothing to run
 * @param threads           machine (carrier) threads alive
 * @param spinningThreads   machines looking for work
 * @param needSpinning      whether work was readied while no processor was free
 * @param idleThreads       parked machines waiting to be reused
 * @param globalRunQueue    goroutines waiting in the global run queue
 * @param steals            goroutines moved between processors by work stealing
 * @param goroutines        goroutines alive now (Go's {@code runtime.NumGoroutine})
 * @param goroutinesCreated goroutines started since the runtime was built
 * @param goroutinesExited  goroutines that ran to completion
 * @param handoffs          processors the system monitor took from a machine (stuck in a syscall,
 *                          or held by one goroutine for 10 ms) and handed to another
 * @param preemptRequests   requests to yield made to goroutines that held a processor for 10 ms
 * @param syscalls          {@link Go#syscall} calls made on the scheduler's processors
 * @param sysmonTicks       cycles of the system monitor (0 without one)
 * @param processors        per-processor counters, in id order (empty for schedulers without processors)
 * @param machines          per-machine state (empty for schedulers that do not report it)
 * @param monitorErrors     throwables that escaped a cycle of the system monitor (it goes on; the
 *                          first of each kind is logged with its stack); should stay 0
 * @param monitorDead       whether the runtime has a system monitor whose thread has ended
 *                          although the runtime is open: nothing retakes processors, runs overdue
 *                          timers or reports a deadlock any more
 */
public record RuntimeStats(String scheduler, int maxProcs, int idleProcs, int threads, int spinningThreads,
                           boolean needSpinning, int idleThreads, long globalRunQueue, long steals,
                           long goroutines, long goroutinesCreated, long goroutinesExited,
                           long handoffs, long preemptRequests, long syscalls, long sysmonTicks,
                           List<SchedulerStats.Processor> processors, List<SchedulerStats.Machine> machines,
                           long monitorErrors, boolean monitorDead) {

    /** Copies the lists. */
    public RuntimeStats {
        processors = List.copyOf(processors);
        machines = List.copyOf(machines);
    }

    /**
     * The snapshot without the monitor's health fields (no monitor error, monitor not dead), as
     * before they existed.
     *
     * @param scheduler         see {@link #scheduler()}
     * @param maxProcs          see {@link #maxProcs()}
     * @param idleProcs         see {@link #idleProcs()}
     * @param threads           see {@link #threads()}
     * @param spinningThreads   see {@link #spinningThreads()}
     * @param needSpinning      see {@link #needSpinning()}
     * @param idleThreads       see {@link #idleThreads()}
     * @param globalRunQueue    see {@link #globalRunQueue()}
     * @param steals            see {@link #steals()}
     * @param goroutines        see {@link #goroutines()}
     * @param goroutinesCreated see {@link #goroutinesCreated()}
     * @param goroutinesExited  see {@link #goroutinesExited()}
     * @param handoffs          see {@link #handoffs()}
     * @param preemptRequests   see {@link #preemptRequests()}
     * @param syscalls          see {@link #syscalls()}
     * @param sysmonTicks       see {@link #sysmonTicks()}
     * @param processors        see {@link #processors()}
     * @param machines          see {@link #machines()}
     */
    public RuntimeStats(String scheduler, int maxProcs, int idleProcs, int threads, int spinningThreads,
                        boolean needSpinning, int idleThreads, long globalRunQueue, long steals,
                        long goroutines, long goroutinesCreated, long goroutinesExited,
                        long handoffs, long preemptRequests, long syscalls, long sysmonTicks,
                        List<SchedulerStats.Processor> processors, List<SchedulerStats.Machine> machines) {
        this(scheduler, maxProcs, idleProcs, threads, spinningThreads, needSpinning, idleThreads, globalRunQueue,
                steals, goroutines, goroutinesCreated, goroutinesExited, handoffs, preemptRequests, syscalls,
                sysmonTicks, processors, machines, 0, false);
    }

    static RuntimeStats of(SchedulerStats s, long live, long created, long exited, long sysmonTicks,
                           long monitorErrors, boolean monitorDead) {
        return new RuntimeStats(s.scheduler(), s.maxProcs(), s.idleProcs(), s.threads(), s.spinningThreads(),
                s.needSpinning(), s.idleThreads(), s.globalRunQueue(), s.steals(), live, created, exited,
                s.handoffs(), s.preemptRequests(), s.syscalls(), sysmonTicks, s.processors(), s.machines(),
                monitorErrors, monitorDead);
    }

    /**
     * Go's {@code GODEBUG=schedtrace} line (Go 1.21–1.25 format), for example
     * {@code SCHED 1004ms: gomaxprocs=2 idleprocs=0 threads=3 spinningthreads=0 needspinning=0
     * idlethreads=1 runqueue=0 [4 0]}. A counter the scheduler cannot know (-1 in this record)
     * prints as {@code n/a}. If the system monitor has died, {@code sysmon=dead}
     * follows {@code runqueue=}.
     *
     * @param uptimeMillis milliseconds since the runtime started
     * @return the line, without a line terminator
     */
    public String schedtrace(long uptimeMillis) {
        StringBuilder sb = new StringBuilder(schedtraceHeader(uptimeMillis));
        sb.append(" [");
        for (int i = 0; i < processors.size(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(processors.get(i).runQueue());
        }
        return sb.append(']').toString();
    }

    /**
     * The schedtrace line up to {@code runqueue=} (without the per-processor queue lengths),
     * the start of the {@code scheddetail} header.
     *
     * @param uptimeMillis milliseconds since the runtime started
     * @return the text
     */
    public String schedtraceHeader(long uptimeMillis) {
        StringBuilder sb = new StringBuilder(96 + 4 * processors.size());
        sb.append("SCHED ").append(uptimeMillis).append("ms: gomaxprocs=").append(maxProcs)
                .append(" idleprocs=").append(known(idleProcs))
                .append(" threads=").append(known(threads))
                .append(" spinningthreads=").append(known(spinningThreads))
                .append(" needspinning=").append(needSpinning ? 1 : 0)
                .append(" idlethreads=").append(known(idleThreads))
                .append(" runqueue=").append(known(globalRunQueue));
        if (monitorDead) {
            sb.append(" sysmon=dead"); // not Go's: nothing would print it there either
        }
        return sb.toString();
    }

    /** A counter as schedtrace prints it: {@code n/a} for one the scheduler cannot know (-1). */
    private static String known(long value) {
        return value < 0 ? "n/a" : Long.toString(value);
    }

    /** {@return the sum of the processors' schedule ticks (time slices started)} */
    public long totalSchedTicks() {
        long sum = 0;
        for (SchedulerStats.Processor p : processors) {
            sum += p.schedTick();
        }
        return sum;
    }
}
