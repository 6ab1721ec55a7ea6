package io.gmp4j.runtime;

import java.io.PrintStream;

/**
 * What a runtime does when the system monitor finds it deadlocked: every goroutine blocked on
 * a runtime primitive (channel, select, the patterns' semaphores and WaitGroup) with no timer,
 * no network poller registration and no running processor or syscall left that could wake
 * one, for at least 200 ms (Go reports at once; a JVM program may still be starting goroutines
 * from a platform thread). Go prints {@code fatal error: all goroutines are asleep - deadlock!} with the
 * goroutines' stacks and exits with status 2; gmp4j prints the same report and, by default,
 * lets the program go on ({@link #PRINT}), because a thread outside the runtime — a platform
 * thread, which Go programs do not have — may still wake the goroutines.
 *
 * <p>Set with {@code GoRuntime.Builder.deadlockHandler} or {@code -Dgmp4j.deadlock=print|exit|off}.
 * The handler runs on the monitor's thread, once per deadlock (again only after the runtime
 * made progress and deadlocked anew); it must not block for long.
 */
@FunctionalInterface
public interface DeadlockHandler {

    /** The first line of every report, as Go prints it. */
    String FATAL = "fatal error: all goroutines are asleep - deadlock!";

    /** Prints the report to standard error (the default). */
    DeadlockHandler PRINT = (runtime, report) -> {
        PrintStream err = System.err;
        err.print(report);
        err.flush();
    };

    /** Prints the report to standard error, then exits the JVM with status 2, as Go does. */
    DeadlockHandler EXIT = (runtime, report) -> {
        PRINT.onDeadlock(runtime, report);
        System.exit(2);
    };

    /** Does nothing: no deadlock check runs at all. */
    DeadlockHandler OFF = (runtime, report) -> {};

    /**
     * Called when the runtime is deadlocked.
     *
     * @param runtime the deadlocked runtime
     * @param report  {@link #FATAL}, a blank line and the bounded goroutine dump
     *                ({@link GoRuntime#dumpGoroutineProfile}, Go's traceback format), ending with
     *                a line terminator
     */
    void onDeadlock(GoRuntime runtime, String report);
}
