package io.gmp4j.runtime;

import java.io.PrintStream;

/**
 * What a runtime does when the system monitor finds it deadlocked. Go's rule is: deadlock when
 * no goroutine can run and nothing outside can wake one. Go prints
 * {@code fatal error: all goroutines are asleep - deadlock!} with the goroutines' stacks and
 * exits with status 2; gmp4j prints a bounded form of that report and, by default, lets the
 * program go on ({@link #PRINT}).
 *
 * <p><b>When the report fires.</b> All of the following hold at two looks of the monitor at
 * least 200 ms apart with no scheduling in between (Go reports at once; a JVM program may still
 * be starting goroutines from a platform thread):
 * <ol>
 *   <li>every goroutine is parked without a timeout on a runtime primitive (channel, select,
 *       the patterns' semaphores and WaitGroup; a goroutine in a JDK lock or in
 *       {@code Object.wait} is not counted as asleep);
 *   <li>no processor runs or is in a syscall, no goroutine is queued, no runtime timer is
 *       pending and no goroutine waits on the network poller — as in Go;
 *   <li>no live platform thread outside the runtime may wake a goroutine. A Go program has no
 *       such threads; a Java program always has some. By default
 *       ({@link #mayWakeGoroutines}) a platform thread may wake a goroutine when it is not a
 *       daemon thread and it is running Java code ({@code RUNNABLE}: Go's running machine or
 *       syscall) or waiting with a timeout ({@code TIMED_WAITING}: {@code Thread.sleep}, a
 *       timed {@code join}, {@code poll} or {@code await}, an idle scheduled executor with a
 *       task pending — Go's pending timer: the thread runs again by itself). A non-daemon
 *       thread waiting without a timeout or blocked on a monitor ({@code main} in
 *       {@code GoRuntime.close()}, in an untimed {@code join} of a goroutine, in a channel
 *       operation, in {@code CountDownLatch.await()}) is asleep like a goroutine: only another
 *       thread can wake it, and that thread is counted itself.
 * </ol>
 *
 * <p><b>Why daemon threads never count.</b> By the JVM's own definition a daemon thread serves
 * the program rather than drives it: the JVM exits without waiting for it. The JVM always has
 * such threads, and most wait with timeouts or run for ever: Reference Handler, Finalizer,
 * Signal Dispatcher, Common-Cleaner, the JDK's socket pollers, test harnesses' I/O threads, and
 * every gmp4j runtime's machine, monitor, timer and poller threads. Counting them would keep the
 * report from ever firing. A thread with no Java frames ({@code DestroyJavaVM}, which waits in
 * the VM for the last non-daemon thread to end) does not count either.
 *
 * <p><b>Limits of the default.</b> A waker the rule cannot see lets a false report through: a
 * daemon thread (a common-pool task, a daemon executor), a virtual thread outside the runtime,
 * or a non-daemon thread waiting without a timeout for one of those. A non-daemon thread that
 * waits with a timeout only as a guard (a test harness's timeout watcher, the test thread's
 * {@code await(10, SECONDS)}) keeps the report from firing until it gives up, as a pending
 * timer does in Go. {@code GoRuntime.Builder.deadlockWakers} replaces the rule: {@code t -> false}
 * is Go's rule, in which only goroutines, timers and the network wake goroutines.
 *
 * <p><b>The report</b>: {@link #FATAL}, a blank line, the goroutines as
 * {@link GoRuntime#dumpGoroutineProfile} writes them (the ten with the lowest ids in full, then,
 * if there are more, all of them counted by wait reason and stack: a few kilobytes for a
 * million goroutines parked at one place), then the live non-daemon platform threads with
 * their states and top frames.
 *
 * <p>Set with {@code GoRuntime.Builder.deadlockHandler} or {@code -Dgmp4j.deadlock=print|exit|off}.
 * The handler runs on the monitor's thread, once per deadlock (again only after the runtime
 * made progress and deadlocked anew); it must not block for long. A runtime whose
 * {@code close()} waits for goroutines that can never end is deadlocked, and reported.
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
     * @param report  {@link #FATAL}, a blank line, the bounded goroutine dump (Go's traceback
     *                format) and the non-daemon platform threads, ending with a line terminator
     */
    void onDeadlock(GoRuntime runtime, String report);

    /**
     * The default rule for platform threads (see the class description): whether {@code thread}
     * may still wake a goroutine — a live non-daemon platform thread that is running Java code
     * or waiting with a timeout.
     *
     * @param thread a platform thread outside the runtime
     * @return true if the deadlock report must wait for it
     */
    static boolean mayWakeGoroutines(Thread thread) {
        if (thread.isVirtual() || thread.isDaemon()) {
            return false;
        }
        return switch (thread.getState()) {
            case TIMED_WAITING -> true;
            // No Java frames: in the VM (DestroyJavaVM), not running code that could wake anyone.
            case RUNNABLE -> thread.getStackTrace().length > 0;
            case NEW, WAITING, BLOCKED, TERMINATED -> false;
        };
    }
}
