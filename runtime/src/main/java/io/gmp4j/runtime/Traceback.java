package io.gmp4j.runtime;

import io.gmp4j.runtime.spi.WaitReason;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Goroutine dumps (Go's {@code traceback.go} and the goroutine profile): the full dump, one
 * entry per goroutine, and the bounded one the deadlock report uses, which shows the first
 * {@value #FULL} goroutines in full and counts all of them by wait reason and stack.
 *
 * <h2>Implementation notes</h2>
 * A full dump of a million goroutines is about 560 MB of text and takes minutes; nobody reads
 * it. Go's {@code debug=1} goroutine profile groups goroutines by stack with a count, which is
 * what a reader of a deadlock needs: where they all wait, and how many. Go reads every stack
 * cheaply; the JDK reads a parked virtual thread's stack by walking its continuation, 5–30 µs
 * each (measured on the 2-core development machine under load), so a million stacks would take
 * 5–30 s and ten million minutes.
 *
 * <p>So the bounded dump makes one pass over the goroutines that reads only the state and the
 * park blocker (about 25–50 ns a goroutine): exact counts by wait reason, the {@value #FULL}
 * lowest goroutine ids, and, per wait reason, the first goroutines met as a sample (the
 * registry's iteration order follows identity hashes, so the sample is spread over the
 * goroutines' ages). It then reads the stacks of at most about {@value #STACK_SAMPLES} sampled
 * goroutines, at least {@value #MIN_SAMPLES} per wait reason, and groups them by stack. A
 * reason whose goroutines were not all read says so ({@code stacks read from S of them}) and its
 * stack counts count the sample only: a stack held by few goroutines of a big group may be
 * missed; the full dump ({@link GoRuntime#dumpGoroutines}) has every one. The output is bounded
 * whatever the number of goroutines: at most {@value #MAX_GROUPS} stack groups of at most
 * {@value #MAX_FRAMES} frames each, plus the full entries (each also cut at
 * {@value #MAX_FRAMES} frames).
 *
 * <p>Rejected: grouping by the wait object (the channel) instead of the stack, which needs no
 * stack walk but separates goroutines at the same line waiting on different channels and merges
 * different lines on the same channel; a time budget for the stack reads, which would make the
 * output depend on the machine's load.
 *
 * <p>Thread safety: stateless; callers pass a snapshot-free view of the registry (a concurrent
 * set), whose weakly consistent iteration may miss goroutines started or ended meanwhile.
 */
final class Traceback {
    /** Goroutines shown in full by the bounded dump: the lowest ids. */
    static final int FULL = 10;
    /** About how many stacks the bounded dump reads for its groups. */
    static final int STACK_SAMPLES = 10_000;
    /** Stacks read for every wait reason, however rare, if it has that many goroutines. */
    static final int MIN_SAMPLES = 100;
    /** Stack groups printed by the bounded dump; the rest are counted in one line. */
    static final int MAX_GROUPS = 32;
    /** Frames printed per stack by the bounded dump (Go cuts its tracebacks at 100). */
    static final int MAX_FRAMES = 64;

    private Traceback() {}

    /**
     * The full dump: every live goroutine in Go's traceback style, sorted by id. See
     * {@link GoRuntime#dumpGoroutines}.
     */
    static void dump(Iterable<Thread> goroutines, Appendable out) {
        List<Thread> threads = new ArrayList<>();
        goroutines.forEach(threads::add);
        threads.sort(Comparator.comparingLong(Thread::threadId));
        try {
            for (Thread t : threads) {
                StackTraceElement[] stack = t.getStackTrace();
                Thread.State state = t.getState();
                if (state == Thread.State.TERMINATED) {
                    continue;
                }
                writeEntry(t, state, stack, Integer.MAX_VALUE, out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One pass over the goroutines: what the bounded dump needs, and whether all are asleep. */
    static final class Census {
        /** Goroutines seen alive. */
        int total;
        /** Whether every goroutine seen is parked, untimed, on a {@link WaitReason}. */
        boolean allBlocked = true;
        /** The first goroutine seen that is not so parked, or null. */
        Thread awake;
        /** By wait reason (see {@link #reasonOf}), in order of first appearance. */
        final Map<String, Reason> reasons = new LinkedHashMap<>();
        /** The {@link #FULL} lowest ids seen: a max-heap by id. */
        final PriorityQueue<Thread> first = new PriorityQueue<>(FULL + 1,
                Comparator.comparingLong(Thread::threadId).reversed());
    }

    /** Goroutines with one wait reason: their count and the first ones met (the stack sample). */
    static final class Reason {
        final String name;
        int count;
        final List<Thread> sample = new ArrayList<>();

        Reason(String name) {
            this.name = name;
        }
    }

    /**
     * Counts the goroutines by wait reason and keeps the lowest ids and a sample of each reason;
     * reads no stack. O(goroutines), a few tens of nanoseconds each.
     *
     * @param stopAtAwake return as soon as a goroutine is not asleep ({@link Census#allBlocked}
     *                    false, the rest uncounted): the deadlock check's fast "no"
     */
    static Census census(Iterable<Thread> goroutines, boolean stopAtAwake) {
        Census c = new Census();
        Reason last = null;
        for (Thread t : goroutines) {
            Thread.State state = t.getState();
            if (state == Thread.State.TERMINATED) {
                continue;
            }
            Object blocker = LockSupport.getBlocker(t);
            if (c.allBlocked && !asleep(state, blocker)) {
                c.allBlocked = false;
                c.awake = t;
                if (stopAtAwake) {
                    return c;
                }
            }
            c.total++;
            String name = reasonOf(blocker, state);
            Reason r = last != null && last.name.equals(name) ? last : c.reasons.computeIfAbsent(name, Reason::new);
            last = r;
            r.count++;
            if (r.sample.size() < STACK_SAMPLES) {
                r.sample.add(t);
            }
            if (c.first.size() < FULL) {
                c.first.add(t);
            } else if (t.threadId() < c.first.peek().threadId()) {
                c.first.poll();
                c.first.add(t);
            }
        }
        return c;
    }

    /**
     * Whether a goroutine in this state with this park blocker counts as asleep for the deadlock
     * check: parked without a timeout on a runtime primitive (a {@link WaitReason}).
     */
    static boolean asleep(Thread.State state, Object blocker) {
        return state == Thread.State.WAITING && blocker instanceof WaitReason;
    }

    /** {@link #asleep(Thread.State, Object)} for one goroutine now. */
    static boolean asleep(Thread t) {
        return asleep(t.getState(), LockSupport.getBlocker(t));
    }

    /**
     * The bounded dump: the {@value #FULL} lowest-id goroutines in full, then, if there are
     * more, every goroutine counted by wait reason and stack. See
     * {@link GoRuntime#dumpGoroutineProfile}.
     */
    static void writeBounded(Census c, Appendable out) throws IOException {
        Thread[] first = c.first.toArray(new Thread[0]);
        Arrays.sort(first, Comparator.comparingLong(Thread::threadId));
        int shown = 0;
        for (Thread t : first) {
            StackTraceElement[] stack = t.getStackTrace();
            Thread.State state = t.getState();
            if (state == Thread.State.TERMINATED) {
                continue; // ended since the census: counted there, not shown
            }
            writeEntry(t, state, stack, MAX_FRAMES, out);
            shown++;
        }
        if (c.total <= shown) {
            return; // every goroutine is shown in full: a profile adds nothing
        }
        out.append("... ").append(Integer.toString(c.total - shown))
                .append(" more goroutines, not shown one by one\n\n");
        writeProfile(c, out);
    }

    /** Go's goroutine profile ({@code debug=1}) with wait reasons, from a census's samples. */
    private static void writeProfile(Census c, Appendable out) throws IOException {
        out.append("goroutine profile: total ").append(Integer.toString(c.total)).append('\n');
        List<Reason> reasons = new ArrayList<>(c.reasons.values());
        reasons.sort(Comparator.comparingInt((Reason r) -> r.count).reversed());
        int groupsLeft = MAX_GROUPS;
        int hiddenGroups = 0;
        long hiddenGoroutines = 0;
        for (Reason r : reasons) {
            int quota = Math.max(MIN_SAMPLES, (int) ((long) STACK_SAMPLES * r.count / Math.max(1, c.total)));
            List<Thread> sample = r.sample.subList(0, Math.min(quota, r.sample.size()));
            Map<List<StackTraceElement>, int[]> byStack = new HashMap<>();
            int read = 0;
            for (Thread t : sample) {
                StackTraceElement[] stack = t.getStackTrace();
                if (t.getState() == Thread.State.TERMINATED) {
                    continue;
                }
                byStack.computeIfAbsent(Arrays.asList(stack), k -> new int[1])[0]++;
                read++;
            }
            List<Map.Entry<List<StackTraceElement>, int[]>> groups = new ArrayList<>(byStack.entrySet());
            groups.sort(Comparator.comparingInt((Map.Entry<List<StackTraceElement>, int[]> e) -> e.getValue()[0])
                    .reversed());
            if (groupsLeft == 0) {
                hiddenGroups += groups.size();
                hiddenGoroutines += r.count;
                continue;
            }
            out.append(Integer.toString(r.count)).append(" goroutines [").append(r.name).append(']');
            if (read < r.count) {
                out.append(", stacks read from ").append(Integer.toString(read)).append(" of them");
            }
            out.append(":\n");
            for (Map.Entry<List<StackTraceElement>, int[]> g : groups) {
                if (groupsLeft == 0) {
                    hiddenGroups++;
                    hiddenGoroutines += g.getValue()[0];
                    continue;
                }
                groupsLeft--;
                out.append(Integer.toString(g.getValue()[0])).append(" @\n");
                writeFrames(g.getKey(), MAX_FRAMES, out);
                out.append('\n');
            }
        }
        if (hiddenGroups > 0) {
            out.append("... ").append(Integer.toString(hiddenGroups)).append(" more stacks (")
                    .append(Long.toString(hiddenGoroutines)).append(" goroutines) not shown\n\n");
        }
    }

    private static void writeEntry(Thread t, Thread.State state, StackTraceElement[] stack, int maxFrames,
                                   Appendable out) throws IOException {
        out.append("goroutine ").append(Long.toString(t.threadId())).append(" [")
                .append(describe(t, state)).append("]:\n");
        writeFrames(Arrays.asList(stack), maxFrames, out);
        out.append('\n');
    }

    private static void writeFrames(List<StackTraceElement> stack, int maxFrames, Appendable out) throws IOException {
        int n = 0;
        for (StackTraceElement e : stack) {
            if (n++ == maxFrames) {
                out.append("\t...additional frames elided...\n"); // Go's words
                break;
            }
            out.append('\t').append(e.toString()).append('\n');
        }
    }

    /** The wait reason without its duration or detail: the census's grouping key. */
    static String reasonOf(Object blocker, Thread.State state) {
        if (blocker instanceof WaitReason w) {
            return w.reason();
        }
        return stateName(blocker, state);
    }

    /**
     * A goroutine's bracket in a dump: its wait reason, detail and how long it has waited
     * ({@link GoRuntime#dumpGoroutines}), or its JDK state. Stamps an unstamped wait.
     */
    static String describe(Thread t, Thread.State state) {
        Object blocker = LockSupport.getBlocker(t);
        if (blocker instanceof WaitReason w) {
            long now = System.nanoTime();
            String detail = w.detail();
            String what = detail == null ? w.reason() : w.reason() + " (" + detail + ")";
            if (w.stampIfUnset(now)) {
                return what + ", first seen now"; // start not recorded: see WaitReason
            }
            return what + ", " + waited(now - w.since());
        }
        return stateName(blocker, state);
    }

    private static String stateName(Object blocker, Thread.State state) {
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
}
