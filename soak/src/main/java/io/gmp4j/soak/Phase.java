package io.gmp4j.soak;

import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.runtime.RuntimeStats;
import io.gmp4j.runtime.spi.Poller;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

/**
 * One runtime's share of the soak: builds a {@link GoRuntime} on one scheduler, has a
 * conductor (the calling platform thread) start episodes of every kind for the phase's
 * duration, lets them finish, checks the runtime's books, and closes it with a bounded wait.
 *
 * <h2>Implementation notes</h2>
 * Episodes of each kind follow their own seeded stream (sizes, seeds, the gap before the next
 * one), so a seed fixes what is started and with which parameters; when each starts depends on
 * how fast earlier ones finish, since each kind runs at most {@code cap} at a time. Checks after
 * the drain: every episode ended and verified; {@code numGoroutine()} back to 0 and the
 * runtime's created/exited equal; the soak's started/ended equal; every injected throwable
 * reached the handler; on gmp, {@code RuntimeStats.syscalls()} equals the calls made; no waiter
 * left on the network poller; no deadlock report; the monitor alive and error-free. After
 * {@code close()}: no descriptor and no runtime thread left behind.
 */
final class Phase {
    /** Descriptors that may differ across a phase: none is expected; slack for a jar the JDK opens late. */
    static final int FD_TOLERANCE = 2;
    /**
     * Descriptors a runtime's network poller holds by itself: its selector's epoll descriptor and
     * wake-up eventfd (a pipe pair on some platforms: 3). Anything beyond, counted after every
     * episode ended and before close(), is a socket the poller still holds: a registration leak.
     */
    static final int SELECTOR_FDS = 3;

    final SoakRun run;
    final int index;
    final int count;
    final String scheduler;
    final int procs;
    final long seed;
    final long durationNanos;
    final Counters counters = new Counters();
    final List<Episode> active = new CopyOnWriteArrayList<>();
    final ConcurrentLinkedQueue<Runnable> endChecks = new ConcurrentLinkedQueue<>();
    private final AtomicReferenceArray<Thread> recent = new AtomicReferenceArray<>(256);
    private final AtomicLong recentNext = new AtomicLong();
    final AtomicLong deadlocks = new AtomicLong();
    /** Moves with every episode's progress: the watchdog's "is anything getting done" counter. */
    final java.util.concurrent.atomic.LongAdder progress = new java.util.concurrent.atomic.LongAdder();
    /** The longest an unfinished episode went without progress (ms; watchdog writes, phase line reads). */
    volatile long longestQuietMillis;
    /** How late the latest timer or deadline of this phase was seen (microseconds). */
    final java.util.concurrent.atomic.LongAccumulator latestMicros =
            new java.util.concurrent.atomic.LongAccumulator(Math::max, 0);
    GoRuntime rt;
    volatile boolean closing;
    long startNanos;
    int episodesStarted;
    private String fdsReport = "?";

    Phase(SoakRun run, int index, int count, String scheduler, int procs, long seed, long durationNanos) {
        this.run = run;
        this.index = index;
        this.count = count;
        this.scheduler = scheduler;
        this.procs = procs;
        this.seed = seed;
        this.durationNanos = durationNanos;
    }

    String label() {
        return "phase " + (index + 1) + "/" + count + " (" + scheduler + ", maxProcs=" + procs + ")";
    }

    /** Keeps a goroutine's thread for the inspectors' stack traces (a small ring, overwritten). */
    void remember(Thread t) {
        recent.set((int) (recentNext.getAndIncrement() & (recent.length() - 1)), t);
    }

    /** A goroutine thread started recently (maybe ended since), or null. */
    Thread recent(RandomGenerator r) {
        return recent.get(r.nextInt(recent.length()));
    }

    /** A kind of episode: at most {@code cap} at once, the next one {@code minGap..maxGap} ms after the last start. */
    private record Kind(String name, int cap, int minGapMs, int maxGapMs, Factory factory) {
    }

