package io.gmp4j.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The soak's command line.
 *
 * @param seconds       how long the workload runs, in total over every phase
 * @param seed          the seed of the plan (phases, episodes, their sizes and timings)
 * @param seedGiven     whether the seed came from the command line
 * @param schedulers    the schedulers to rotate through, one per phase in this order
 * @param phaseSeconds  the longest phase (a fresh runtime each); the run has at least one phase per scheduler
 * @param stallMillis   the phase's progress counter standing still this long while work is in flight is a stall
 * @param episodeStallMillis one episode's progress counter standing still this long is a stall (a lost
 *                      wake-up or a starved goroutine while the rest of the runtime goes on)
 * @param closeSeconds  the longest {@code GoRuntime.close()} may take
 * @param reportSeconds how often a progress line is printed
 * @param kinds         the episode kinds to run (all by default; fewer to narrow a failure down)
 */
public record Options(long seconds, long seed, boolean seedGiven, List<String> schedulers, long phaseSeconds,
                      long stallMillis, long episodeStallMillis, long closeSeconds, long reportSeconds,
                      List<String> kinds) {

    static final String USAGE = "usage: soak [--minutes N] [--seconds N] [--seed S] [--schedulers gmp,fifo,jdk] "
            + "[--phase-seconds N] [--stall-ms N] [--episode-stall-ms N] [--close-seconds N] [--report-seconds N] "
            + "[--kinds burst,hogs,...]";
    private static final Set<String> BUILT_IN = Set.of("gmp", "fifo", "jdk");

    /** Checks the values. */
    public Options {
        if (seconds < 1) {
            throw new IllegalArgumentException("duration: " + seconds + " s (expected: >= 1 s)");
        }
        schedulers = List.copyOf(schedulers);
        if (schedulers.isEmpty()) {
            throw new IllegalArgumentException("--schedulers: empty (expected: some of gmp,fifo,jdk)");
        }
        for (String s : schedulers) {
            if (!BUILT_IN.contains(s)) {
                throw new IllegalArgumentException("--schedulers: '" + s + "' (expected: gmp, fifo or jdk)");
            }
        }
        kinds = List.copyOf(kinds);
        for (String k : kinds) {
            if (!Phase.KIND_NAMES.contains(k)) {
                throw new IllegalArgumentException("--kinds: '" + k + "' (expected some of " + Phase.KIND_NAMES + ")");
            }
        }
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("--kinds: empty (expected some of " + Phase.KIND_NAMES + ")");
        }
        if (phaseSeconds < 1 || stallMillis < 1 || episodeStallMillis < 1 || closeSeconds < 1 || reportSeconds < 1) {
            throw new IllegalArgumentException("--phase-seconds, --stall-ms, --episode-stall-ms, --close-seconds, "
                    + "--report-seconds: expected >= 1");
        }
    }

    /** The defaults with another duration and seed (tests). */
    public static Options of(long seconds, long seed) {
        return new Options(seconds, seed, true, List.of("gmp", "fifo", "jdk"), 30, 1000, 10_000, 30, 5,
                Phase.KIND_NAMES);
    }

    /**
     * Parses {@code args}; without a duration, 10 minutes; without a seed, a random one.
     *
     * @throws IllegalArgumentException naming the bad option
     */
    public static Options parse(String[] args) {
        long minutes = -1;
        long secs = -1;
        Long seed = null;
        List<String> schedulers = List.of("gmp", "fifo", "jdk");
        long phase = 30;
        long stall = 1000;
        long episodeStall = 10_000;
        long close = 30;
        long report = 5;
        List<String> kinds = Phase.KIND_NAMES;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + ": missing value (" + USAGE + ")");
            }
            String v = args[++i];
            switch (a) {
                case "--minutes" -> minutes = number(a, v, 0);
                case "--seconds" -> secs = number(a, v, 0);
                case "--seed" -> {
                    try {
                        seed = Long.parseLong(v.trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--seed: '" + v + "' (expected: a long)");
                    }
                }
                case "--schedulers" -> schedulers = list(v);
                case "--kinds" -> kinds = list(v);
                case "--phase-seconds" -> phase = number(a, v, 1);
                case "--stall-ms" -> stall = number(a, v, 1);
                case "--episode-stall-ms" -> episodeStall = number(a, v, 1);
                case "--close-seconds" -> close = number(a, v, 1);
                case "--report-seconds" -> report = number(a, v, 1);
                default -> throw new IllegalArgumentException("unknown option " + a + " (" + USAGE + ")");
            }
        }
        long total = minutes < 0 && secs < 0 ? 600 : Math.max(0, minutes) * 60 + Math.max(0, secs);
        boolean given = seed != null;
        long s = given ? seed : new java.security.SecureRandom().nextLong();
        return new Options(total, s, given, schedulers, phase, stall, episodeStall, close, report, kinds);
    }

    private static List<String> list(String v) {
        List<String> list = new ArrayList<>();
        for (String s : v.split(",")) {
            if (!s.isBlank()) {
                list.add(s.trim());
            }
        }
        return list;
    }

    private static long number(String option, String value, long min) {
        try {
            long n = Long.parseLong(value.trim());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(option + ": '" + value + "' (expected: an integer >= " + min + ")");
    }
}
