package io.gmp4j.runtime.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;

/**
 * The JDK internals gmp4j needs to run virtual threads on its own scheduler, reached once
 * through a private lookup into {@code java.lang}.
 *
 * <h2>Implementation notes</h2>
 * JDK 25 has no public API for a custom virtual-thread scheduler. The package-private
 * {@code ThreadBuilders.newVirtualThread(Executor, String, int, Runnable)} creates a virtual
 * thread whose continuation is submitted to the given executor every time it becomes
 * runnable (start, unpark, yield). Reading {@code VirtualThread.runContinuation} tells which
 * submitted task belongs to which thread; {@code VirtualThread.state} tells a
 * {@code Thread.yield()} resubmission (Go's {@code Gosched}: global queue) from a park that
 * was cancelled by an early unpark (run next); {@code Thread.currentCarrierThread()} tells on
 * which machine a goroutine that readies another one is running.
 *
 * <p>All of it needs {@code --add-opens java.base/java.lang=<this module>}. When the flag is
 * missing nothing fails at class initialisation: {@link #require()} throws an
 * {@link IllegalStateException} whose message names the exact flag to add.
 *
 * <h2>The one door to JDK internals</h2>
 * Every use of a JDK-internal class, field or method in gmp4j goes through this class: the
 * virtual-thread handles above, the JFR event-writer repair ({@link Jfr}, used by
 * {@link CarrierEventWriter}) and the early start of the JDK's socket poller
 * ({@link #initJdkSocketPoller()}, used by {@link JdkPoller}). Nothing else names an internal
 * class or opens a package.
 *
 * <h2>Moving to a public API</h2>
 * OpenJDK's Loom repository (the {@code fibers} branch) has an experimental, unsupported API
 * for custom schedulers: {@code Thread.VirtualThreadScheduler} (with {@code onStart} and
 * {@code onContinue} receiving a {@code Thread.VirtualThreadTask}),
 * {@code Thread.ofVirtual().scheduler(...)}, and {@code -Djdk.virtualThreadScheduler.implClass}
 * for the default scheduler. If the JDK ships such an API, gmp4j moves to it here and nowhere
 * else: {@link #newVirtualThread} becomes a builder call with a scheduler that forwards each
 * task to the executor; the task object replaces {@code runContinuation} as the identity of a
 * submitted continuation ({@link #runContinuation}); a scheduler-side "this is a yield"
 * signal, if offered, replaces the {@code state} read ({@link #isYielded}); and a public way to
 * ask which carrier runs the caller, if offered, replaces {@link #currentCarrierThread()} (a
 * scheduler can otherwise record its carrier per task). The SPI ({@code VirtualThreads},
 * {@code Scheduler}, {@code Carrier}) does not change, and the {@code --add-opens} flag goes.
 */
public final class JdkAccess {
    private JdkAccess() {}

    private static final MethodHandle NEW_VIRTUAL_THREAD;
    private static final MethodHandle CURRENT_CARRIER;
    private static final VarHandle RUN_CONTINUATION;
    private static final VarHandle STATE;
    private static final int YIELDED;
    private static final RuntimeException FAILURE;

    static {
        MethodHandle newVt = null;
        MethodHandle carrier = null;
        VarHandle runCont = null;
        VarHandle state = null;
        int yielded = -1;
        RuntimeException failure = null;
        try {
            Class<?> builders = Class.forName("java.lang.ThreadBuilders");
            Class<?> vthread = Class.forName("java.lang.VirtualThread");
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            MethodHandles.Lookup inBuilders = MethodHandles.privateLookupIn(builders, lookup);
            MethodHandles.Lookup inVthread = MethodHandles.privateLookupIn(vthread, lookup);
            MethodHandles.Lookup inThread = MethodHandles.privateLookupIn(Thread.class, lookup);
            newVt = inBuilders.findStatic(builders, "newVirtualThread",
                    MethodType.methodType(Thread.class, Executor.class, String.class, int.class, Runnable.class));
            carrier = inThread.findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
            runCont = inVthread.findVarHandle(vthread, "runContinuation", Runnable.class);
            state = inVthread.findVarHandle(vthread, "state", int.class);
            yielded = (int) inVthread.findStaticGetter(vthread, "YIELDED", int.class).invoke();
        } catch (IllegalAccessException e) {
            failure = new IllegalStateException(missingFlagMessage(), e);
        } catch (Throwable e) {
            failure = new IllegalStateException("gmp4j: this JDK (" + Runtime.version()
                    + ") lacks the virtual-thread internals gmp4j was built for; run on JDK 25 ("
                    + e + ")", e);
        }
        NEW_VIRTUAL_THREAD = newVt;
        CURRENT_CARRIER = carrier;
        RUN_CONTINUATION = runCont;
        STATE = state;
        YIELDED = yielded;
        FAILURE = failure;
    }

