package io.gmp4j.runtime;

import io.gmp4j.runtime.internal.HeapTimers;
import io.gmp4j.runtime.internal.JdkAccess;
import io.gmp4j.runtime.internal.JdkPoller;
import io.gmp4j.runtime.internal.ThreadTimers;
import io.gmp4j.runtime.internal.TimerService;
import io.gmp4j.runtime.spi.Carrier;
import io.gmp4j.runtime.spi.Monitor;
import io.gmp4j.runtime.spi.MonitorProvider;
import io.gmp4j.runtime.spi.MonitoredScheduler;
import io.gmp4j.runtime.spi.Poller;
import io.gmp4j.runtime.spi.PollerProvider;
import io.gmp4j.runtime.spi.Scheduler;
import io.gmp4j.runtime.spi.SchedulerConfig;
import io.gmp4j.runtime.spi.SchedulerProvider;
import io.gmp4j.runtime.spi.SchedulerTimers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One running goroutine scheduler with its goroutines: the JVM counterpart of a Go program's
 * runtime.
 *
 * <pre>{@code
 * try (GoRuntime rt = GoRuntime.builder().maxProcs(4).build()) {
 *     rt.go(() -> System.out.println("hello from a goroutine"));
 * } // close() waits for every goroutine, then stops the machines
 * }</pre>
 *
 * <p>A goroutine is a virtual thread scheduled by the runtime's scheduler ({@code gmp} — Go's
 * G/P/M scheduler — unless another provider is selected), so {@code Thread.currentThread()},
 * thread locals, {@code synchronized} and every JDK blocking call work inside it. Goroutines
 * started from a goroutine belong to the same runtime, whether through {@link #go},
 * {@link Go#go} or a virtual thread created inside it.
 *
 * <p>Most programs use {@link #defaultRuntime()} through the static {@link Go} facade. Its
 * number of processors comes from {@code -Dgmp4j.maxprocs}, else the {@code GOMAXPROCS}
 * environment variable, else the number of available processors; its scheduler from
 * {@code -Dgmp4j.scheduler} (default {@code gmp}).
 *
 * <p><b>System monitor.</b> When the {@code io.gmp4j.sysmon} module (a
 * {@link MonitorProvider}) is on the module path, each runtime gets a monitor thread, Go's
 * {@code sysmon}: it hands processors blocked in {@link Go#syscall} or held by a goroutine
 * that does not yield for 10 ms to other machines, asks such goroutines to yield, runs overdue
 * timers, prints {@code schedtrace} ({@code -Dgmp4j.schedtrace=MS},
 * {@code -Dgmp4j.scheddetail=true}) and reports deadlocks ({@link DeadlockHandler}). Without
 * it the runtime works, but a goroutine stuck in native code or a CPU loop keeps its processor
 * and the goroutines queued behind it wait.
 *
 * <p>Needs the JVM flag {@code --add-opens java.base/java.lang=io.gmp4j.runtime}; without it,
 * building a runtime on the {@code gmp} or {@code fifo} scheduler throws an
 * {@link IllegalStateException} that names the flag.
 */
public final class GoRuntime implements AutoCloseable {
    private static final ScopedValue<GoRuntime> CURRENT = ScopedValue.newInstance();
    private static final Object DEFAULT_LOCK = new Object();
    private static volatile GoRuntime defaultRuntime;
    /** Runtimes built with {@link Builder#build()} (not the default one) and not yet closed, in build order. Guarded by itself. */
    private static final List<GoRuntime> OPEN = new ArrayList<>();
    /** The one open built runtime when exactly one is open, else null: {@link #forCaller()}'s fast path. */
    private static volatile GoRuntime soleOpen;

    private final String schedulerName;
    private final int maxProcs;
    private final Scheduler scheduler;
    private final Thread.UncaughtExceptionHandler uncaughtExceptionHandler;
    /** Whether goroutine threads are named {@code goroutine-<id>} (the builder's choice). */
    private final boolean goroutineNames;
    /**
     * Whether goroutines find this runtime through their {@link io.gmp4j.runtime.spi.Carrier}
     * ({@link Scheduler#runsOnCarriers()}: gmp) rather than a {@link ScopedValue} binding: saves
     * the binding's two objects per goroutine.
     */
    private final boolean carrierKnowsRuntime;
    private final long startNanos = System.nanoTime();
    private static final AtomicInteger RUNTIME_IDS = new AtomicInteger();
    private final String name = "gmp4j-" + RUNTIME_IDS.incrementAndGet();
    /** The longest schedtrace period kept, in ms: its nanoseconds still fit in a long (292 years). */
    private static final long MAX_SCHEDTRACE_MILLIS = Long.MAX_VALUE / 1_000_000;
    /** What the system monitor sees of this runtime: schedtrace, the deadlock check, its counters. */
    private final MonitorHost monitorHost;
    private final String monitorName;
    private final Monitor monitor;
    /** The network poller's side of the runtime: the poller, made on first {@link #poller()} call. */
    private final PollerHost pollerHost;

    /** Live goroutine threads and the goroutine counts. Added before start, removed when the body ends. */
    private final GoroutineRegistry goroutines = new GoroutineRegistry();
    private final Object closeMonitor = new Object();
    /**
     * Serialises the stopping of the runtime's threads in {@link #closeWithin}. Not closeMonitor:
     * a thread being stopped (a machine or the timer thread firing a timer whose goroutine is
     * refused) takes closeMonitor in {@link #goroutineEnded}, so holding closeMonitor while
     * waiting for those threads could wait for ever.
     */
    private final Object terminateLock = new Object();
    /** Timers: the gmp scheduler's per-processor heaps, else a timer thread made on first use. */
    private final TimerService perProcessorTimers;
    private volatile TimerService threadTimers;
    private volatile boolean closed;
    private volatile boolean terminated;
    /** Whether the stop phase has stopped the monitor and shut the scheduler down; under terminateLock. */
    private boolean shutdownCalled;

    /**
     * Loads and links the {@link Go} facade here, on the builder's thread: otherwise the first
     * goroutine to call it (to start another, say) loads it, 1–2 ms in a fresh JVM, and if that
     * goroutine goes on to hold its processor, the system monitor's preemption request can land
     * in that first call and start the monitor's 10 ms over (see {@code ColdHandoff} in benchmarks).
     */
    private static void warmGoFacade() {
        try {
            Class.forName(Go.class.getName(), true, Go.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new InternalError(e);
        }
    }

    private GoRuntime(Builder b) {
        this.maxProcs = b.maxProcs > 0 ? b.maxProcs : RuntimeConfig.defaultMaxProcs();
        SchedulerProvider provider = b.schedulerProvider != null ? b.schedulerProvider
                : RuntimeConfig.provider(b.scheduler != null ? b.scheduler
                : System.getProperty("gmp4j.scheduler", "gmp").trim(), b.layer); // builder, else property, else gmp
        this.schedulerName = provider.name();
        JdkPoller.ensureInitialised();
        warmGoFacade();
        int maxMachines = b.maxMachines > 0 ? b.maxMachines : RuntimeConfig.defaultMaxMachines();
        if (maxMachines < maxProcs) {
            throw new IllegalArgumentException("maxMachines: " + maxMachines + " is below maxProcs (" + maxProcs
                    + "): every processor needs a machine thread; raise it or lower maxProcs");
        }
        this.scheduler = Objects.requireNonNull(provider.create(new SchedulerConfig(maxProcs, maxMachines)),
                () -> "scheduler provider '" + schedulerName + "' returned no scheduler");
        this.pollerHost = new PollerHost(this, scheduler, b.layer);
        // At most MAX_SCHEDTRACE_MILLIS, so that a monitor's ms-to-ns conversion cannot overflow
        // (a wrapped period could be small and print a trace on every tick).
        long schedtraceMillis = Math.min(MAX_SCHEDTRACE_MILLIS,
                b.schedtraceMillis >= 0 ? b.schedtraceMillis : RuntimeConfig.longProperty("gmp4j.schedtrace", 0));
        Checkdead checkdead = new Checkdead(this,
                b.deadlockHandler != null ? b.deadlockHandler : RuntimeConfig.defaultDeadlockHandler(),
                b.deadlockWakers != null ? b.deadlockWakers : DeadlockHandler::mayWakeGoroutines, goroutines);
        this.monitorHost = new MonitorHost(this, schedtraceMillis,
                b.scheddetail != null ? b.scheddetail : Boolean.getBoolean("gmp4j.scheddetail"),
                b.traceOutput != null ? b.traceOutput : GoRuntime::printToStderr, checkdead);
        this.uncaughtExceptionHandler = b.uncaughtExceptionHandler;
        this.goroutineNames = b.goroutineNames;
        SchedulerTimers schedulerTimers = scheduler.timers();
        perProcessorTimers = schedulerTimers == null ? null : new HeapTimers(schedulerTimers);
        carrierKnowsRuntime = scheduler.runsOnCarriers() && JdkAccess.available();
        if (carrierKnowsRuntime) {
            carried(this, true);
        }
        boolean wantMonitor = b.monitor != null ? b.monitor : !"false".equals(System.getProperty("gmp4j.sysmon"));
        MonitorProvider mp = wantMonitor ? RuntimeConfig.monitorProvider(b.layer) : null;
        if (mp != null) {
            monitorName = mp.name();
            monitor = Objects.requireNonNull(mp.start(monitorHost),
                    () -> "monitor provider '" + monitorName + "' returned no monitor");
            if (scheduler.monitored() == null && provider.getClass().getModule() != GoRuntime.class.getModule()) {
                // gmp4j's fifo and jdk are documented as such; a custom scheduler's author may not know.
                System.getLogger("io.gmp4j.runtime").log(System.Logger.Level.INFO, name + ": the system monitor '"
                        + monitorName + "' can only trace and report deadlocks here: scheduler '" + schedulerName
                        + "' offers no MonitoredScheduler (Scheduler.monitored() is null), so a goroutine in a CPU "
                        + "loop or in Go.syscall keeps its thread and nothing hands it off (see monitorCanRetake())");
            }
        } else {
            monitorName = null;
            monitor = null;
        }
    }

    private static void printToStderr(String text) {
        System.err.println(text);
    }

    /** {@return a builder for a new runtime} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The JVM-wide runtime used by {@link Go} outside goroutines, built on first use from the
     * system properties (see the class description). If it was closed, a new one is built.
     *
     * @return the default runtime
     */
    public static GoRuntime defaultRuntime() {
        GoRuntime rt = defaultRuntime;
        if (rt != null && !rt.closed) {
            return rt;
        }
        synchronized (DEFAULT_LOCK) {
            rt = defaultRuntime;
            if (rt == null || rt.closed) {
                rt = new GoRuntime(builder()); // not registered: forCaller() prefers a runtime the program built
                defaultRuntime = rt;
            }
            return rt;
        }
    }

    /**
     * The runtime that Go-style calls made here act on ({@link Go#go}, {@link Go#maxProcs},
     * {@link Go#numGoroutine}, {@link Timer#afterFunc}, and the patterns and network calls that
     * start goroutines or register sockets without being given a runtime):
     * <ul>
     * <li>from a goroutine, its own runtime;</li>
     * <li>from any other thread (a platform thread such as {@code main}, or a virtual thread
     *     that is not a goroutine), the runtime the program built, if exactly one built runtime
     *     is open — so a program that builds its runtime and calls {@code Go.go} or a pattern
     *     from {@code main} gets that runtime, never another one;</li>
     * <li>the {@linkplain #defaultRuntime() default runtime}, built on demand, if no built
     *     runtime is open;</li>
     * <li>if several built runtimes are open, an {@link IllegalStateException} that names them:
     *     the call cannot tell which one is meant. Start the work inside the runtime
     *     ({@link #run(Callable)}, {@link #go(Runnable)}), or use the overloads that take a
     *     {@code GoRuntime}.</li>
     * </ul>
     * A built runtime counts as open from its {@link Builder#build()} until {@link #close()},
     * {@link #close(Duration)} or {@link #shutdownNow()} is first called on it. Any thread may
     * call this.
     *
     * @return the runtime
     * @throws IllegalStateException if the caller is not a goroutine and several built runtimes are open
     */
    public static GoRuntime forCaller() {
        return forCaller("GoRuntime.forCaller()");
    }

    /** {@link #forCaller()} naming {@code what} (the call made) in its failure. */
    static GoRuntime forCaller(String what) {
        GoRuntime rt = currentOrNull();
        if (rt != null) {
            return rt;
        }
        rt = soleBuilt();
        if (rt != null) {
            return rt;
        }
        List<GoRuntime> open;
        synchronized (OPEN) {
            open = List.copyOf(OPEN);
        }
        if (open.size() <= 1) { // changed since soleBuilt(): as if called a moment later
            return open.isEmpty() ? defaultRuntime() : open.getFirst();
        }
        StringBuilder names = new StringBuilder();
        for (GoRuntime r : open) {
            names.append(names.isEmpty() ? "" : ", ").append(r.name);
        }
        throw new IllegalStateException(what + " was called from thread \"" + Thread.currentThread().getName()
                + "\", which is not a goroutine, while " + open.size() + " runtimes built by the program are open (" + names
                + "): it cannot tell which one is meant. Say which: call rt.go(...) or run the code inside "
                + "rt.run(...) (everything started inside runs on rt), or use the overloads that take the runtime "
                + "(new ErrGroup(rt), WorkerPool.start(rt, ...), Net.listen(rt, ...)); or close the runtimes no "
                + "longer used.");
    }

    /**
     * The runtime for calls that only need a clock and a timer heap (timers without a function,
     * tickers, context deadlines): as {@link #forCaller()}, but the default runtime instead of a
     * failure when several are open.
     */
    static GoRuntime forTimers() {
        GoRuntime rt = currentOrNull();
        if (rt == null) {
            rt = soleBuilt();
        }
        return rt != null ? rt : defaultRuntime();
    }

    /** The one open built runtime, or null when none or several are open. */
    private static GoRuntime soleBuilt() {
        GoRuntime rt = soleOpen;
        if (rt != null && !rt.closed) {
            return rt;
        }
        synchronized (OPEN) {
            return OPEN.size() == 1 ? OPEN.getFirst() : null;
        }
    }

    private static void registerOpen(GoRuntime rt) {
        synchronized (OPEN) {
            OPEN.add(rt);
            soleOpen = OPEN.size() == 1 ? rt : null;
        }
    }

    /** Marks this runtime closed (refusing new goroutines) and no longer open for {@link #forCaller()}. */
    private void markClosed() {
        closed = true;
        synchronized (OPEN) {
            if (OPEN.remove(this)) {
                soleOpen = OPEN.size() == 1 ? OPEN.getFirst() : null;
            }
        }
    }

    /**
     * The runtime of the calling goroutine, if the caller is a goroutine.
     *
     * @return the runtime, or empty when called from any other thread
     */
    public static Optional<GoRuntime> current() {
        return Optional.ofNullable(currentOrNull());
    }

    static GoRuntime currentOrNull() {
        GoRuntime[] carried = CARRIED;
        if (carried.length != 0 && Thread.currentThread().isVirtual()
                && JdkAccess.currentCarrierThread() instanceof Carrier c) {
            Scheduler s = c.scheduler();
            for (GoRuntime rt : carried) {
                if (rt.scheduler == s) {
                    return rt;
                }
            }
        }
        return CURRENT.isBound() ? CURRENT.get() : null;
    }

    /**
     * Runtimes whose scheduler {@linkplain Scheduler#runsOnCarriers() runs every goroutine on its
     * carriers}: their goroutines are found through the carrier, not a per-goroutine binding.
     * Copy-on-write; a few entries (one per such runtime not yet terminated).
     */
    private static volatile GoRuntime[] CARRIED = new GoRuntime[0];

    private static synchronized void carried(GoRuntime rt, boolean add) {
        List<GoRuntime> l = new ArrayList<>(List.of(CARRIED));
        if (add) {
            l.add(rt);
        } else {
            l.remove(rt);
        }
        CARRIED = l.toArray(new GoRuntime[0]);
    }


    /** {@return the names of the scheduler providers found on the module path, sorted} */
    public static List<String> availableSchedulers() {
        return RuntimeConfig.providers(null).keySet().stream().sorted().toList();
    }

    /**
     * The names of the scheduler providers found in {@code layer} and its parents (see
     * {@link Builder#moduleLayer(ModuleLayer)}), sorted.
     *
     * @param layer a module layer the program made, for example for plug-ins
     * @return the names
     */
    public static List<String> availableSchedulers(ModuleLayer layer) {
        return RuntimeConfig.providers(Objects.requireNonNull(layer, "layer")).keySet().stream().sorted().toList();
    }

    // ---------------------------------------------------------------- goroutines

    /**
     * Starts a goroutine (Go's {@code go} statement). Called from a goroutine of this runtime
     * on the {@code gmp} scheduler, the new goroutine goes to the caller's processor's
     * {@code runnext} slot, as in Go: it runs when the caller blocks or yields, or is stolen
     * by an idle processor.
     *
     * @param task what the goroutine runs; an exception it throws goes to the thread's
     *             uncaught-exception handler
     * @return the goroutine's thread, already started
     * @throws RejectedExecutionException if the runtime is closed
     */
    public Thread go(Runnable task) {
        Objects.requireNonNull(task, "task");
        PreemptPoints.check();
        if (closed) {
            throw rejected();
        }
        Body body = new Body(this, task);
        Thread t = newGoroutineThread(body);
        // Registered before the second closed check: close() sees either this or us its flag.
        body.slot = goroutines.add(t);
        if (closed) {
            notStarted(t, body.slot);
            throw rejected();
        }
        try {
            t.start();
        } catch (RuntimeException | Error e) {
            notStarted(t, body.slot);
            throw e;
        }
        return t;
    }

    /**
     * What a goroutine started by {@link #go} runs: the task, then its removal from the
     * registry. One object per goroutine, holding its registry slot.
     */
    private static final class Body implements Runnable {
        private final GoRuntime rt;
        private final Runnable task;
        /** Written before the thread starts. */
        int slot;

        Body(GoRuntime rt, Runnable task) {
            this.rt = rt;
            this.task = task;
        }

        @Override
        public void run() {
            rt.runCounted(task, slot);
        }
    }

    private Thread newGoroutineThread(Runnable body) {
        Thread t = scheduler.newThread(body);
        if (goroutineNames) {
            // As logs, jcmd and JFR show it; Go's "goroutine N". Not '+': the JDK links each '+'
            // site at its first run (~2 ms for the first of a JVM), here on the first go().
            t.setName("goroutine-".concat(Long.toString(t.threadId())));
        }
        if (uncaughtExceptionHandler != null) {
            t.setUncaughtExceptionHandler(uncaughtExceptionHandler);
        }
        return t;
    }

    /** Body of a goroutine started by {@link #go}: already registered in {@code slot}. */
    private void runCounted(Runnable task, int slot) {
        try {
            if (carrierKnowsRuntime) {
                task.run();
            } else {
                ScopedValue.where(CURRENT, this).run(task);
            }
        } finally {
            goroutineEnded(Thread.currentThread(), slot);
        }
    }

    /** Body of a goroutine made by {@link #threadFactory()}: registered when it starts. */
    private void runUncounted(Runnable task) {
        Thread self = Thread.currentThread();
        runCounted(task, goroutines.add(self));
    }

    /** Unregisters an ended goroutine; wakes close() once none is left. */
    private void goroutineEnded(Thread t, int slot) {
        goroutines.remove(t, slot);
        wakeCloser();
    }

    /** Takes back the registration of a goroutine {@link #go} did not start (not counted at all). */
    private void notStarted(Thread t, int slot) {
        goroutines.unregister(t, slot);
        wakeCloser();
    }

    /**
     * Wakes close() when this ending was the last. The counts are volatile: of two goroutines
     * ending at once, the one that reads second sees both endings (see GoroutineRegistry).
     */
    private void wakeCloser() {
        if (closed && goroutines.liveApprox() == 0) { // after the removal: see GoroutineRegistry
            synchronized (closeMonitor) {
                closeMonitor.notifyAll();
            }
        }
    }

    private RejectedExecutionException rejected() {
        return new RejectedExecutionException(this + " is closed: it starts no new goroutines; build a new runtime");
    }

    /**
     * Runs {@code main} in a new goroutine of this runtime and waits for it: Go's {@code main}
     * goroutine. Returns what it returned. If it threw, the same exception is thrown here: an
     * unchecked exception or error as it is (with the goroutine's stack; a suppressed exception
     * shows where {@code run} was called), a checked exception wrapped once in
     * {@link GoroutineException}. The goroutine's own goroutines are not waited for (as in Go,
     * where a program ends when {@code main} returns); {@link #close()} waits for them.
     *
     * <p>If the calling thread is interrupted while it waits, the goroutine is interrupted too
     * (its blocking channel, timer and network operations give up) and the wait goes on until it
     * ends; the caller's interrupt status is set again on return.
     *
     * <pre>{@code
     * try (GoRuntime rt = GoRuntime.builder().maxProcs(4).build()) {
     *     long sum = rt.run(() -> { ... return total; });   // like Go's func main()
     * }
     * }</pre>
     *
     * @param main what the goroutine runs
     * @param <T>  what it returns
     * @return the value {@code main} returned
     * @throws GoroutineException         if {@code main} threw a checked exception (the cause)
     * @throws RejectedExecutionException if the runtime is closed
     * @throws IllegalStateException      if called from a goroutine of this runtime (which would
     *                                    hold a processor while it waits; call {@code main}'s
     *                                    body directly there)
     */
    public <T> T run(Callable<T> main) {
        Objects.requireNonNull(main, "main");
        if (currentOrNull() == this) {
            throw new IllegalStateException("run() called from a goroutine of this runtime: call the body directly, "
                    + "or start it with go() and wait on a channel");
        }
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread g = go(() -> {
            try {
                result[0] = main.call();
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        boolean interrupted = false;
        while (true) {
            try {
                g.join();
                break;
            } catch (InterruptedException e) {
                if (!interrupted) {
                    interrupted = true;
                    g.interrupt();
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure[0]; // join() orders the goroutine's writes before these reads
        if (t == null) {
            @SuppressWarnings("unchecked")
            T value = (T) result[0];
            return value;
        }
        if (t instanceof RuntimeException || t instanceof Error) {
            t.addSuppressed(new Exception("rethrown by GoRuntime.run in thread \"" + Thread.currentThread().getName() + "\""));
            if (t instanceof RuntimeException re) {
                throw re;
            }
            throw (Error) t;
        }
        throw new GoroutineException("the goroutine run by GoRuntime.run threw " + t, t);
    }

    /**
     * Runs {@code main} in a new goroutine of this runtime and waits for it; see
     * {@link #run(Callable)}.
     *
     * @param main what the goroutine runs
     * @throws RejectedExecutionException if the runtime is closed
     * @throws IllegalStateException      if called from a goroutine of this runtime
     */
    public void run(Runnable main) {
        Objects.requireNonNull(main, "main");
        run(() -> {
            main.run();
            return null;
        });
    }

    /**
     * A factory of goroutine threads (unstarted) on this runtime, for APIs that take a
     * {@link ThreadFactory}. A thread counts as a goroutine from the moment it starts.
     *
     * @return the factory; it throws {@link RejectedExecutionException} once the runtime is closed
     */
    public ThreadFactory threadFactory() {
        return task -> {
            Objects.requireNonNull(task, "task");
            if (closed) {
                throw rejected();
            }
            return newGoroutineThread(() -> runUncounted(task));
        };
    }

    /**
     * An executor service that runs each task in a new goroutine of this runtime. Shutting it
     * down does not close the runtime.
     *
     * @return a new thread-per-task executor service on {@link #threadFactory()}
     */
    public ExecutorService asExecutorService() {
        return Executors.newThreadPerTaskExecutor(threadFactory());
    }

    // ---------------------------------------------------------------- introspection

    /** {@return the scheduler provider name: {@code gmp}, {@code fifo}, {@code jdk} or a custom one} */
    public String schedulerName() {
        return schedulerName;
    }

    /** {@return the number of processors (Go's {@code GOMAXPROCS})} */
    public int maxProcs() {
        return maxProcs;
    }

    /** {@return the number of goroutines alive now (Go's {@code runtime.NumGoroutine})} */
    public int numGoroutine() {
        return (int) Math.min(Integer.MAX_VALUE, goroutines.liveApprox());
    }

    /** {@return a snapshot of the scheduler's and the goroutines' counters} */
    public RuntimeStats stats() {
        long[] counts = goroutines.count();
        return RuntimeStats.of(scheduler.stats(), counts[0] - counts[1], counts[0], counts[1], monitorHost.ticks(),
                monitorHost.errors(), monitorDead());
    }

    /** {@return the time since this runtime was built, in milliseconds (the schedtrace clock)} */
    public long uptimeMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** {@return Go's schedtrace line for this runtime, now} */
    public String schedtrace() {
        return stats().schedtrace(uptimeMillis());
    }

    /**
     * Go's {@code schedtrace} with {@code scheddetail=1}: the {@code SCHED} line extended with
     * Go's detail fields, then one line per processor, machine and goroutine, for example
     * {@code   P0: status=1 schedtick=12 syscalltick=0 m=3 runqsize=0 gfreecnt=0 timerslen=0},
     * {@code   M3: p=0 curg=41 mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=false
     * blocked=false lockedg=nil} and {@code   G41: status=4(chan receive) m=nil lockedm=nil}.
     * Goroutine status numbers are Go's: 1 runnable, 2 running, 3 syscall, 4 waiting.
     *
     * @return the lines, separated by {@code '\n'}, without a final terminator
     */
    public String schedtraceDetail() {
        return Diagnostics.schedtraceDetail(stats(), uptimeMillis(), goroutines.snapshot());
    }

    /**
     * The system monitor's provider name ({@code sysmon} for gmp4j's), or empty when no
     * {@link MonitorProvider} is on the module path or the builder turned it off.
     *
     * @return the provider's name, or empty
     */
    public Optional<String> monitorName() {
        return Optional.ofNullable(monitorName);
    }

    /**
     * Whether the system monitor can act on this runtime's scheduler, not only watch it: a
     * monitor runs and the scheduler offers a {@link MonitoredScheduler} view
     * ({@link Scheduler#monitored()}), through which it hands off processors held by goroutines
     * in CPU loops or in {@link Go#syscall} and asks such goroutines to yield. False on the
     * {@code fifo} and {@code jdk} schedulers and on a custom one without that view: there the
     * monitor only prints {@code schedtrace} and reports deadlocks (building such a runtime with
     * a custom scheduler logs this once at INFO).
     *
     * @return true if the monitor can retake processors
     */
    public boolean monitorCanRetake() {
        return monitor != null && scheduler.monitored() != null;
    }

    // ---------------------------------------------------------------- monitor target and dumps

    /** Whether this runtime's system monitor has ended although the runtime is open. */
    private boolean monitorDead() {
        return monitor != null && !closed && !monitor.isRunning();
    }

    /**
     * Writes every live goroutine in Go's traceback style: {@code goroutine <id> [<state>,
     * <how long>]:} followed by its stack, one frame per line, and a blank line.
     *
     * <p>How long: a sleep records when it began. Channel and select waits do not read the
     * clock when they block (it would cost a quarter of an unbuffered hand-off); as Go does
     * with {@code waitsince}, their start is stamped when they are first seen blocked — the
     * first dump shows {@code first seen now}, later dumps the time since then, a lower bound.
     * A goroutine parked on the network poller shows what it waits for:
     * {@code goroutine 7 [IO wait (read tcp 127.0.0.1:80->127.0.0.1:5555), 3ms]:}.
     *
     * @param out where to write
     * @throws UncheckedIOException if writing fails
     */
    public void dumpGoroutines(Appendable out) {
        try {
            noteMonitorDead(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Traceback.dump(goroutines, out);
    }

    /** A dump's first line when the system monitor has died: nothing it did is happening. */
    private void noteMonitorDead(Appendable out) throws IOException {
        if (monitorDead()) {
            Diagnostics.noteMonitorDead(out, monitorName);
        }
    }

    /**
     * Writes a dump whose size does not grow with the number of goroutines, the one the deadlock
     * report uses: the {@value Traceback#FULL} goroutines with the lowest ids in full, as
     * {@link #dumpGoroutines} shows them, then, if there are more, every goroutine counted by
     * wait reason and stack, as Go's goroutine profile ({@code debug=1}) does:
     *
     * <pre>
     * ... 999990 more goroutines, not shown one by one
     *
     * goroutine profile: total 1000000
     * 1000000 goroutines [chan receive], stacks read from 10000 of them:
     * 10000 @
     * 	java.base/java.lang.VirtualThread.park(VirtualThread.java:742)
     * 	...
     * </pre>
     *
     * <p>The counts by wait reason are exact. Reading a parked goroutine's stack costs
     * microseconds, so stacks are read from a sample of about {@value Traceback#STACK_SAMPLES}
     * goroutines (at least {@value Traceback#MIN_SAMPLES} per wait reason); a reason whose
     * goroutines were not all read says {@code stacks read from N of them}, and its
     * {@code N @} lines count that sample. At most {@value Traceback#MAX_GROUPS} stacks of
     * {@value Traceback#MAX_FRAMES} frames are printed. A million parked goroutines take a
     * fraction of a second; {@link #dumpGoroutines} takes minutes.
     *
     * @param out where to write
     * @throws UncheckedIOException if writing fails
     */
    public void dumpGoroutineProfile(Appendable out) {
        try {
            noteMonitorDead(out);
            Traceback.writeBounded(Traceback.census(goroutines, false), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- close

    /**
     * Closes the runtime: refuses new goroutines ({@link RejectedExecutionException}), waits
     * for every running goroutine to finish, then stops the scheduler's threads and waits
     * until none is left. Idempotent. An interrupt while waiting is remembered and re-asserted
     * on return; the wait goes on, as with {@link ExecutorService#close()}. It waits for
     * <em>every</em> goroutine, including one blocked for ever (a receive nobody will answer):
     * then it never returns. Use {@link #close(Duration)} for a bounded wait, and
     * {@link #shutdownNow()} to interrupt the goroutines first.
     *
     * @throws IllegalStateException if called from one of this runtime's own goroutines,
     *                               which would wait for itself
     */
    @Override
    public void close() {
        closeWithin(Long.MAX_VALUE);
    }

    /**
     * Closes the runtime as {@link #close()} does, but waits at most {@code timeout}: refuses new
     * goroutines at once, waits for the running ones, then stops the scheduler's threads. Returns
     * whether all of that finished in time. If not, the runtime stays closed to new goroutines
     * and its goroutines keep running; call this again, {@link #close()}, or first
     * {@link #shutdownNow()} to interrupt them. An interrupt while waiting is remembered and
     * re-asserted on return.
     *
     * @param timeout the longest wait; zero or negative means no wait (only a check)
     * @return true if every goroutine had ended and the runtime's threads have stopped
     * @throws IllegalStateException if called from one of this runtime's own goroutines
     */
    public boolean close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long nanos = io.gmp4j.runtime.internal.RuntimeTimer.saturatedNanos(timeout);
        return closeWithin(Math.max(0, nanos));
    }

    /**
     * Refuses new goroutines (as {@link #close()} does) and interrupts every goroutine of this
     * runtime, then returns at once, without waiting. An interrupted goroutine blocked in a
     * channel operation or {@link Select} gives up with {@link GoInterruptedException}, one in
     * {@link Go#sleep} returns early, a network read or write fails with
     * {@link java.io.InterruptedIOException}, and blocking JDK calls throw
     * {@link InterruptedException}; a goroutine that ignores its interrupt keeps running. Follow
     * with {@link #close(Duration)} to wait for them and stop the runtime's threads. Any thread
     * may call it, a goroutine of this runtime included (which interrupts itself too).
     *
     * @return how many goroutines were interrupted
     */
    public int shutdownNow() {
        synchronized (closeMonitor) {
            markClosed();
            closeMonitor.notifyAll();
        }
        int n = 0;
        for (Thread t : goroutines.snapshot()) {
            if (t.isAlive()) {
                t.interrupt();
                n++;
            }
        }
        return n;
    }

    /** close() with a bound in nanoseconds (Long.MAX_VALUE: none); true when fully terminated. */
    private boolean closeWithin(long nanos) {
        if (currentOrNull() == this) {
            throw new IllegalStateException("close() called from a goroutine of this runtime would wait for "
                    + "itself: close the runtime from a thread outside it");
        }
        boolean forever = nanos == Long.MAX_VALUE;
        long deadline = forever ? 0 : System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 4);
        boolean interrupted = false;
        try {
            synchronized (closeMonitor) {
                markClosed();
                while (goroutines.live() > 0) {
                    long left = forever ? 0 : deadline - System.nanoTime();
                    if (!forever && left <= 0) {
                        return false;
                    }
                    try {
                        if (forever) {
                            closeMonitor.wait();
                        } else {
                            TimeUnit.NANOSECONDS.timedWait(closeMonitor, left);
                        }
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            // Stop the threads without closeMonitor held (see terminateLock).
            synchronized (terminateLock) {
                if (!terminated) {
                    if (!shutdownCalled) {
                        // Once, even when a close(Duration) times out below and a later close
                        // finishes the job: the Scheduler contract says shutdown is called once.
                        shutdownCalled = true;
                        if (monitor != null) {
                            monitor.stop();
                        }
                        TimerService tt = threadTimers;
                        if (tt != null) {
                            tt.shutdown();
                        }
                        scheduler.shutdown();
                    }
                    while (true) {
                        long left = forever ? TimeUnit.SECONDS.toNanos(60) : deadline - System.nanoTime();
                        if (!forever && left <= 0) {
                            return false; // machines still stopping: a later close finishes the job
                        }
                        try {
                            if (scheduler.awaitTermination(Duration.ofNanos(left))) {
                                break;
                            }
                        } catch (InterruptedException e) {
                            interrupted = true;
                        }
                    }
                    interrupted |= pollerHost.stop();
                    terminated = true;
                    if (carrierKnowsRuntime) {
                        carried(this, false);
                    }
                }
                return true;
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---------------------------------------------------------------- network poller

    /**
     * This runtime's network poller (Go's {@code netpoll}), created on the first call from the
     * {@link PollerProvider} on the module path (gmp4j's {@code io.gmp4j.netpoll} module). The
     * {@code gmp} scheduler drives it from its own loop (a non-blocking poll before stealing,
     * one idle machine blocked in it until the next timer, the system monitor's 10 ms check);
     * with other schedulers a thread of the runtime serves it. Meant for the netpoll module;
     * applications use {@code io.gmp4j.netpoll.Net}.
     *
     * @return the poller
     * @throws IllegalStateException if no {@link PollerProvider} is on the module path, or the
     *                               runtime is closed
     */
    public Poller poller() {
        Poller np = pollerHost.poller();
        if (np != null) {
            return np;
        }
        synchronized (closeMonitor) {
            np = pollerHost.poller();
            if (np != null) {
                return np;
            }
            if (closed) {
                throw new IllegalStateException(this + " is closed: it has no network poller; build a new runtime");
            }
            return pollerHost.create();
        }
    }

    /** {@return the network poller if one was created, else empty (diagnostics)} */
    public Optional<Poller> pollerIfCreated() {
        return Optional.ofNullable(pollerHost.poller());
    }

    /** {@return this runtime's name, {@code gmp4j-N}, as its threads and diagnostics show it} */
    String name() {
        return name;
    }

    /** {@return whether {@link #close()} has begun} */
    public boolean isClosed() {
        return closed;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    /** Where this runtime's timers live (per processor on gmp; a timer thread otherwise). */
    TimerService timers() {
        if (perProcessorTimers != null) {
            return perProcessorTimers;
        }
        TimerService t = threadTimers;
        if (t == null) {
            synchronized (closeMonitor) {
                t = threadTimers;
                if (t == null) {
                    t = new ThreadTimers("gmp4j-timers-" + schedulerName);
                    threadTimers = t;
                }
            }
        }
        return t;
    }

    /** Whether sleeping goroutines use the runtime's own per-processor timers (gmp). */
    boolean hasProcessorTimers() {
        return perProcessorTimers != null;
    }

    /** Timers pending in this runtime's heaps (tests). */
    int pendingTimers() {
        TimerService t = perProcessorTimers != null ? perProcessorTimers : threadTimers;
        return t == null ? 0 : t.pending();
    }

    @Override
    public String toString() {
        return "GoRuntime(" + name + ", " + schedulerName + ", maxProcs=" + maxProcs + (closed ? ", closed" : "") + ")";
    }

    // ---------------------------------------------------------------- configuration

    /** Builds a {@link GoRuntime}. */
    public static final class Builder {
        private int maxProcs;
        private boolean goroutineNames = true;
        /** Null: {@code -Dgmp4j.scheduler}, else {@code gmp}. */
        private String scheduler;
        private SchedulerProvider schedulerProvider;
        /** Null: the boot layer and class path (gmp4j's class loader). */
        private ModuleLayer layer;
        private Thread.UncaughtExceptionHandler uncaughtExceptionHandler;
        private int maxMachines;
        private Boolean monitor;
        private long schedtraceMillis = -1;
        private Boolean scheddetail;
        private Consumer<? super String> traceOutput;
        private DeadlockHandler deadlockHandler;
        private Predicate<? super Thread> deadlockWakers;

        private Builder() {}

        /**
         * Sets the most machine (platform) threads the scheduler may create, counting those
         * blocked in syscalls (Go's {@code debug.SetMaxThreads}); default 10,000 or
         * {@code -Dgmp4j.maxthreads}. At the cap a processor that would be handed off waits
         * for a machine to come free instead (Go would abort the program).
         *
         * @param maxMachines at least 1, and at least the number of processors
         * @return this builder
         * @throws IllegalArgumentException if {@code maxMachines < 1}
         */
        public Builder maxMachines(int maxMachines) {
            if (maxMachines < 1) {
                throw new IllegalArgumentException("maxMachines: " + maxMachines + " (expected: >= 1)");
            }
            this.maxMachines = maxMachines;
            return this;
        }

        /**
         * Turns the system monitor on or off; default on when a {@link MonitorProvider} (the
         * {@code io.gmp4j.sysmon} module) is on the module path, unless {@code -Dgmp4j.sysmon=false}.
         *
         * @param enabled whether to start the monitor
         * @return this builder
         */
        public Builder monitor(boolean enabled) {
            this.monitor = enabled;
            return this;
        }

        /**
         * Prints Go's {@code schedtrace} line every {@code period} (Go's
         * {@code GODEBUG=schedtrace=MS}; also {@code -Dgmp4j.schedtrace=MS}). Needs the system
         * monitor. {@link Duration#ZERO} turns it off.
         *
         * @param period how often, at least 1 ms, or zero; periods beyond about 292 years count
         *               as 292 years (practically never)
         * @return this builder
         * @throws IllegalArgumentException if negative or between 0 and 1 ms
         */
        public Builder schedtrace(Duration period) {
            Objects.requireNonNull(period, "period");
            if (period.isNegative() || (!period.isZero() && period.compareTo(Duration.ofMillis(1)) < 0)) {
                throw new IllegalArgumentException("schedtrace: " + period + " (expected: zero, or at least 1 ms)");
            }
            // A huge period means "practically never" (toMillis would throw beyond Long.MAX_VALUE ms).
            this.schedtraceMillis = period.compareTo(Duration.ofMillis(MAX_SCHEDTRACE_MILLIS)) >= 0
                    ? MAX_SCHEDTRACE_MILLIS : period.toMillis();
            return this;
        }

        /**
         * Adds Go's {@code scheddetail=1} lines (per processor, machine and goroutine) to every
         * schedtrace (also {@code -Dgmp4j.scheddetail=true}).
         *
         * @param detail whether to print the detail lines
         * @return this builder
         */
        public Builder scheddetail(boolean detail) {
            this.scheddetail = detail;
            return this;
        }

        /**
         * Where schedtrace blocks go; default standard error, as Go's.
         *
         * @param output receives each block (one or more lines, no final terminator)
         * @return this builder
         */
        public Builder traceOutput(Consumer<? super String> output) {
            this.traceOutput = Objects.requireNonNull(output, "output");
            return this;
        }

        /**
         * Sets what happens when the system monitor finds the runtime deadlocked; default
         * {@link DeadlockHandler#PRINT}, or {@code -Dgmp4j.deadlock=print|exit|off}.
         *
         * @param handler the handler; {@link DeadlockHandler#OFF} disables the check
         * @return this builder
         */
        public Builder deadlockHandler(DeadlockHandler handler) {
            this.deadlockHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Sets which platform threads keep the deadlock report from firing: while a live
         * platform thread for which {@code mayWake} is true exists, goroutines that are all
         * asleep are not reported, because that thread may still wake one. The default,
         * {@link DeadlockHandler#mayWakeGoroutines}, counts every non-daemon platform thread
         * that runs Java code or waits with a timeout. {@code t -> false} gives Go's rule, in
         * which only goroutines, timers and the network can wake a goroutine (a program whose
         * platform threads never do, or a test harness whose own threads wait with timeouts);
         * a program whose wakers run on daemon threads can count them here.
         *
         * <p>The predicate runs on the system monitor's thread, only when every goroutine has
         * seemed asleep for 200 ms, with each live platform thread except the monitor's own
         * (the runtime's machine, timer and poller threads are daemon threads); it must be
         * quick and must not block. A predicate that throws counts the thread as a waker.
         *
         * @param mayWake whether a platform thread may still wake a goroutine
         * @return this builder
         */
        public Builder deadlockWakers(Predicate<? super Thread> mayWake) {
            this.deadlockWakers = Objects.requireNonNull(mayWake, "mayWake");
            return this;
        }

        /**
         * Sets the number of processors (Go's {@code GOMAXPROCS}); the default comes from
         * {@code -Dgmp4j.maxprocs}, {@code GOMAXPROCS} or the available processors.
         *
         * @param maxProcs at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code maxProcs < 1}
         */
        public Builder maxProcs(int maxProcs) {
            if (maxProcs < 1) {
                throw new IllegalArgumentException("maxProcs: " + maxProcs + " (expected: >= 1)");
            }
            this.maxProcs = maxProcs;
            return this;
        }

        /**
         * Selects the scheduler provider by name: {@code gmp}, {@code fifo}, {@code jdk}, or a
         * custom {@link SchedulerProvider} on the module path. Without this call the builder
         * takes {@code -Dgmp4j.scheduler}, else {@code gmp} (as for every other setting: the
         * builder's call, else the system property, else the default).
         *
         * @param providerName the provider's name
         * @return this builder
         */
        public Builder scheduler(String providerName) {
            this.scheduler = Objects.requireNonNull(providerName, "providerName");
            this.schedulerProvider = null;
            return this;
        }

        /**
         * Uses {@code provider} itself, found by no lookup: a provider that is not registered
         * as a service (a test's, one built with settings, one on the class path without
         * {@code META-INF/services}). Replaces an earlier {@link #scheduler(String)}.
         *
         * @param provider the provider; its {@code create} is called once by {@link #build()}
         * @return this builder
         */
        public Builder scheduler(SchedulerProvider provider) {
            this.schedulerProvider = Objects.requireNonNull(provider, "provider");
            this.scheduler = null;
            return this;
        }

        /**
         * Looks for providers — the scheduler named by {@link #scheduler(String)} or
         * {@code -Dgmp4j.scheduler}, the system monitor, the network poller — in {@code layer}
         * and its parents instead of on gmp4j's own class loader: for a program that loads plug-ins
         * into a child {@link ModuleLayer} of its own ({@link ModuleLayer#defineModulesWithOneLoader}
         * and the like), where a {@link java.util.ServiceLoader} over gmp4j's loader cannot see
         * them. {@link GoRuntime#availableSchedulers(ModuleLayer)} lists what it finds there.
         *
         * @param layer the layer to search, with its parents
         * @return this builder
         */
        public Builder moduleLayer(ModuleLayer layer) {
            this.layer = Objects.requireNonNull(layer, "layer");
            return this;
        }

        /**
         * Sets the handler for exceptions that escape goroutines; by default the JDK's
         * (the thread group's, which prints the stack trace).
         *
         * @param handler the handler
         * @return this builder
         */
        public Builder uncaughtExceptionHandler(Thread.UncaughtExceptionHandler handler) {
            this.uncaughtExceptionHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Whether goroutine threads get Go-style names, {@code goroutine-<thread id>}, so that
         * logs ({@code Exception in thread "goroutine-42"}), {@code jcmd Thread.dump_to_file} and
         * JFR show them; default true. A name costs about 50 bytes per live goroutine: turn it
         * off for programs that park millions of goroutines and never look at names.
         *
         * @param named false for unnamed goroutine threads
         * @return this builder
         */
        public Builder goroutineNames(boolean named) {
            this.goroutineNames = named;
            return this;
        }

        /**
         * Builds and starts the runtime.
         *
         * @return the runtime
         * @throws IllegalArgumentException if the scheduler name is unknown (the message lists the known ones)
         * @throws IllegalStateException    if a required JVM flag is missing (the message names it)
         */
        public GoRuntime build() {
            GoRuntime rt = new GoRuntime(this);
            registerOpen(rt);
            return rt;
        }
    }
}
