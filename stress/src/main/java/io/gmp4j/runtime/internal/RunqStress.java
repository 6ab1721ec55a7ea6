package io.gmp4j.runtime.internal;

import java.util.IdentityHashMap;
import java.util.Map;

/** Bookkeeping shared by the run-queue stress tests: which goroutine ended where, how often. */
final class RunqStress {
    private RunqStress() {}

    /** A goroutine that is only a token: the stress tests never run it. */
    static G token() {
        return new G(null);
    }

    /** Counts every goroutine left in p's runnext and local queue (draining them). */
    static void drain(Processor p, Map<G, Integer> seen) {
        G g;
        while ((g = p.runqget()) != null) {
            seen.merge(g, 1, Integer::sum);
        }
    }

    static void count(G g, Map<G, Integer> seen) {
        if (g != null) {
            seen.merge(g, 1, Integer::sum);
        }
    }

    /** 0 when each of {@code all} was seen exactly once, 1 when one was lost, 2 when one was seen twice. */
    static int verdict(G[] all, Map<G, Integer> seen) {
        for (G g : all) {
            Integer n = seen.get(g);
            if (n == null) {
                return 1;
            }
            if (n != 1) {
                return 2;
            }
        }
        return seen.size() == all.length ? 0 : 2;
    }

    static Map<G, Integer> newSeen() {
        return new IdentityHashMap<>();
    }
}