    /** The JVM option that opens {@code java.lang} to this module (or to the class path). */
    public static String requiredFlag() {
        Module m = JdkAccess.class.getModule();
        return "--add-opens java.base/java.lang=" + (m.isNamed() ? m.getName() : "ALL-UNNAMED");
    }

    private static String missingFlagMessage() {
        return "gmp4j cannot create goroutines on its own scheduler: java.lang is not open to it. "
                + "Add the JVM flag '" + requiredFlag() + "' (see the README, 'JVM flags')";
    }

    /**
     * Throws a clear exception when the internals are unreachable.
     *
     * @throws IllegalStateException naming the missing JVM flag or the JDK mismatch
     */
    public static void require() {
        if (FAILURE != null) {
            throw new IllegalStateException(FAILURE.getMessage(), FAILURE.getCause());
        }
    }

    /** True when {@link #require()} would not throw. */
    public static boolean available() {
        return FAILURE == null;
    }

    /**
     * Creates an unstarted virtual thread whose continuation is submitted to
     * {@code scheduler} whenever it becomes runnable.
     */
    public static Thread newVirtualThread(Executor scheduler, String name, Runnable task) {
        require();
        try {
            return (Thread) NEW_VIRTUAL_THREAD.invokeExact(scheduler, name, 0, task);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new InternalError("runtime: newVirtualThread failed", e);
        }
    }

    /**
     * Links the handles above on the calling thread (the JDK spins their method-handle forms at
     * first use, a few milliseconds in a fresh JVM) instead of on the first goroutine's way to
     * its machine. Creates one virtual thread and never starts it; starts no thread. Does
     * nothing when the internals are unreachable.
     *
     * <p>Running that virtual thread once here, with the caller as its carrier, would also warm
     * the first mount, but measured no faster here (from the first go() to the goroutine's
     * start) and has side effects on the caller: a mount syncs the carrier's interrupt status
     * with the virtual thread's (an interrupt of the builder could be lost), and the virtual
     * thread would share the caller's JFR event writer.
     */
    static void warmUp() {
        if (FAILURE != null) {
            return;
        }
        Thread t = newVirtualThread(Runnable::run, "", () -> {});
        runContinuation(t);
        isYielded(t);
        currentCarrierThread();
        loadEndOfLifeClasses();
    }

    /** Whether {@link #loadEndOfLifeClasses} ran. */
    private static volatile boolean endOfLifeLoaded;

    /**
     * Loads and initialises the classes a virtual thread reaches only when it ends
     * ({@code VirtualThread.run}'s {@code finally}: {@code VirtualThreadEndEvent}), once per JVM.
     *
     * <p>Why: when the first goroutines of a JVM park and stay parked (a million waiting on one
     * channel, a server's connections), the JIT compiles {@code VirtualThread.run} before any
     * virtual thread has ended, with that class not yet loaded, so the compiled code ends in an
     * "unloaded" uncommon trap. The JIT recompiles after the first goroutine ends, but every
     * goroutine already parked has the old frame on its stack and deoptimises on its way out:
     * measured at ~20 µs each, 13,805 deoptimisations when 300,000 parked goroutines woke
     * ({@code SideBySide wake --n 300000} with {@code -Xlog:deoptimization=debug}), seconds of
     * stall for a million. Loading the class here makes the first compilation complete.
     */
    static void loadEndOfLifeClasses() {
        if (endOfLifeLoaded) {
            return;
        }
        try {
            Class.forName("jdk.internal.event.VirtualThreadEndEvent", true, null);
        } catch (ClassNotFoundException | LinkageError e) {
            // Another JDK: nothing to warm, nothing lost but the warm-up.
        }
        endOfLifeLoaded = true;
    }

