package io.gmp4j.runtime;

import io.gmp4j.runtime.internal.RuntimeTimer;
import io.gmp4j.runtime.spi.WaitReason;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * Go's built-ins and {@code runtime} functions as static methods, made for
 * {@code import static io.gmp4j.runtime.Go.*}.
 *
 * <p>Called from a goroutine, each method acts on <em>that goroutine's</em> runtime (so
 * {@code go(...)} inside a goroutine of runtime R starts the new goroutine on R). Called from
 * any other thread, it acts on the runtime the program built and has not closed, else on the
 * {@linkplain GoRuntime#defaultRuntime() default runtime} (built on first use), and fails with
 * an {@link IllegalStateException} when the program has several open, rather than guess
 * ({@link GoRuntime#forCaller()} has the rule).
 */
public final class Go {
    private Go() {}

    /**
     * Starts a goroutine: Go's {@code go f()}.
     *
     * @param task what to run
     * @return the goroutine's thread
     * @see GoRuntime#go(Runnable)
     */
    public static Thread go(Runnable task) {
        return GoRuntime.forCaller("Go.go").go(task);
    }

    /**
     * Yields the processor: Go's {@code runtime.Gosched}. On the {@code gmp} scheduler the
     * goroutine goes to the global run queue and runs again later; other goroutines run first.
     * From a platform thread it is {@link Thread#yield()}.
     */
    public static void gosched() {
        Thread.yield();
    }

    /**
     * Pauses the current goroutine for at least {@code d}: Go's {@code time.Sleep}. A
     * sleeping goroutine holds no thread. Zero or negative durations return at once. Unlike
     * Go's, the sleep ends early if the thread is interrupted (the interrupt stays set).
     *
     * @param d how long to sleep
     */
    public static void sleep(Duration d) {
        Objects.requireNonNull(d, "d");
        long nanos = RuntimeTimer.saturatedNanos(d);
        if (nanos <= 0) {
            return;
        }
        GoRuntime rt = GoRuntime.currentOrNull();
        if (rt != null && rt.hasProcessorTimers()) {
            sleepOnTimer(rt, nanos);
            return;
        }
        WaitReason why = WaitReason.now("sleep");
        long deadline = why.since() + nanos;
        Thread self = Thread.currentThread();
        while (!self.isInterrupted()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            LockSupport.parkNanos(why, left);
        }
    }

    /**
     * Go's timeSleep: a runtime timer on the current processor's heap readies the goroutine
     * (into the runnext of whichever processor runs the timer). The timer is armed before the
     * park; an early firing leaves an unpark permit, so nothing is lost.
     */
    private static void sleepOnTimer(GoRuntime rt, long nanos) {
        SleepTimer t = new SleepTimer(Thread.currentThread());
        WaitReason why = WaitReason.now("sleep");
        rt.timers().add(t, RuntimeTimer.deadline(nanos), 0);
        Thread self = Thread.currentThread();
        while (!t.fired) {
            LockSupport.park(why);
            if (!t.fired && self.isInterrupted()) {
                rt.timers().stop(t);
                return;
            }
        }
    }

    /** The timer of one {@link #sleep}: readies the sleeper. */
    private static final class SleepTimer extends RuntimeTimer {
        private final Thread sleeper;
        volatile boolean fired;

        SleepTimer(Thread sleeper) {
            this.sleeper = sleeper;
        }

        @Override
        protected void fire(long seq, long now) {
            fired = true;
            LockSupport.unpark(sleeper);
        }
    }

    /**
     * Runs a call that blocks its thread — native code, blocking file I/O, anything that does
     * not unmount a virtual thread — as Go runs a system call: on the {@code gmp} scheduler the
     * goroutine's processor is marked as in a syscall, and if the call blocks for more than a
     * system-monitor tick (20 µs) while other goroutines wait, the processor is handed to
     * another machine thread (Go's {@code entersyscall}/{@code exitsyscall}). On return the
     * goroutine takes its processor back (fast path), or an idle one, or waits in the global
     * run queue for one. Without the system monitor, or on another scheduler, or outside a
     * goroutine, the call just runs.
     *
     * <pre>{@code
     * int n = Go.syscall(() -> fileInputStream.read(buf));
     * }</pre>
     *
     * @param call the blocking call
     * @param <T>  its result type
     * @return what {@code call} returned
     * @throws Exception what {@code call} threw, unchanged
     */
    public static <T> T syscall(Callable<T> call) throws Exception {
        Objects.requireNonNull(call, "call");
        GoRuntime rt = GoRuntime.currentOrNull();
        if (rt == null) {
            return call.call();
        }
        return rt.scheduler().syscall(call);
    }

    /**
     * A blocking call that returns nothing and may throw anything, for
     * {@link #syscall(BlockingCall)}: a foreign function called through
     * {@code MethodHandle.invokeExact}, which is declared to throw {@link Throwable}, say.
     */
    @FunctionalInterface
    public interface BlockingCall {
        /**
         * Makes the call.
         *
         * @throws Throwable whatever the call throws
         */
        void run() throws Throwable;
    }

    /**
     * {@link #syscall(Callable)} for a call that returns nothing and may throw any
     * {@link Throwable}, such as a foreign function's {@code invokeExact}:
     *
     * <pre>{@code
     * Go.syscall(() -> { int rc = (int) usleep.invokeExact(5_000); });
     * }</pre>
     *
     * A lambda that returns a value picks the {@code Callable} form; write a block body that
     * completes normally, as above, to use this one (a lambda that only throws fits both: cast
     * it to {@code Go.BlockingCall}).
     *
     * @param call the blocking call
     * @throws Throwable what {@code call} threw, unchanged
     */
    public static void syscall(BlockingCall call) throws Throwable {
        Objects.requireNonNull(call, "call");
        Throwable[] thrown = new Throwable[1];
        syscall(() -> {
            try {
                call.run();
            } catch (Throwable t) {
                thrown[0] = t;
            }
            return null;
        });
        if (thrown[0] != null) {
            throw thrown[0];
        }
    }

    /**
     * A preemption point for long CPU loops: yields if the runtime asked this goroutine's
     * processor to (the JVM cannot preempt a running goroutine, so loops that never block
     * should call this now and then). Costs a field read otherwise.
     */
    public static void checkpoint() {
        GoRuntime rt = GoRuntime.currentOrNull();
        if (rt != null) {
            rt.scheduler().checkpoint();
        }
    }

    /** {@return the number of processors of the current runtime: Go's {@code runtime.GOMAXPROCS(0)}} */
    public static int maxProcs() {
        return GoRuntime.forCaller("Go.maxProcs").maxProcs();
    }

    /** {@return the number of goroutines alive in the current runtime: Go's {@code runtime.NumGoroutine()}} */
    public static int numGoroutine() {
        return GoRuntime.forCaller("Go.numGoroutine").numGoroutine();
    }
}