    @FunctionalInterface
    private interface Factory {
        Episode create(Phase phase, int number, long seed);
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("burst", 1, 200, 2500, SpawnBurst::new),
            new Kind("hogs", 1, 100, 800, CpuHogs::new),
            new Kind("syscalls", 2, 0, 400, SyscallStorm::new),
            new Kind("channels", 2, 0, 300, ChannelTraffic::new),
            new Kind("contexts", 1, 0, 500, ContextTree::new),
            new Kind("timers", 1, 0, 500, TimerChurn::new),
            new Kind("net", 2, 0, 400, NetTraffic::new),
            new Kind("throwers", 1, 100, 1500, Throwers::new),
            new Kind("inspect", 1, 300, 2000, Inspect::new),
            new Kind("patterns", 1, 100, 1000, PatternsMix::new));

    /** The names of the episode kinds, in plan order. */
    static final List<String> KIND_NAMES = KINDS.stream().map(Kind::name).toList();

    /** Runs the phase; false if it failed (the reason is recorded in {@link SoakRun}). */
    boolean run() {
        long fdsBefore = Diag.openFds();
        TreeSet<String> threadsBefore = Diag.runtimeThreads();
        run.out.printf("soak: %s for %ds, seed %d%n", label(), TimeUnit.NANOSECONDS.toSeconds(durationNanos), seed);
        rt = GoRuntime.builder()
                .scheduler(scheduler)
                .maxProcs(procs)
                .uncaughtExceptionHandler(this::uncaught)
                .deadlockHandler(this::deadlock)
                .build();
        startNanos = System.nanoTime();
        run.watchdog.watch(this);
        long fdsLive = -1;
        try {
            conduct();
            drain();
            if (!run.failed()) {
                checkBooks();
                fdsLive = Diag.openFds();
            }
        } catch (RuntimeException | Error e) {
            run.unexpected(Thread.currentThread(), e);
        } finally {
            run.watchdog.watch(null);
        }
        if (!closeBounded()) {
            return false;
        }
        if (!run.failed()) {
            checkAfterClose(fdsBefore, fdsLive, threadsBefore);
        }
        run.totals.addAll(counters);
        if (!run.failed()) {
            run.out.printf("soak: %s ok in %d s: %d episodes, %s; latest timer or deadline seen %d ms after it; "
                            + "longest an episode went without progress %d ms; descriptors %s; heap after GC %,d KB%n",
                    label(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos), episodesStarted,
                    summary(), latestMicros.get() / 1000, longestQuietMillis, fdsReport, Diag.heapAfterGc() >> 10);
        }
        return !run.failed();
    }

