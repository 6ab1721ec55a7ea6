package io.gmp4j.runtime.spi;

/**
 * What a system monitor sees of one runtime: its scheduler's control view, its settings for
 * {@code schedtrace} and the deadlock report, and the runtime services the monitor drives.
 *
 * <p>Thread contract: every method may be called from the monitor's thread at any time until
 * the monitor is stopped.
 */
public interface MonitorTarget {

    /** {@return a short name of the runtime for the monitor's thread name, such as {@code gmp4j-1}} */
    String name();

    /**
     * The scheduler's control view, or null when the scheduler has no processors a monitor
     * could retake (the {@code fifo} and {@code jdk} providers): then only {@code schedtrace}
     * and the deadlock report apply.
     *
     * @return the control view, or null
     */
    MonitoredScheduler scheduler();

    /** {@return the {@code schedtrace} period in milliseconds ({@code -Dgmp4j.schedtrace=MS}); 0 when off} */
    long schedtraceMillis();

    /**
     * Go's {@code schedtrace} output for this runtime now: one {@code SCHED} line, and with
     * {@code detail} (Go's {@code scheddetail=1}) one line per processor, machine and goroutine.
     *
     * @param detail whether to add the per-processor, per-machine and per-goroutine lines
     * @return the text, lines separated by {@code '\n'}, without a final line terminator
     */
    String schedtrace(boolean detail);

    /** {@return whether {@code -Dgmp4j.scheddetail=true} (or the builder) asked for the detailed trace} */
    boolean scheddetail();

    /**
     * Writes one {@code schedtrace} block to the runtime's trace output (standard error
     * unless the builder chose another).
     *
     * @param text the block, as returned by {@link #schedtrace}
     */
    void printTrace(String text);

    /**
     * Go's {@code checkdead}: checks whether every goroutine of the runtime is blocked on a
     * runtime primitive with nothing left that could wake it (no timer, no poller
     * registration, no running processor or syscall, no platform thread that may wake one —
     * see {@code DeadlockHandler}); if so, and it was not reported already, calls the
     * runtime's deadlock handler with the report. Costs a few counter reads unless every
     * processor is idle, and then a pass over the goroutines only when the state changed and
     * no platform thread may wake one: call it about once per monitor cycle.
     *
     * @return true if the runtime is deadlocked now
     */
    boolean checkDeadlock();

    /** Counts one monitor cycle (RuntimeStats' {@code sysmonTicks}). */
    void tick();

    /**
     * Reports an unexpected throwable that escaped one monitor cycle. The monitor goes on with
     * its next cycle; the runtime logs the first failure of each kind with its stack trace
     * (through {@link System.Logger}, logger {@code io.gmp4j.runtime}) and counts every one
     * (RuntimeStats' {@code monitorErrors}), so a failure that repeats every cycle does not
     * flood the log. Called from the monitor's thread; never throws.
     *
     * @param error what escaped the cycle
     */
    default void monitorFailed(Throwable error) {
        System.getLogger("io.gmp4j.runtime").log(System.Logger.Level.ERROR,
                "runtime: the system monitor's cycle failed; it goes on", error);
    }
}
