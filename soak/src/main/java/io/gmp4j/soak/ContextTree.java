package io.gmp4j.soak;

import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.ContextException;
import io.gmp4j.runtime.Go;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A tree of 6-45 contexts ({@code withCancel}, {@code withTimeout} of 1-300 ms, {@code withValue})
 * with one goroutine waiting on each node's {@code done()}, and a canceller that cancels random
 * nodes at random moments, then the root. Every waiter must wake; {@code err()} must be set once
 * {@code done()} is closed; a deadline must not end a context before it (2 ms of slack for the
 * wall clock against the monotonic one); a value context must end with its parent.
 */
final class ContextTree extends Episode {
    /** Instant (wall clock) against System.nanoTime (the timers): the clocks may disagree by this much. */
    static final Duration CLOCK_SLACK = Duration.ofMillis(2);
    private static final Object KEY = new Object();

    private final int n;
    private final int[] parent;
    private final int[] type;
    private final long[] timeoutNanos;
    private volatile Context[] nodes;

    ContextTree(Phase phase, int number, long seed) {
        super(phase, "contexts", number, seed);
        n = 6 + rng.nextInt(40);
        parent = new int[n];
        type = new int[n];
        timeoutNanos = new long[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i == 0 ? -1 : rng.nextInt(i);
            int t = rng.nextInt(10);
            type[i] = i == 0 ? (rng.nextBoolean() ? 0 : 1) : t < 5 ? 0 : t < 9 ? 1 : 2;
            timeoutNanos[i] = i == 0 ? 50_000_000L + rng.nextInt(350_000_000) : 1_000_000L + rng.nextInt(300_000_000);
        }
    }

    @Override
    void launch() {
        long s = rng.nextLong();
        // Contexts with deadlines hold runtime timers: they must be made inside a goroutine of the
        // phase's runtime (from the conductor they would land on the default runtime).
        go(() -> build(s));
    }

    private void build(long s) {
        Context[] ctx = new Context[n];
        for (int i = 0; i < n; i++) {
            Context p = i == 0 ? Context.background() : ctx[parent[i]];
            ctx[i] = switch (type[i]) {
                case 0 -> Context.withCancel(p);
                case 1 -> Context.withTimeout(p, Duration.ofNanos(timeoutNanos[i]));
                default -> Context.withValue(p, KEY, i);
            };
        }
        nodes = ctx;
        counters.add(Counter.CONTEXTS, n);
        for (int i = 0; i < n; i++) {
            int node = i;
            go(() -> await(node));
        }
        RandomGenerator r = Diag.rng(s);
        int cancels = r.nextInt(6);
        for (int c = 0; c < cancels; c++) {
            Go.sleep(Duration.ofMillis(1 + r.nextInt(80)));
            Context victim = ctx[r.nextInt(n)];
            if (r.nextBoolean()) {
                victim.cancel();
            } else {
                victim.cancel(new Injected.Fault("cause"));
            }
            step();
        }
        Go.sleep(Duration.ofMillis(r.nextInt(50)));
        ctx[0].cancel();
    }

    private void await(int i) {
        Context c = nodes[i];
        if (c.done().recv() != null) {
            fail("a value came out of a done() channel");
        }
        Instant now = Instant.now();
        ContextException err = c.err();
        if (err == Context.DEADLINE_EXCEEDED) {
            Optional<Instant> deadline = c.deadline();
            if (deadline.isEmpty()) {
                fail("context " + i + " (" + c + ") ended with DEADLINE_EXCEEDED but has no deadline");
            } else if (now.isBefore(deadline.get().minus(CLOCK_SLACK))) {
                fail("context " + i + " (" + c + ") ended " + Duration.between(now, deadline.get()).toNanos() / 1000
                        + " us before its deadline");
            }
            counters.inc(Counter.CONTEXTS_DEADLINE);
        } else if (err == Context.CANCELED) {
            counters.inc(Counter.CONTEXTS_CANCELED);
        } else {
            fail("context " + i + " (" + c + ") done but err() is " + err);
        }
        if (type[i] == 2 && nodes[parent[i]].err() == null) {
            fail("value context " + i + " ended before its parent");
        }
        step();
    }

    @Override
    String state() {
        Context[] ctx = nodes;
        if (ctx == null) {
            return "tree not built";
        }
        int live = 0;
        for (Context c : ctx) {
            if (c.err() == null) {
                live++;
            }
        }
        return live + " of " + n + " contexts not ended";
    }
}
