package io.gmp4j.runtime.spi;

/**
 * The view of a processor-based scheduler that a system monitor drives: Go's sysmon reads
 * {@code allp} and {@code sched} and calls {@code preemptone}, {@code handoffp} and the timer
 * and netpoll checks; this is that surface. Processors are numbered {@code 0..maxProcs-1}.
 *
 * <p>Thread contract: called from the monitor's thread; every read is a racy snapshot (as
 * Go's sysmon reads), every action re-validates what it was told under the scheduler's own
 * synchronization and does nothing if the processor moved on.
 */
public interface MonitoredScheduler {

    /** Go's {@code _Pidle}: the processor has no machine. */
    int STATUS_IDLE = 0;
    /** Go's {@code _Prunning}: a machine holds the processor. */
    int STATUS_RUNNING = 1;
    /** Go's {@code _Psyscall}: the processor's goroutine is in {@code Go.syscall}. */
    int STATUS_SYSCALL = 2;

    /** {@return the number of processors} */
    int maxProcs();

    /**
     * The processor's status.
     *
     * @param p processor id
     * @return {@link #STATUS_IDLE}, {@link #STATUS_RUNNING} or {@link #STATUS_SYSCALL}
     */
    int status(int p);

    /**
     * Go's {@code p.schedtick}: time slices started on the processor.
     *
     * @param p processor id
     * @return the count
     */
    long schedtick(int p);

    /**
     * Go's {@code p.syscalltick}: syscalls the processor's goroutines entered and left.
     *
     * @param p processor id
     * @return the count
     */
    long syscalltick(int p);

    /**
     * Go's {@code runqempty}: whether the processor's local run queue and {@code runnext}
     * are empty.
     *
     * @param p processor id
     * @return true when nothing is queued locally
     */
    boolean runqEmpty(int p);

    /** {@return the number of idle processors (Go's {@code sched.npidle})} */
    int idleProcs();

    /** {@return the number of spinning machines (Go's {@code sched.nmspinning})} */
    int spinningMachines();

    /** {@return the number of goroutines in the global run queue (Go's {@code sched.runqsize})} */
    long globalRunQueue();

    /**
     * Go's {@code preemptone}: asks the goroutine running on the processor to yield at its next
     * runtime call or {@code Go.checkpoint()}.
     *
     * @param p processor id
     * @return true if a request was made (the processor was running a goroutine)
     */
    boolean preempt(int p);

    /**
     * Go's retake of a processor in a syscall, then {@code handoffp}: if the processor is still
     * in the syscall the monitor saw ({@code syscalltick} unchanged), takes it from its
     * machine and gives it to another machine, or to the idle list if it has nothing to do.
     *
     * @param p           processor id
     * @param syscalltick the tick the monitor saw
     * @return true if the processor was taken
     */
    boolean retakeSyscall(int p, long syscalltick);

    /**
     * gmp4j's hand-off of a held processor: the JVM cannot preempt a goroutine that blocks in
     * native code or loops without runtime calls, so a processor whose {@code schedtick} has
     * not moved is taken from its machine (which keeps running that goroutine without a
     * processor, as if in a syscall) and handed, with its queued goroutines, to another
     * machine. Does nothing if {@code schedtick} moved.
     *
     * @param p         processor id
     * @param schedtick the tick the monitor saw
     * @return true if the processor was taken
     */
    boolean retakeRunning(int p, long schedtick);

    /**
     * Runs timers that are due on processors nobody is serving (Go's sysmon starts a machine
     * for them) and finishes hand-offs of processors retaken earlier.
     *
     * @param now {@link System#nanoTime()}
     * @return the {@code System.nanoTime()} of the earliest pending timer, or {@link Long#MAX_VALUE}
     */
    long runOverdueTimers(long now);

    /**
     * Go's sysmon network check: polls the network poller without blocking if nobody has for
     * {@code 10 ms} and injects the goroutines it readies. While a machine blocks in the poller
     * it calls {@link Poller#monitorTick()} instead.
     *
     * @param now {@link System#nanoTime()}
     * @return the number of goroutines readied (0 when there is no poller)
     */
    int pollNetworkIfStale(long now);

    /**
     * Go's sysmon deep sleep ({@code sysmonwait}): if every processor is idle, parks the calling
     * thread for at most {@code nanos}; a processor becoming busy (taken by a machine) wakes it
     * early. Nothing else does: with every processor idle no goroutine runs, so none can enter
     * a syscall or hog a processor until one is taken.
     *
     * @param nanos longest sleep
     * @return true if it slept (every processor was idle)
     */
    boolean sleepWhileIdle(long nanos);

    /**
     * The machine cap (Go's {@code sched.maxmcount}).
     *
     * @return the most machine threads the scheduler may create
     */
    int maxMachines();
}