    /** The conductor: starts episodes until the phase's time is up or something failed. */
    private void conduct() {
        RandomGenerator plan = Diag.rng(seed);
        int k = KINDS.size();
        RandomGenerator[] streams = new RandomGenerator[k];
        long[] nextStart = new long[k];
        int[] numbers = new int[k];
        for (int i = 0; i < k; i++) {
            streams[i] = Diag.rng(plan.nextLong());
            nextStart[i] = startNanos + TimeUnit.MILLISECONDS.toNanos(streams[i].nextInt(KINDS.get(i).maxGapMs() + 1));
        }
        long end = startNanos + durationNanos;
        while (!run.failed()) {
            long now = System.nanoTime();
            if (now - end >= 0) {
                break;
            }
            reap();
            for (int i = 0; i < k; i++) {
                Kind kind = KINDS.get(i);
                if (!run.options.kinds().contains(kind.name())) {
                    continue;
                }
                if (now - nextStart[i] < 0 || running(kind.name()) >= kind.cap()) {
                    continue;
                }
                RandomGenerator s = streams[i];
                Episode e = kind.factory().create(this, ++numbers[i], s.nextLong());
                nextStart[i] = now + TimeUnit.MILLISECONDS.toNanos(
                        kind.minGapMs() + s.nextInt(kind.maxGapMs() - kind.minGapMs() + 1));
                active.add(e);
                episodesStarted++;
                e.start();
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    private int running(String kind) {
        int n = 0;
        for (Episode e : active) {
            if (e.kind.equals(kind)) {
                n++;
            }
        }
        return n;
    }

    /** Verifies and forgets the episodes that have finished. */
    private void reap() {
        for (Episode e : active) {
            if (e.isFinished()) {
                active.remove(e);
                try {
                    e.verify();
                } catch (RuntimeException | Error t) {
                    run.unexpected(Thread.currentThread(), t);
                }
            }
        }
    }

    /**
     * Waits (bounded) for every started episode to finish: 60 s, or 10 s once something has
     * failed (then only to say what is still running).
     */
    private void drain() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean shortened = false;
        while (true) {
            reap();
            if (active.isEmpty()) {
                return;
            }
            long now = System.nanoTime();
            if (run.failed() && !shortened) {
                shortened = true;
                deadline = Math.min(deadline - now, TimeUnit.SECONDS.toNanos(10)) + now;
            }
            if (now - deadline > 0) {
                break;
            }
            LockSupport.parkNanos(5_000_000);
        }
        StringBuilder sb = new StringBuilder();
        for (Episode e : active) {
            sb.append("\n  ").append(e.name()).append(": ").append(e.pending()).append(" goroutine(s) left after ")
                    .append(e.elapsedMillis()).append(" ms; ").append(e.state());
        }
        if (!run.failed()) {
            run.fail(label() + ": episodes still running 60 s after the phase ended:" + sb);
            run.report(this, "unfinished episodes");
        } else {
            run.out.println("soak: " + label() + ": after the failure, still running:" + sb);
        }
    }

    /** The runtime's books once every episode has ended. */
    private void checkBooks() {
        if (!await(Duration.ofSeconds(10), () -> rt.numGoroutine() == 0)) {
            run.fail(label() + ": numGoroutine() is " + rt.numGoroutine() + " (expected 0, its start) 10 s after "
                    + "every episode ended: goroutines leaked");
            run.report(this, "goroutines leaked");
            return;
        }
        RuntimeStats st = rt.stats();
        if (st.goroutinesCreated() != st.goroutinesExited()) {
            run.fail(label() + ": the runtime created " + st.goroutinesCreated() + " goroutines but "
                    + st.goroutinesExited() + " exited");
        }
        long started = counters.get(Counter.GOROUTINES_STARTED);
        long ended = counters.get(Counter.GOROUTINES_ENDED);
        if (started != ended) {
            run.fail(label() + ": the soak started " + started + " goroutines but " + ended + " ended");
        }
        if (st.goroutinesCreated() < started) {
            run.fail(label() + ": the runtime counted " + st.goroutinesCreated() + " goroutines, fewer than the "
                    + started + " the soak started");
        }
        if (!await(Duration.ofSeconds(5),
                () -> counters.get(Counter.THROWN_HANDLED) == counters.get(Counter.THROWN))) {
            run.fail(label() + ": " + counters.get(Counter.THROWN) + " throwables were thrown out of goroutines, "
                    + counters.get(Counter.THROWN_HANDLED) + " reached the uncaught-exception handler");
        }
        if (scheduler.equals("gmp") && st.syscalls() != counters.get(Counter.SYSCALLS)) {
            run.fail(label() + ": RuntimeStats.syscalls() is " + st.syscalls() + " but the soak made "
                    + counters.get(Counter.SYSCALLS) + " Go.syscall calls");
        }
        Poller poller = rt.pollerIfCreated().orElse(null);
        if (poller != null && !await(Duration.ofSeconds(5), () -> poller.waiters() == 0)) {
            run.fail(label() + ": " + poller.waiters() + " thread(s) still wait on the network poller: " + poller);
        }
        if (st.monitorErrors() != 0 || st.monitorDead()) {
            run.fail(label() + ": system monitor errors " + st.monitorErrors() + ", dead " + st.monitorDead());
        }
        if (deadlocks.get() != 0) {
            run.fail(label() + ": the runtime reported a deadlock " + deadlocks.get() + " time(s)");
        }
        for (Runnable check : endChecks) {
            check.run();
        }
        run.noteHandoffs(st);
    }

    /** close() with a bounded wait; on a hang, the dump and the runtime's thread stacks. */
    private boolean closeBounded() {
        closing = true;
        Thread closer = Thread.ofPlatform().daemon().name("soak-close").start(rt::close);
        long limit = run.options.closeSeconds();
        boolean closed;
        try {
            closed = closer.join(Duration.ofSeconds(limit));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = false;
        }
        if (!closed) {
            StringBuilder stack = new StringBuilder();
            for (StackTraceElement f : closer.getStackTrace()) {
                stack.append("\n\tat ").append(f);
            }
            run.fail(label() + ": GoRuntime.close() did not return within " + limit + " s (numGoroutine="
                    + rt.numGoroutine() + "); close() is at:" + stack);
            run.report(this, "close() hangs");
            run.out.println("runtime threads:\n" + Diag.runtimeThreadStacks());
            return false;
        }
        return true;
    }

    private void checkAfterClose(long fdsBefore, long fdsLive, TreeSet<String> threadsBefore) {
        long fdsAfter = Diag.openFds();
        fdsReport = fdsBefore + " before, " + fdsLive + " once the episodes ended, " + fdsAfter + " after close()";
        if (fdsLive >= 0 && fdsLive - fdsAfter > SELECTOR_FDS) {
            run.fail(label() + ": " + fdsLive + " file descriptors open once every episode had ended (every "
                    + "connection and listener closed), " + fdsAfter + " after close(): the poller held "
                    + (fdsLive - fdsAfter) + ", more than its selector's " + SELECTOR_FDS);
        }
        if (fdsBefore >= 0 && !await(Duration.ofSeconds(5), () -> Diag.openFds() <= fdsBefore + FD_TOLERANCE)) {
            run.fail(label() + ": " + Diag.openFds() + " file descriptors open after close(), " + fdsBefore
                    + " before the runtime was built (tolerance " + FD_TOLERANCE + "):\n  "
                    + String.join("\n  ", Diag.fdTargets()));
        }
        if (!await(Duration.ofSeconds(5), () -> threadsBefore.containsAll(Diag.runtimeThreads()))) {
            TreeSet<String> left = Diag.runtimeThreads();
            left.removeAll(threadsBefore);
            run.fail(label() + ": runtime threads alive after close(): " + left + "\n" + Diag.runtimeThreadStacks());
        }
    }

    private void uncaught(Thread t, Throwable e) {
        if (Injected.is(e)) {
            counters.inc(Counter.THROWN_HANDLED);
        } else {
            run.unexpected(t, e);
        }
    }

    private void deadlock(GoRuntime r, String report) {
        deadlocks.incrementAndGet();
        run.fail(label() + ": the runtime reported a deadlock (every goroutine asleep, no timer, no poller "
                + "waiter); its report, grouped:\n" + Diag.groupDump(report, 30));
    }

    /** A one-line summary of the phase's counters. */
    String summary() {
        return String.format("goroutines %,d/%,d (bursts %d: %,d), values %,d/%,d, syscalls %,d, hogs %d, "
                        + "conns %,d (bytes %,d, resets %d, timeouts %d, closed %d), contexts %,d, timer fires %,d, "
                        + "thrown %d/%d, dumps %d, stack traces %,d",
                counters.get(Counter.GOROUTINES_STARTED), counters.get(Counter.GOROUTINES_ENDED),
                counters.get(Counter.BURSTS), counters.get(Counter.BURST_GOROUTINES),
                counters.get(Counter.VALUES_SENT), counters.get(Counter.VALUES_RECEIVED),
                counters.get(Counter.SYSCALLS), counters.get(Counter.HOGS), counters.get(Counter.CONNS),
                counters.get(Counter.CONN_BYTES), counters.get(Counter.CONN_RESETS),
                counters.get(Counter.CONN_TIMEOUTS), counters.get(Counter.CONN_CLOSED),
                counters.get(Counter.CONTEXTS), counters.get(Counter.TIMER_FIRES),
                counters.get(Counter.THROWN), counters.get(Counter.THROWN_HANDLED), counters.get(Counter.DUMPS),
                counters.get(Counter.STACK_TRACES));
    }

    /** Bounded polling from a platform thread (parks 1 ms between checks). */
    static boolean await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(1_000_000);
        }
        return true;
    }

    /** Writes {@code text} to a file in the temporary directory; returns its path. */
    static Path writeFile(String name, String text) {
        try {
            Path p = Path.of(System.getProperty("java.io.tmpdir"), name);
            Files.writeString(p, text);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
