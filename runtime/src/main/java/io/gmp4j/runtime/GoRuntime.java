package io.gmp4j.runtime;

import io.gmp4j.runtime.internal.JdkPoller;
import io.gmp4j.runtime.internal.GmpScheduler;
import io.gmp4j.runtime.internal.ThreadTimers;
import io.gmp4j.runtime.internal.TimerService;
import io.gmp4j.runtime.internal.WaitReason;
import io.gmp4j.runtime.spi.Scheduler;
import io.gmp4j.runtime.spi.SchedulerConfig;
import io.gmp4j.runtime.spi.SchedulerProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

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
 * <p>Needs the JVM flag {@code --add-opens java.base/java.lang=io.gmp4j.runtime}; without it,
 * building a runtime on the {@code gmp} or {@code fifo} scheduler throws an
 * {@link IllegalStateException} that names the flag.
 */
public final class GoRuntime implements AutoCloseable {
    private static final ScopedValue<GoRuntime> CURRENT = ScopedValue.newInstance();
    private static final Object DEFAULT_LOCK = new Object();
    private static volatile GoRuntime defaultRuntime;

    private final String schedulerName;
    private final int maxProcs;
    private final Scheduler scheduler;
    private final Thread.UncaughtExceptionHandler uncaughtExceptionHandler;
    /**
     * Whether goroutines find this runtime through their machine (gmp) rather than a
     * {@link ScopedValue} binding: saves the binding's two objects per goroutine.
     */
    private final boolean carrierKnowsRuntime;
    private final long startNanos = System.nanoTime();

    private final AtomicLong live = new AtomicLong();
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong exited = new AtomicLong();
    /** Live goroutine threads, for dumps. Added before start, removed when the body ends. */
    private final Set<Thread> goroutines = ConcurrentHashMap.newKeySet();
    private final Object closeMonitor = new Object();
    /** Timers: the gmp scheduler's per-processor heaps, else a timer thread made on first use. */
    private final TimerService perProcessorTimers;
    private volatile TimerService threadTimers;
    private volatile boolean closed;
    private volatile boolean terminated;

    private GoRuntime(Builder b) {
        this.maxProcs = b.maxProcs > 0 ? b.maxProcs : defaultMaxProcs();
        SchedulerProvider provider = provider(b.scheduler);
        this.schedulerName = provider.name();
        JdkPoller.ensureInitialised();
        this.scheduler = Objects.requireNonNull(provider.create(new SchedulerConfig(maxProcs)),
                () -> "scheduler provider '" + schedulerName + "' returned no scheduler");
        this.uncaughtExceptionHandler = b.uncaughtExceptionHandler;
        if (scheduler instanceof GmpScheduler gmp) {
            gmp.setOwner(this);
            carrierKnowsRuntime = true;
            perProcessorTimers = gmp.timers();
        } else {
            carrierKnowsRuntime = false;
            perProcessorTimers = null;
        }
    }

