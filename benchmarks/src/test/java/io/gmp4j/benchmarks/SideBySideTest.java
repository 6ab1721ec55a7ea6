package io.gmp4j.benchmarks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every workload of {@link SideBySide} (the Java side of {@code benchmarks/vs-go.sh}), tiny, for
 * {@code gmp} and {@code jdk}, each implementation and processor count in a fresh JVM as the
 * script runs them: each must exit 0 with well-formed {@code RESULT} lines, which it prints only
 * after its own check (counts, sums, every slot) passed.
 */
class SideBySideTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);
    private static final String TINY = "--n 2000 --warmup 1 --passes 2 --calls 1 --timeout 30";
    private static final int N = 2000;

    /** How a child JVM ended. */
    record Child(int exitCode, String output) {}

    static Child run(List<String> jvmFlags, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add(Schedulers.OPENS);
        cmd.add(Schedulers.NATIVE_ACCESS);
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(SideBySide.class.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[][] out = new byte[1][];
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = ("(reading the child's output failed: " + e + ")").getBytes(StandardCharsets.UTF_8);
            }
        });
        if (!p.waitFor(CHILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            reader.join(Duration.ofSeconds(10));
            fail("child JVM timed out after " + CHILD_TIMEOUT.toSeconds() + " s: " + cmd + "\n"
                    + (out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8)));
        }
        assertTrue(reader.join(Duration.ofSeconds(10)), "the child's output did not end");
        return new Child(p.exitValue(), new String(out[0], StandardCharsets.UTF_8));
    }

    /** The RESULT lines of a run, parsed; fails on a malformed one. */
    static List<Map<String, String>> results(String output) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : output.lines().toList()) {
            if (!line.startsWith("RESULT ")) {
                continue;
            }
            Map<String, String> f = new HashMap<>();
            for (String kv : line.substring(7).split(" ")) {
                int eq = kv.indexOf('=');
                assertTrue(eq > 0, () -> "not key=value: '" + kv + "' in " + line);
                f.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            for (String k : List.of("workload", "variant", "procs", "impl", "metric", "value", "n", "passes", "min", "max")) {
                assertTrue(f.containsKey(k), () -> "no " + k + " in " + line);
            }
            double v = Double.parseDouble(f.get("value"));
            assertTrue(Double.isFinite(v), line);
            assertTrue(Double.parseDouble(f.get("min")) <= v && v <= Double.parseDouble(f.get("max")), line);
            if (!f.get("metric").startsWith("bytes_")) { // a memory delta of 2,000 goroutines may be noise
                assertTrue(v > 0, line);
            }
            rows.add(f);
        }
        return rows;
    }

    private static void runsAndChecksOut(String impl, int procs, String workloads, Set<String> expected, String... extra)
            throws Exception {
        List<String> flags = impl.equals("jdk")
                ? List.of("-Djdk.virtualThreadScheduler.parallelism=" + procs,
                          "-Djdk.virtualThreadScheduler.maxPoolSize=" + procs)
                : List.of();
        List<String> args = new ArrayList<>(List.of(workloads, "--impl", impl, "--procs", Integer.toString(procs)));
        args.addAll(List.of(TINY.split(" ")));
        args.addAll(List.of(extra));
        Child c = run(flags, args.toArray(String[]::new));
        assertEquals(0, c.exitCode(), c.output());
        assertFalse(c.output().contains("FAIL") || c.output().contains("STALL"), c.output());
        List<Map<String, String>> rows = results(c.output());
        Set<String> seen = new TreeSet<>();
        for (Map<String, String> f : rows) {
            seen.add(f.get("workload") + "/" + f.get("metric"));
            assertEquals(impl, f.get("impl"), f.toString());
            assertEquals(Integer.toString(procs), f.get("procs"), f.toString());
            assertEquals(Integer.toString(N), f.get("n"), f.toString());
            switch (f.get("workload") + "/" + f.get("metric")) {
                // the same checksums as the Go twin computes, from the same formulas
                case "fanout/items_per_s" -> assertEquals(SideBySide.hex(fanoutSum()), f.get("check"), f.toString());
                case "uneven/efficiency_pct" -> assertEquals(SideBySide.hex(unevenSum()), f.get("check"), f.toString());
                default -> { }
            }
        }
        assertEquals(new TreeSet<>(expected), seen, c.output());
    }

    static long fanoutSum() {
        long s = 0;
        for (int i = 0; i < N; i++) {
            s += FanOutFanInBenchmark.work(i + 1);
        }
        return s;
    }

    static long unevenSum() {
        int[] units = SideBySide.unevenSizes(N);
        long s = 0;
        for (int i = 0; i < N; i++) {
            s += SideBySide.work(i + 1, units[i]);
        }
        return s;
    }

    private static final String ALL = String.join(",", SideBySide.WORKLOADS);
    private static final Set<String> ALL_METRICS = Set.of("pingpong/ns_per_handoff", "parkpingpong/ns_per_handoff",
            "fanout/items_per_s", "spawn/ns_per_goroutine", "wake/ms_wake", "parkedmem/bytes_rss_per_goroutine",
            "parkedmem/bytes_live_per_goroutine", "uneven/efficiency_pct", "uneven/makespan_ms", "uneven/seq_ms",
            "syscallmix/cpu_delay", "syscallmix/blocking_ms");
    private static final Set<String> ONE_PROC_METRICS =
            Set.of("pingpong/ns_per_handoff", "parkpingpong/ns_per_handoff", "fanout/items_per_s");

    @Test
    @Timeout(value = 90, unit = SECONDS)
    void everyWorkloadOnGmpChecksOut() throws Exception {
        runsAndChecksOut("gmp", 2, ALL, ALL_METRICS);
        runsAndChecksOut("gmp", 1, "pingpong,parkpingpong,fanout", ONE_PROC_METRICS, "--capacity", "128");
    }

    @Test
    @Timeout(value = 90, unit = SECONDS)
    void everyWorkloadOnJdkVirtualThreadsChecksOut() throws Exception {
        runsAndChecksOut("jdk", 2, ALL, ALL_METRICS);
        runsAndChecksOut("jdk", 1, "pingpong,parkpingpong,fanout", ONE_PROC_METRICS, "--capacity", "128");
    }

    @Test
    @Timeout(value = 60, unit = SECONDS)
    void badArgumentsExitWithUsage() throws Exception {
        Child c = run(List.of(), "nosuchworkload");
        assertEquals(2, c.exitCode(), c.output());
        assertTrue(c.output().contains("unknown workload 'nosuchworkload'") && c.output().contains("usage:"), c.output());
        Child mismatch = run(List.of("-Djdk.virtualThreadScheduler.parallelism=3"), "spawn", "--impl", "jdk", "--procs", "2");
        assertEquals(1, mismatch.exitCode(), mismatch.output());
        assertTrue(mismatch.output().contains("-Djdk.virtualThreadScheduler.parallelism=3 but --procs 2"), mismatch.output());
    }
}
