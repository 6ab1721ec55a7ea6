package io.gmp4j.soak;

import java.util.random.RandomGenerator;

/**
 * Introspection while everything else runs: {@code Thread.getStackTrace()} of random recent
 * goroutines (running, parked, queued or ended), {@code GoRuntime.dumpGoroutines},
 * {@code schedtraceDetail()} and {@code stats()}, from a goroutine and from a platform thread.
 * A goroutine's own stack must show its caller, and a dump taken by a goroutine must list it.
 */
final class Inspect extends Episode {
    /** Dumps of more goroutines than this are counted, not kept (a burst can have 150,000 alive). */
    private static final int KEEP_DUMP_BELOW = 5_000;

    Inspect(Phase phase, int number, long seed) {
        super(phase, "inspect", number, seed);
    }

    @Override
    void launch() {
        int traces = 5 + rng.nextInt(60);
        boolean dump = rng.nextInt(3) != 0;
        long s = rng.nextLong();
        go(() -> inspect(Diag.rng(s), traces, dump, true));
        if (rng.nextInt(3) == 0) {
            long p = rng.nextLong();
            boolean platformDump = rng.nextBoolean();
            platform("inspect", () -> inspect(Diag.rng(p), traces, platformDump, false));
        }
    }

    private void inspect(RandomGenerator r, int traces, boolean dump, boolean fromGoroutine) {
        for (int i = 0; i < traces; i++) {
            Thread t = phase.recent(r);
            if (t != null) {
                t.getStackTrace();
                counters.inc(Counter.STACK_TRACES);
                step();
            }
        }
        if (fromGoroutine) {
            boolean found = false;
            for (StackTraceElement f : Thread.currentThread().getStackTrace()) {
                if (f.getClassName().equals(Inspect.class.getName()) && f.getMethodName().equals("inspect")) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                fail("a goroutine's own stack trace does not show the method it is in");
            }
        }
        if (dump) {
            dump(fromGoroutine);
        }
        rt.schedtraceDetail();
        rt.stats();
        step();
    }

    private void dump(boolean fromGoroutine) {
        if (rt.numGoroutine() < KEEP_DUMP_BELOW) {
            StringBuilder sb = new StringBuilder();
            rt.dumpGoroutines(sb);
            if (fromGoroutine && sb.indexOf("goroutine " + Thread.currentThread().threadId() + " [") < 0) {
                fail("a goroutine's dump does not list the goroutine itself");
            }
        } else {
            rt.dumpGoroutines(new Counting());
        }
        counters.inc(Counter.DUMPS);
        step();
    }

    /** Counts what a large dump would print; a step of progress per 256 appends. */
    private final class Counting implements Appendable {
        private long appends;

        @Override
        public Appendable append(CharSequence csq) {
            return tick();
        }

        @Override
        public Appendable append(CharSequence csq, int start, int end) {
            return tick();
        }

        @Override
        public Appendable append(char c) {
            return tick();
        }

        private Appendable tick() {
            if ((++appends & 255) == 0) {
                step();
            }
            return this;
        }
    }
}
