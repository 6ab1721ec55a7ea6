package io.gmp4j.benchmarks;

import io.gmp4j.runtime.Go;
import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.runtime.RuntimeStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long the system monitor takes to hand off a held processor, the first time in a fresh
 * JVM and afterwards, and which classes the JVM loads on that path. Not a JMH benchmark: the
 * first hand-off of a JVM happens once per JVM, so each run is a fresh child JVM.
 *
 * <p>In each child JVM, on a runtime with one processor: goroutine A starts goroutine B (queued
 * on A's processor), then loops without a runtime call until B has run. B can only run once
 * the monitor has taken the processor from A's machine and handed it to another machine: after
 * 10 ms without a schedule tick it requests preemption, one monitor cycle later it hands off.
 * The 10 ms are Go's rule, the rest is the monitor's cadence and the cost of the path. Three
 * times are printed, each to B's first instruction: from {@code go(A)} (A is the JVM's first
 * goroutine in the first hand-off, so this includes its start), from A's first instruction,
 * and from the start of A's loop. The child repeats this ({@code handoffs} times in all); the
 * first is the cold path, the others the warm one. The monitor watches A's schedule tick, set
 * before A's first instruction: when A's start and its first runtime call ({@code Go.go}) take
 * long enough, the preemption request lands in that call, before A's loop, and the monitor
 * starts its 10 ms over: the child prints how many requests the hand-off took.
 *
 * <p>Classes and threads: the child runs with {@code -Xlog:class+load,os+thread}; it loads a
 * marker class right before {@code go(A)} and B one right after it ran, so the log lines between
 * the two markers are the classes the JVM loaded during the hand-off, on any thread (a count
 * free of timing noise), and the last thread started in between is the machine the monitor
 * started for the processor (from its start to B: a new machine and its first goroutine).
 *
 * <p>Run (the driver starts the child JVMs; arguments after {@code --} go to each child JVM,
 * e.g. {@code -XX:StartFlightRecording} or {@code -Xint}):
 * {@code java --add-opens java.base/java.lang=ALL-UNNAMED -cp benchmarks/target/gmp4j-benchmarks.jar
 * io.gmp4j.benchmarks.ColdHandoff 10 5}
 *
 * <p>Arguments: child JVMs (default 10), hand-offs per JVM (default 5, at least 2),
 * {@code -v} to list the classes of the first window of the last JVM, then {@code --} and
 * extra flags for the child JVMs.
 */
public final class ColdHandoff {
    private ColdHandoff() {}

    /** Loaded by A right before its loop in the first hand-off: a marker in the class-load log. */
    static final class FirstStart {}

    /** Loaded by B right after it ran in the first hand-off. */
    static final class FirstEnd {}

    /** Markers of the second hand-off (the first warm one). */
    static final class WarmStart {}

    static final class WarmEnd {}

