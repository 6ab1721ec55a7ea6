package io.gmp4j.soak;

import java.util.concurrent.atomic.LongAdder;

/** One {@link LongAdder} per {@link Counter}: any thread adds, anyone reads a (racy) sum. */
final class Counters {
    private final LongAdder[] adders = new LongAdder[Counter.values().length];

    Counters() {
        for (int i = 0; i < adders.length; i++) {
            adders[i] = new LongAdder();
        }
    }

    void inc(Counter c) {
        adders[c.ordinal()].increment();
    }

    void add(Counter c, long n) {
        adders[c.ordinal()].add(n);
    }

    long get(Counter c) {
        return adders[c.ordinal()].sum();
    }

    /** Adds every counter of {@code other} into this one. */
    void addAll(Counters other) {
        for (Counter c : Counter.values()) {
            add(c, other.get(c));
        }
    }
}
