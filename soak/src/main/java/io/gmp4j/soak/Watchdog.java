package io.gmp4j.soak;

import io.gmp4j.runtime.RuntimeStats;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A platform thread that watches the phase running now: its progress counter (standing still
 * for the stall limit, 1 s by default, while episodes are in flight is a stall: it prints the
 * recent schedtrace lines, the scheduler's detail and a goroutine dump, and fails the run), each
 * episode's own counter (standing still for the episode limit, 10 s by default, is a stall too: a
 * lost wake-up or a starved goroutine while the rest goes on — shorter waits are normal on the
 * {@code fifo} and {@code jdk} schedulers, which run a 150,000-goroutine burst in FIFO order
 * without preemption), the system monitor's health, and prints a progress line every few seconds.
 *
 * <h2>Implementation notes</h2>
 * The watchdog samples every 20 ms. If it was itself kept from running for more than 250 ms —
 * a stop-the-world pause, or the OS not scheduling this process (the machines are shared) — no
 * thread of the process made progress either, so that time is not held against any episode:
 * every episode's "unchanged since" is moved by the gap, and the pause is counted and reported
 * in the verdict. A pause never hides a stall that lasts beyond it.
 */
final class Watchdog implements Runnable {
    private static final long TICK_NANOS = 20_000_000;
    private static final long PAUSE_NANOS = 250_000_000;

    private final SoakRun run;
    private volatile Phase phase;
    private volatile boolean stop;
    private Thread thread;
    private volatile long pauses;
    private volatile long maxPauseNanos;
    private long stalls;
    /** The phase's progress total last seen, and since when (watchdog thread only). */
    private long seenTotal = -1;
    private long seenTotalAt;
    private boolean phaseStallReported;
    private Phase lastPhase;
    /** The last {@link #TRACES} schedtrace lines, one per tick (watchdog thread writes, reports read). */
    private static final int TRACES = 100;
    private final String[] traces = new String[TRACES];
    private int traceNext;

    Watchdog(SoakRun run) {
        this.run = run;
    }

    void start() {
        thread = Thread.ofPlatform().daemon().name("soak-watchdog").start(this);
    }

    void stop() {
        stop = true;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Watches {@code p} from now on (null: none). */
    void watch(Phase p) {
        phase = p;
    }

    long pauses() {
        return pauses;
    }

    long maxPauseMillis() {
        return maxPauseNanos / 1_000_000;
    }

    @Override
    public void run() {
        long last = System.nanoTime();
        long nextHealth = last;
        long nextReport = last + TimeUnit.SECONDS.toNanos(run.options.reportSeconds());
        long stallNanos = TimeUnit.MILLISECONDS.toNanos(run.options.stallMillis());
        long episodeStallNanos = TimeUnit.MILLISECONDS.toNanos(run.options.episodeStallMillis());
        while (!stop) {
            LockSupport.parkNanos(TICK_NANOS);
            long now = System.nanoTime();
            long gap = now - last - TICK_NANOS;
            last = now;
            Phase p = phase;
            if (gap > PAUSE_NANOS) {
                pauses++;
                maxPauseNanos = Math.max(maxPauseNanos, gap);
                if (p != null) {
                    for (Episode e : p.active) {
                        e.seenAtNanos += gap;
                    }
                }
                seenTotalAt += gap;
            }
            if (p == null || p.rt == null) {
                continue;
            }
            if (p != lastPhase) {
                lastPhase = p;
                seenTotal = -1;
                seenTotalAt = now;
                phaseStallReported = false;
            }
            String line = p.rt.schedtrace();
            synchronized (traces) {
                traces[traceNext++ % TRACES] = line;
            }
            boolean inFlight = false;
            java.util.List<Episode> flight = new java.util.ArrayList<>();
            for (Episode e : p.active) {
                if (e.isFinished()) {
                    continue;
                }
                inFlight = true;
                long progress = e.progress.get();
                if (progress != e.seenProgress) {
                    e.seenProgress = progress;
                    e.seenAtNanos = now;
                }
                long quiet = now - e.seenAtNanos;
                flight.add(e);
                if (quiet / 1_000_000 > p.longestQuietMillis) {
                    p.longestQuietMillis = quiet / 1_000_000;
                }
                if (quiet > episodeStallNanos && !e.stallReported) {
                    e.stallReported = true;
                    stalls++;
                    run.fail(p.label() + " " + e.name() + ": STALL: the episode made no progress for "
                            + quiet / 1_000_000 + " ms (limit " + run.options.episodeStallMillis()
                            + " ms) while the runtime went on; " + e.pending() + " of its goroutine(s) alive; "
                            + e.state());
                    run.report(p, "stall of " + e.name());
                }
            }
            long total = p.progress.sum();
            if (total != seenTotal || !inFlight) {
                seenTotal = total;
                seenTotalAt = now;
            } else if (now - seenTotalAt > stallNanos && !phaseStallReported) {
                phaseStallReported = true;
                stalls++;
                StringBuilder sb = new StringBuilder();
                for (Episode e : flight) { // those unfinished at the check (states as of now)
                    sb.append("\n  ").append(e.name()).append(": ").append(e.pending())
                            .append(" goroutine(s) alive, no progress for ").append((now - e.seenAtNanos) / 1_000_000)
                            .append(" ms; ").append(e.state());
                }
                run.fail(p.label() + ": STALL: no episode made progress for " + (now - seenTotalAt) / 1_000_000
                        + " ms (limit " + run.options.stallMillis() + " ms); in flight:" + sb);
                run.report(p, "stall");
            }
            if (now - nextHealth >= 0) {
                nextHealth = now + 250_000_000;
                RuntimeStats st = p.rt.stats();
                if ((st.monitorErrors() != 0 || st.monitorDead()) && !p.closing) {
                    run.fail(p.label() + ": the system monitor failed: errors " + st.monitorErrors() + ", dead "
                            + st.monitorDead());
                    p.closing = true; // report once
                }
            }
            if (now - nextReport >= 0) {
                nextReport = now + TimeUnit.SECONDS.toNanos(run.options.reportSeconds());
                progressLine(p, now);
            }
        }
    }

    /** The schedtrace lines of the last two seconds (one per 20 ms tick), oldest first. */
    String recentTraces() {
        StringBuilder sb = new StringBuilder();
        synchronized (traces) {
            for (int i = 0; i < TRACES; i++) {
                String t = traces[(traceNext + i) % TRACES];
                if (t != null) {
                    sb.append(t).append('\n');
                }
            }
        }
        return sb.toString();
    }

    private void progressLine(Phase p, long now) {
        Counters c = p.counters;
        Counters t = run.totals;
        long started = t.get(Counter.GOROUTINES_STARTED) + c.get(Counter.GOROUTINES_STARTED);
        long ended = t.get(Counter.GOROUTINES_ENDED) + c.get(Counter.GOROUTINES_ENDED);
        long sent = t.get(Counter.VALUES_SENT) + c.get(Counter.VALUES_SENT);
        long received = t.get(Counter.VALUES_RECEIVED) + c.get(Counter.VALUES_RECEIVED);
        long conns = t.get(Counter.CONNS) + c.get(Counter.CONNS);
        run.out.printf("soak: %ds %s goroutines %,d/%,d alive %,d values %,d/%,d conns %,d episodes %d stalls %d "
                        + "pauses %d%n",
                (now - run.startNanos) / 1_000_000_000L, p.label(), started, ended, p.rt.numGoroutine(), sent,
                received, conns, p.active.size(), stalls, pauses);
    }
}