    private static final String CHILD = "child";

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(CHILD)) {
            child(Integer.parseInt(args[1]));
            return;
        }
        int runs = 10;
        int handoffs = 5;
        boolean verbose = false;
        List<String> jvmFlags = new ArrayList<>();
        int positional = 0;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                jvmFlags.addAll(Arrays.asList(args).subList(i + 1, args.length));
                break;
            } else if (args[i].equals("-v")) {
                verbose = true;
            } else if (positional++ == 0) {
                runs = Integer.parseInt(args[i]);
            } else {
                handoffs = Math.max(2, Integer.parseInt(args[i]));
            }
        }
        drive(runs, handoffs, verbose, jvmFlags);
    }

    // ------------------------------------------------------------------ driver

    private static void drive(int runs, int handoffs, boolean verbose, List<String> jvmFlags) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        System.out.printf("ColdHandoff: %d fresh JVMs, %d hand-offs each, child flags %s, java %s, %d CPUs%n",
                runs, handoffs, jvmFlags, Runtime.version(), Runtime.getRuntime().availableProcessors());
        String[] keys = {"go", "start", "loop"};
        double[][] first = new double[keys.length][runs];
        double[][] later = new double[keys.length][runs];
        int[] requests = new int[runs];
        double[] machineToB = new double[runs];
        int[] firstClasses = new int[runs];
        int[] warmClasses = new int[runs];
        List<String> lastFirstWindow = List.of();
        Pattern line = Pattern.compile("first: go=([0-9.]+) start=([0-9.]+) loop=([0-9.]+) requests=(\\d+) machines=(\\d+); "
                + "later \\(median\\): go=([0-9.]+) start=([0-9.]+) loop=([0-9.]+);");
        for (int r = 0; r < runs; r++) {
            Path log = Files.createTempFile("gmp4j-cold-handoff", ".log");
            try {
                List<String> cmd = new ArrayList<>();
                cmd.add(java);
                cmd.add("--add-opens");
                cmd.add("java.base/java.lang=ALL-UNNAMED");
                cmd.add("-Xlog:class+load=info,os+thread=info:file=" + log + ":uptimenanos");
                cmd.addAll(jvmFlags);
                cmd.add("-cp");
                cmd.add(System.getProperty("java.class.path"));
                cmd.add(ColdHandoff.class.getName());
                cmd.add(CHILD);
                cmd.add(Integer.toString(handoffs));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("child JVM failed:\n" + out);
                }
                Matcher m = line.matcher(out);
                if (!m.find()) {
                    throw new IllegalStateException("unexpected child output:\n" + out);
                }
                for (int k = 0; k < keys.length; k++) {
                    first[k][r] = Double.parseDouble(m.group(1 + k));
                    later[k][r] = Double.parseDouble(m.group(6 + k));
                }
                requests[r] = Integer.parseInt(m.group(4));
                List<String> lines = Files.readAllLines(log);
                List<String> w1 = window(lines, FirstStart.class, FirstEnd.class);
                List<String> w2 = window(lines, WarmStart.class, WarmEnd.class);
                machineToB[r] = fromThreadStart(lines, FirstStart.class, FirstEnd.class);
                firstClasses[r] = w1.size();
                warmClasses[r] = w2.size();
                lastFirstWindow = w1;
                System.out.printf("run %2d: %s; new machine's start to B %.2f ms; classes loaded: first %d, second %d%n",
                        r + 1, out.strip(), machineToB[r], w1.size(), w2.size());
            } finally {
                Files.deleteIfExists(log);
            }
        }
        System.out.println("hand-off times in ms, to B's first instruction (median, range over the JVMs):");
        for (int k = 0; k < keys.length; k++) {
            System.out.printf("  from %-5s first %5.1f (%.1f–%.1f)   later %5.1f (%.1f–%.1f)%n", keys[k],
                    median(first[k]), min(first[k]), max(first[k]), median(later[k]), min(later[k]), max(later[k]));
        }
        System.out.printf("first hand-off: preemption requests median %d (%d–%d); classes loaded median %d (%d–%d), "
                        + "second hand-off %d (%d–%d); new machine's thread start to B %.2f ms (%.2f–%.2f)%n",
                median(requests), min(requests), max(requests), median(firstClasses), min(firstClasses),
                max(firstClasses), median(warmClasses), min(warmClasses), max(warmClasses),
                median(machineToB), min(machineToB), max(machineToB));
        if (verbose) {
            System.out.println("classes loaded during the first hand-off of the last JVM:");
            lastFirstWindow.forEach(s -> System.out.println("  " + s));
        }
        Map<String, Integer> byPackage = new TreeMap<>();
        for (String s : lastFirstWindow) {
            String name = s.split(" ")[0];
            int dot = name.lastIndexOf('.');
            byPackage.merge(dot < 0 ? "" : name.substring(0, dot), 1, Integer::sum);
        }
        System.out.println("by package (last JVM, first hand-off): " + byPackage);
    }

    /**
     * Milliseconds from the last platform thread started between the markers (the machine the
     * monitor started for the handed-off processor) to the end marker, or -1.
     */
    private static double fromThreadStart(List<String> lines, Class<?> start, Class<?> end) {
        Pattern stamp = Pattern.compile("^\\[(\\d+)ns\\] (.*)$");
        boolean in = false;
        long started = -1;
        for (String l : lines) {
            Matcher m = stamp.matcher(l);
            if (!m.find()) {
                continue;
            }
            String text = m.group(2);
            if (text.startsWith(start.getName() + " ")) {
                in = true;
            } else if (in && text.startsWith("Thread ") && text.contains(" started (pthread id")) {
                started = Long.parseLong(m.group(1));
            } else if (in && text.startsWith(end.getName() + " ")) {
                return started < 0 ? -1 : (Long.parseLong(m.group(1)) - started) / 1e6;
            }
        }
        return -1;
    }

    /** The classes loaded between the two markers' log lines: "name source" per class. */
    private static List<String> window(List<String> lines, Class<?> start, Class<?> end) {
        Pattern load = Pattern.compile("^\\[[^]]*\\] (\\S+) source: (.*)$");
        List<String> classes = new ArrayList<>();
        boolean in = false;
        for (String l : lines) {
            Matcher m = load.matcher(l);
            if (!m.find()) {
                continue;
            }
            String name = m.group(1);
            if (name.equals(start.getName())) {
                in = true;
            } else if (name.equals(end.getName())) {
                return classes;
            } else if (in) {
                classes.add(name + " (" + l.substring(1, l.indexOf(']')) + ", " + m.group(2) + ")");
            }
        }
        throw new IllegalStateException("markers " + start.getSimpleName() + "/" + end.getSimpleName() + " not in the log");
    }

    // ------------------------------------------------------------------ child JVM

    private static void child(int handoffs) throws Exception {
        double[] fromGo = new double[handoffs];
        double[] fromStart = new double[handoffs];
        double[] fromLoop = new double[handoffs];
        long[] requests = new long[handoffs];
        int[] newMachines = new int[handoffs];
        try (GoRuntime rt = GoRuntime.builder().maxProcs(1).build()) {
            for (int i = 0; i < handoffs; i++) {
                // By name: a class literal here would load the marker before its window.
                String start = i == 0 ? "FirstStart" : i == 1 ? "WarmStart" : null;
                String end = i == 0 ? "FirstEnd" : i == 1 ? "WarmEnd" : null;
                RuntimeStats before = rt.stats();
                long[] t = handoff(rt, start, end);
                RuntimeStats after = rt.stats();
                if (after.handoffs() != before.handoffs() + 1) {
                    throw new IllegalStateException("expected one hand-off, saw " + (after.handoffs() - before.handoffs()));
                }
                fromGo[i] = (t[3] - t[0]) / 1e6;
                fromStart[i] = (t[3] - t[1]) / 1e6;
                fromLoop[i] = (t[3] - t[2]) / 1e6;
                requests[i] = after.preemptRequests() - before.preemptRequests();
                newMachines[i] = after.threads() - before.threads();
            }
        }
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < handoffs; i++) {
            all.append(i == 0 ? "" : " ").append(String.format("%.1f", fromGo[i]));
        }
        System.out.printf("first: go=%.1f start=%.1f loop=%.1f requests=%d machines=%d; later (median): go=%.1f start=%.1f "
                        + "loop=%.1f; all from go: [%s] ms%n",
                fromGo[0], fromStart[0], fromLoop[0], requests[0], newMachines[0], median(later(fromGo)),
                median(later(fromStart)), median(later(fromLoop)), all);
    }

    private static double[] later(double[] xs) {
        return Arrays.copyOfRange(xs, 1, xs.length);
    }

    /** One hand-off: System.nanoTime at go(A), at A's first instruction, at A's loop, at B's first instruction. */
    private static long[] handoff(GoRuntime rt, String startMarker, String endMarker) throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        long[] t = new long[4];
        CountDownLatch done = new CountDownLatch(2);
        Runnable b = () -> {
            t[3] = System.nanoTime();
            load(endMarker);
            ran.set(true);
            done.countDown();
        };
        Runnable a = () -> {
            t[1] = System.nanoTime();
            Go.go(b);
            t[2] = System.nanoTime();
            while (!ran.get()) {
                Thread.onSpinWait(); // holds the processor: no runtime call
            }
            done.countDown();
        };
        load(startMarker);
        t[0] = System.nanoTime();
        rt.go(a);
        if (!done.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no hand-off within 30 s");
        }
        return t;
    }

    private static void load(String marker) {
        if (marker != null) {
            try {
                Class.forName(ColdHandoff.class.getName() + "$" + marker, true, ColdHandoff.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    // ------------------------------------------------------------------ statistics

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static int median(int[] xs) {
        int[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double min(double[] xs) {
        return Arrays.stream(xs).min().orElse(0);
    }

    private static double max(double[] xs) {
        return Arrays.stream(xs).max().orElse(0);
    }

    private static int min(int[] xs) {
        return Arrays.stream(xs).min().orElse(0);
    }

    private static int max(int[] xs) {
        return Arrays.stream(xs).max().orElse(0);
    }
}
