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
 * @param processors      one entry per processor, in id order (empty when not applicable)
 */
public record SchedulerStats(String scheduler, int maxProcs, int idleProcs, int threads,
                             int spinningThreads, boolean needSpinning, int idleThreads,
                             long globalRunQueue, long steals, List<Processor> processors) {

    /** Copies the processor list. */
    public SchedulerStats {
        processors = List.copyOf(processors);
    }

    /**
     * One processor's counters.
     *
     * @param id       processor id, from 0
     * @param status   Go's P status name: {@code idle}, {@code running}, {@code syscall}, {@code stopped}
     * @param runQueue goroutines in the local run queue, not counting {@code runnext}
     * @param runNext  whether the {@code runnext} slot holds a goroutine
     * @param schedTick times this processor started a new goroutine time slice
     * @param steals   goroutines this processor stole from others
     */
    public record Processor(int id, String status, int runQueue, boolean runNext,
                            long schedTick, long steals) {}
}