    /** The task the JDK submits to the scheduler each time {@code vthread} becomes runnable. */
    static Runnable runContinuation(Thread vthread) {
        return (Runnable) RUN_CONTINUATION.get(vthread);
    }

    /** True when {@code vthread} was resubmitted by {@code Thread.yield()}. */
    static boolean isYielded(Thread vthread) {
        return (int) STATE.getAcquire(vthread) == YIELDED;
    }

    /**
     * The platform thread the calling code runs on: the current thread itself when it is a
     * platform thread, the carrier when it is a mounted virtual thread. Only when
     * {@link #available()}.
     */
    public static Thread currentCarrierThread() {
        try {
            return (Thread) CURRENT_CARRIER.invokeExact();
        } catch (Throwable e) {
            throw new InternalError("runtime: currentCarrierThread failed", e);
        }
    }

    /**
     * Initialises {@code sun.nio.ch.Poller}, the JDK's socket poller, on the calling thread (see
     * {@link JdkPoller} for why). Needs no opened package: class initialisation only.
     *
     * @throws ClassNotFoundException if this JDK has no such class
     */
    static void initJdkSocketPoller() throws ClassNotFoundException {
        Class.forName("sun.nio.ch.Poller", true, null);
    }

    /**
     * JFR's internal event writer of the calling thread ({@code jdk.jfr.internal.JVM.getEventWriter()}
     * and {@code EventWriter.valid}), for {@link CarrierEventWriter}. Opens JFR's internal
     * packages to gmp4j through {@code java.lang}'s {@code Module.implAddOpens}, which the
     * {@code --add-opens java.base/java.lang} flag already lets gmp4j call; loaded only when used.
     */
    static final class Jfr {
        private Jfr() {}

        /** {@code jdk.jfr.internal.JVM.getEventWriter()}, or null when unreachable. */
        private static final MethodHandle GET_WRITER;
        /** {@code jdk.jfr.internal.event.EventWriter.valid}, or null when unreachable. */
        private static final VarHandle VALID;

        static {
            MethodHandle getWriter = null;
            VarHandle valid = null;
            try {
                Module jfr = ModuleLayer.boot().findModule("jdk.jfr").orElseThrow();
                Module self = JdkAccess.class.getModule();
                MethodHandle addOpens = MethodHandles.privateLookupIn(Module.class, MethodHandles.lookup())
                        .findVirtual(Module.class, "implAddOpens",
                                MethodType.methodType(void.class, String.class, Module.class));
                addOpens.invoke(jfr, "jdk.jfr.internal", self);
                addOpens.invoke(jfr, "jdk.jfr.internal.event", self);
                ClassLoader platform = ClassLoader.getPlatformClassLoader();
                Class<?> jvm = Class.forName("jdk.jfr.internal.JVM", true, platform);
                Class<?> writer = Class.forName("jdk.jfr.internal.event.EventWriter", true, platform);
                getWriter = MethodHandles.privateLookupIn(jvm, MethodHandles.lookup())
                        .findStatic(jvm, "getEventWriter", MethodType.methodType(writer))
                        .asType(MethodType.methodType(Object.class));
                valid = MethodHandles.privateLookupIn(writer, MethodHandles.lookup())
                        .findVarHandle(writer, "valid", boolean.class);
            } catch (Throwable e) {
                getWriter = null;
                valid = null;
            }
            GET_WRITER = getWriter;
            VALID = valid;
        }

        /** {@return whether JFR's internals were reachable} */
        static boolean available() {
            return GET_WRITER != null;
        }

        /**
         * Fetches the calling thread's event writer and marks it valid if the fetch left it
         * invalid; does nothing when unreachable.
         *
         * @throws Throwable what the handles throw
         */
        static void revalidateWriter() throws Throwable {
            if (GET_WRITER == null) {
                return;
            }
            Object w = GET_WRITER.invokeExact();
            if (w != null && !(boolean) VALID.get(w)) {
                VALID.set(w, true);
            }
        }
    }
}
