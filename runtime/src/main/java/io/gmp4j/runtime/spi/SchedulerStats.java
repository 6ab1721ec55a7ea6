package io.gmp4j.runtime.spi;

import java.util.List;

/**
 * A scheduler's counters at one moment, with Go's schedtrace vocabulary. Fields a scheduler
 * cannot know are {@code -1}.
 *
 * @param scheduler       the provider name
 * @param maxProcs        number of processors (Go's gomaxprocs)
 * @param idleProcs       processors with nothing to run (idleprocs)
 * @param threads         machine threads created and still alive (threads)
 * @param spinningThreads machines looking for work (spinningthreads)
 * @param needSpinning    whether work was submitted while no processor was free (needspinning)
 * @param idleThreads     parked machines waiting to be reused (idlethreads)
 * @param globalRunQueue  goroutines in the global run queue (runqueue)
 * @param steals          goroutines moved by work stealing, in total
 * @param handoffs        processors taken from a machine (in a syscall, or held too long) and
 *                        handed to another
 * @param preemptRequests preemption requests made to running goroutines
 * @param syscalls        calls of {@code Go.syscall} on this scheduler's processors
 * @param processors      one entry per processor, in id order (empty when not applicable)
 * @param machines        one entry per live machine thread (empty when not applicable)
 */
public record SchedulerStats(String scheduler, int maxProcs, int idleProcs, int threads,
                             int spinningThreads, boolean needSpinning, int idleThreads,
                             long globalRunQueue, long steals, long handoffs, long preemptRequests,
                             long syscalls, List<Processor> processors, List<Machine> machines) {

    /** Copies the lists. */
    public SchedulerStats {
        processors = List.copyOf(processors);
        machines = List.copyOf(machines);
    }

    /**
     * Counters of a scheduler without hand-offs, preemption or machine details.
     *
     * @param scheduler       the provider name
     * @param maxProcs        number of processors
     * @param idleProcs       idle processors
     * @param threads         machine threads
     * @param spinningThreads spinning machines
     * @param needSpinning    needspinning
     * @param idleThreads     parked machines
     * @param globalRunQueue  global run queue length
     * @param steals          goroutines stolen
     * @param processors      per-processor counters
     */
    public SchedulerStats(String scheduler, int maxProcs, int idleProcs, int threads, int spinningThreads,
                          boolean needSpinning, int idleThreads, long globalRunQueue, long steals,
                          List<Processor> processors) {
        this(scheduler, maxProcs, idleProcs, threads, spinningThreads, needSpinning, idleThreads, globalRunQueue,
                steals, -1, -1, -1, processors, List.of());
    }

    /**
     * One processor's counters.
     *
     * @param id          processor id, from 0
     * @param status      Go's P status name: {@code idle}, {@code running}, {@code syscall}, {@code stopped}
     * @param runQueue    goroutines in the local run queue, not counting {@code runnext}
     * @param runNext     whether the {@code runnext} slot holds a goroutine
     * @param schedTick   times this processor started a new goroutine time slice
     * @param steals      goroutines this processor stole from others
     * @param syscallTick syscalls entered and left on this processor (Go's syscalltick)
     * @param machine     id of the machine holding it, or -1
     * @param timers      timers in its heap
     */
    public record Processor(int id, String status, int runQueue, boolean runNext,
                            long schedTick, long steals, long syscallTick, long machine, int timers) {

        /**
         * Counters without syscall tick, machine or timers.
         *
         * @param id        processor id
         * @param status    status name
         * @param runQueue  local queue length
         * @param runNext   whether runnext is set
         * @param schedTick schedule ticks
         * @param steals    goroutines stolen
         */
        public Processor(int id, String status, int runQueue, boolean runNext, long schedTick, long steals) {
            this(id, status, runQueue, runNext, schedTick, steals, 0, -1, 0);
        }

        /** {@return Go's numeric P status for schedtrace ({@code _Pidle}=0, {@code _Prunning}=1, {@code _Psyscall}=2, {@code _Pgcstop}=3)} */
        public int statusCode() {
            return switch (status) {
                case "idle" -> 0;
                case "running" -> 1;
                case "syscall" -> 2;
                case "stopped" -> 3;
                default -> 4;
            };
        }
    }

    /**
     * One machine thread.
     *
     * @param id        machine id (Go's {@code m.id})
     * @param processor id of the processor it holds, or -1
     * @param goroutine thread id of the goroutine it runs, or -1
     * @param spinning  whether it is looking for work
     * @param blocked   whether it is parked (idle, or waiting for timers)
     * @param syscall   whether its goroutine is in {@code Go.syscall} or it lost its processor
     *                  while running one
     */
    public record Machine(long id, int processor, long goroutine, boolean spinning, boolean blocked,
                          boolean syscall) {}
}
