package io.gmp4j.soak;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import java.util.stream.Stream;

/** Process-level measurements (descriptors, heap, threads), the CPU spin, seeds and dump summaries. */
final class Diag {
    private Diag() {}

    private static final Path FDS = Path.of("/proc/self/fd");
    private static final RandomGeneratorFactory<RandomGenerator> RNG = RandomGeneratorFactory.of("L64X128MixRandom");
    /** Where spin loops leave their result, so the JIT cannot drop them. */
    static volatile long sink;

    /** A seeded generator (java.util.random's L64X128MixRandom): the same seed gives the same plan. */
    static RandomGenerator rng(long seed) {
        return RNG.create(seed);
    }

    /** SplitMix64's finaliser: derives independent seeds from (seed, salt). */
    static long mix(long seed, long salt) {
        long z = seed + salt * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Sets bit {@code index} of a bitset; false if it was set already (the thing it stands for
     * happened twice).
     */
    static boolean setBit(java.util.concurrent.atomic.AtomicLongArray bits, int index) {
        long bit = 1L << index;
        return (bits.getAndAccumulate(index >>> 6, bit, (a, b) -> a | b) & bit) == 0;
    }

    /** Open file descriptors of this process, or -1 where /proc/self/fd does not exist. */
    static long openFds() {
        if (!Files.isDirectory(FDS)) {
            return -1;
        }
        try (Stream<Path> s = Files.list(FDS)) {
            return s.count() - 1; // the directory stream's own descriptor
        } catch (IOException e) {
            return -1;
        }
    }

    /** What the descriptors point to (/proc/self/fd links), for a leak report. */
    static List<String> fdTargets() {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(FDS)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                try {
                    out.add(p.getFileName() + " -> " + Files.readSymbolicLink(p));
                } catch (IOException e) {
                    out.add(p.getFileName() + " -> ?");
                }
            }
        } catch (IOException e) {
            out.add("(cannot list /proc/self/fd: " + e + ")");
        }
        return out;
    }

    /**
     * Heap in use after garbage collection: a few full collections until the figure stops
     * falling (a single {@code System.gc()} may leave reference-processing work for the next).
     */
    static long heapAfterGc() {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long prev = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            long used = mem.getHeapMemoryUsage().getUsed();
            if (Math.abs(prev - used) < (1 << 20)) {
                return Math.min(prev, used);
            }
            prev = used;
        }
        return prev;
    }

    /** Live platform threads whose name starts with {@code gmp4j-} (machines, monitors, pollers, timers). */
    static TreeSet<String> runtimeThreads() {
        TreeSet<String> names = new TreeSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!t.isVirtual() && t.isAlive() && t.getName().startsWith("gmp4j-")) {
                names.add(t.getName() + "#" + t.threadId());
            }
        }
        return names;
    }

    /** Stacks of the live platform threads named {@code gmp4j-*}, for a hang report. */
    static String runtimeThreadStacks() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            Thread t = e.getKey();
            if (t.isVirtual() || !t.getName().startsWith("gmp4j-")) {
                continue;
            }
            sb.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
            for (StackTraceElement f : e.getValue()) {
                sb.append("\tat ").append(f).append('\n');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * Burns CPU for about {@code nanos} without any runtime call (no allocation, no lock, no
     * park): the system monitor can only retake the processor, never get it back by asking.
     */
    static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        long x = 0x9E3779B97F4A7C15L ^ nanos;
        do {
            for (int i = 0; i < 256; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
            }
        } while (System.nanoTime() - end < 0);
        sink = x;
    }

    /**
     * Groups a goroutine dump ({@code GoRuntime.dumpGoroutines} text) by identical stacks, largest
     * group first: one header per group with its count and wait states, then the stack, at most
     * {@code maxGroups} groups.
     */
    static String groupDump(String dump, int maxGroups) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String block : dump.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            int nl = block.indexOf('\n');
            String header = nl < 0 ? block : block.substring(0, nl);
            String stack = nl < 0 ? "" : block.substring(nl + 1);
            if (!header.startsWith("goroutine ")) {
                groups.computeIfAbsent(block, k -> new ArrayList<>()).add(block);
                continue;
            }
            int lb = header.indexOf('[');
            String state = lb < 0 ? header : header.substring(lb + 1, header.lastIndexOf(']') < 0 ? header.length()
                    : header.lastIndexOf(']'));
            int comma = state.lastIndexOf(", ");
            String reason = comma < 0 ? state : state.substring(0, comma); // drop the duration
            groups.computeIfAbsent(reason + "\n" + stack, k -> new ArrayList<>()).add(header);
        }
        List<Map.Entry<String, List<String>>> sorted = new ArrayList<>(groups.entrySet());
        sorted.sort((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size()));
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (Map.Entry<String, List<String>> e : sorted) {
            if (shown++ == maxGroups) {
                sb.append("... ").append(sorted.size() - maxGroups).append(" more groups\n");
                break;
            }
            List<String> headers = e.getValue();
            String key = e.getKey();
            int nl = key.indexOf('\n');
            sb.append(headers.size()).append(" goroutine(s) [").append(nl < 0 ? key : key.substring(0, nl))
                    .append("], e.g. ").append(headers.getFirst()).append('\n');
            if (nl >= 0) {
                sb.append(key.substring(nl + 1)).append('\n');
            }
        }
        return sb.toString();
    }
}