    /** Starts building a runtime. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The JVM-wide runtime used by {@link Go} outside goroutines, built on first use from the
     * system properties (see the class description). If it was closed, a new one is built.
     */
    public static GoRuntime defaultRuntime() {
        GoRuntime rt = defaultRuntime;
        if (rt != null && !rt.closed) {
            return rt;
        }
        synchronized (DEFAULT_LOCK) {
            rt = defaultRuntime;
            if (rt == null || rt.closed) {
                rt = builder().scheduler(System.getProperty("gmp4j.scheduler", "gmp")).build();
                defaultRuntime = rt;
            }
            return rt;
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
        if (GmpScheduler.currentOwner() instanceof GoRuntime rt) {
            return rt;
        }
        return CURRENT.isBound() ? CURRENT.get() : null;
    }

    static GoRuntime currentOrDefault() {
        GoRuntime rt = currentOrNull();
        return rt != null ? rt : defaultRuntime();
    }

    /** The names of the scheduler providers found on the module path, sorted. */
    public static List<String> availableSchedulers() {
        return providers().keySet().stream().sorted().toList();
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
        live.incrementAndGet(); // before the closed check: close() sees either this or us its flag
        if (closed) {
            goroutineEnded();
            throw rejected();
        }
        Thread t;
        try {
            t = newGoroutineThread(() -> runCounted(task));
            goroutines.add(t);
            created.incrementAndGet();
            t.start();
        } catch (RuntimeException | Error e) {
            goroutineEnded();
            throw e;
        }
        return t;
    }

    private Thread newGoroutineThread(Runnable body) {
        Thread t = scheduler.newThread(body);
        if (uncaughtExceptionHandler != null) {
            t.setUncaughtExceptionHandler(uncaughtExceptionHandler);
        }
        return t;
    }

    /** Body of a goroutine started by {@link #go}: already counted. */
    private void runCounted(Runnable task) {
        try {
            if (carrierKnowsRuntime) {
                task.run();
            } else {
                ScopedValue.where(CURRENT, this).run(task);
            }
        } finally {
            goroutines.remove(Thread.currentThread());
            exited.incrementAndGet();
            goroutineEnded();
        }
    }

    /** Body of a goroutine made by {@link #threadFactory()}: counted when it starts. */
    private void runUncounted(Runnable task) {
        live.incrementAndGet();
        goroutines.add(Thread.currentThread());
        created.incrementAndGet();
        runCounted(task);
    }

    private void goroutineEnded() {
        if (live.decrementAndGet() == 0 && closed) {
            synchronized (closeMonitor) {
                closeMonitor.notifyAll();
            }
        }
    }

    private RejectedExecutionException rejected() {
        return new RejectedExecutionException("GoRuntime(" + schedulerName + ", maxProcs=" + maxProcs
                + ") is closed: it starts no new goroutines; build a new runtime");
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

    /** The scheduler provider name: {@code gmp}, {@code fifo}, {@code jdk} or a custom one. */
    public String schedulerName() {
        return schedulerName;
    }

    /** Number of processors (Go's {@code GOMAXPROCS}). */
    public int maxProcs() {
        return maxProcs;
    }

    /** Goroutines alive now (Go's {@code runtime.NumGoroutine}). */
    public int numGoroutine() {
        return (int) Math.min(Integer.MAX_VALUE, live.get());
    }

    /** A snapshot of the scheduler's and the goroutines' counters. */
    public RuntimeStats stats() {
        return RuntimeStats.of(scheduler.stats(), live.get(), created.get(), exited.get());
    }

    /** Milliseconds since this runtime was built (the schedtrace clock). */
    public long uptimeMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Go's schedtrace line for this runtime, now. */
    public String schedtrace() {
        return stats().schedtrace(uptimeMillis());
    }

    /**
     * Writes every live goroutine in Go's traceback style: {@code goroutine <id> [<state>,
     * <how long>]:} followed by its stack, one frame per line, and a blank line.
     *
     * <p>How long: a sleep records when it began. Channel and select waits do not read the
     * clock when they block (it would cost a quarter of an unbuffered hand-off); as Go does
     * with {@code waitsince}, their start is stamped when they are first seen blocked — the
     * first dump shows {@code first seen now}, later dumps the time since then, a lower bound.
     *
     * @param out where to write
     * @throws UncheckedIOException if writing fails
     */
    public void dumpGoroutines(Appendable out) {
        List<Thread> threads = new ArrayList<>(goroutines);
        threads.sort(Comparator.comparingLong(Thread::threadId));
        try {
            for (Thread t : threads) {
                StackTraceElement[] stack = t.getStackTrace();
                Thread.State state = t.getState();
                if (state == Thread.State.TERMINATED) {
                    continue;
                }
                out.append("goroutine ").append(Long.toString(t.threadId())).append(" [")
                        .append(describe(t, state)).append("]:\n");
                for (StackTraceElement e : stack) {
                    out.append("\t").append(e.toString()).append('\n');
                }
                out.append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String describe(Thread t, Thread.State state) {
        Object blocker = LockSupport.getBlocker(t);
        if (blocker instanceof WaitReason w) {
            long now = System.nanoTime();
            if (w.stampIfUnset(now)) {
                return w.reason() + ", first seen now"; // start not recorded: see WaitReason
            }
            return w.reason() + ", " + waited(now - w.since());
        }
        return switch (state) {
            case NEW, RUNNABLE -> "runnable";
            case BLOCKED -> "monitor enter";
            case WAITING, TIMED_WAITING -> blocker != null
                    ? "waiting on " + blocker.getClass().getSimpleName()
                    : (state == Thread.State.WAITING ? "waiting" : "timed waiting");
            case TERMINATED -> "dead";
        };
    }

    private static String waited(long nanos) {
        long ms = nanos / 1_000_000;
        if (ms >= 60_000) {
            return (ms / 60_000) + " minutes";
        }
        return ms + "ms";
    }

    // ---------------------------------------------------------------- close

    /**
     * Closes the runtime: refuses new goroutines ({@link RejectedExecutionException}), waits
     * for every running goroutine to finish, then stops the scheduler's threads and waits
     * until none is left. Idempotent. An interrupt while waiting is remembered and re-asserted
     * on return; the wait goes on, as with {@link ExecutorService#close()}.
     *
     * @throws IllegalStateException if called from one of this runtime's own goroutines,
     *                               which would wait for itself
     */
    @Override
    public void close() {
        if (currentOrNull() == this) {
            throw new IllegalStateException("close() called from a goroutine of this runtime would wait for "
                    + "itself: close the runtime from a thread outside it");
        }
        boolean interrupted = false;
        synchronized (closeMonitor) {
            closed = true;
            while (live.get() > 0) {
                try {
                    closeMonitor.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (!terminated) {
                TimerService tt = threadTimers;
                if (tt != null) {
                    tt.shutdown();
                }
                scheduler.shutdown();
                while (true) {
                    try {
                        if (scheduler.awaitTermination(Duration.ofSeconds(60))) {
                            break;
                        }
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                terminated = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether {@link #close()} has begun. */
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
        return "GoRuntime(" + schedulerName + ", maxProcs=" + maxProcs + (closed ? ", closed" : "") + ")";
    }

    // ---------------------------------------------------------------- configuration

    private static Map<String, SchedulerProvider> providers() {
        Map<String, SchedulerProvider> map = new TreeMap<>();
        for (SchedulerProvider p : ServiceLoader.load(SchedulerProvider.class, GoRuntime.class.getClassLoader())) {
            map.putIfAbsent(p.name(), p);
        }
        return map;
    }

    private static SchedulerProvider provider(String name) {
        Map<String, SchedulerProvider> all = providers();
        SchedulerProvider p = all.get(name);
        if (p == null) {
            throw new IllegalArgumentException("scheduler: '" + name + "' is unknown (expected one of "
                    + all.keySet() + "; a custom one must be a SchedulerProvider on the module path)");
        }
        return p;
    }

    static int defaultMaxProcs() {
        String prop = System.getProperty("gmp4j.maxprocs");
        if (prop != null) {
            return parseProcs(prop, "-Dgmp4j.maxprocs");
        }
        String env = System.getenv("GOMAXPROCS");
        if (env != null && !env.isBlank()) {
            return parseProcs(env, "GOMAXPROCS");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    private static int parseProcs(String value, String source) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(source + ": '" + value + "' (expected: an integer >= 1)");
    }

    /** Builds a {@link GoRuntime}. */
    public static final class Builder {
        private int maxProcs;
        private String scheduler = "gmp";
        private Thread.UncaughtExceptionHandler uncaughtExceptionHandler;

        private Builder() {}

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
         * Selects the scheduler provider by name: {@code gmp} (default), {@code fifo},
         * {@code jdk}, or a custom {@link SchedulerProvider} on the module path.
         *
         * @param providerName the provider's name
         * @return this builder
         */
        public Builder scheduler(String providerName) {
            this.scheduler = Objects.requireNonNull(providerName, "providerName");
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
         * Builds and starts the runtime.
         *
         * @return the runtime
         * @throws IllegalArgumentException if the scheduler name is unknown (the message lists the known ones)
         * @throws IllegalStateException    if a required JVM flag is missing (the message names it)
         */
        public GoRuntime build() {
            return new GoRuntime(this);
        }
    }
}
