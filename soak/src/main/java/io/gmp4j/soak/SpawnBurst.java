package io.gmp4j.soak;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.random.RandomGenerator;

/**
 * 100,000 to 150,000 goroutines started by one or two spawners that never block: each spawns a
 * chunk, then holds its processor in a CPU loop without any runtime call, so the system monitor
 * (on gmp) retires the processor and hands its queue to another machine while the spawner goes
 * on pushing into the retired one. Every spawned goroutine sets its own bit: a bit set twice is
 * a goroutine run twice, a bit never set is a goroutine lost. On {@code fifo} and {@code jdk},
 * which never preempt, a spawner holds its worker for the whole burst (with one worker, every
 * other goroutine waits up to a second or two: the episodes' "longest without progress").
 */
final class SpawnBurst extends Episode {
    private final int total;
    private final int spawners;
    private final AtomicLongArray seen;
    private final AtomicInteger ran = new AtomicInteger();
    private final AtomicInteger spawned = new AtomicInteger();
    private long handoffsBefore;

    SpawnBurst(Phase phase, int number, long seed) {
        super(phase, "burst", number, seed);
        total = 100_000 + rng.nextInt(50_001);
        spawners = rng.nextInt(4) == 0 ? 2 : 1;
        seen = new AtomicLongArray((total + 63) / 64);
    }

    @Override
    void launch() {
        counters.inc(Counter.BURSTS);
        handoffsBefore = rt.stats().handoffs();
        int share = total / spawners;
        for (int s = 0; s < spawners; s++) {
            int from = s * share;
            int to = s == spawners - 1 ? total : from + share;
            long spawnerSeed = rng.nextLong();
            go(() -> spawn(from, to, spawnerSeed));
        }
    }

    private void spawn(int from, int to, long spawnerSeed) {
        RandomGenerator r = Diag.rng(spawnerSeed);
        int i = from;
        while (i < to) {
            int end = Math.min(to, i + 1 + r.nextInt(r.nextBoolean() ? 300 : 6000));
            int chunk = end - i;
            for (; i < end; i++) {
                int index = i;
                go(() -> ran(index));
                step(); // spawning is progress: on fifo and jdk nothing else runs on this worker meanwhile
            }
            spawned.addAndGet(chunk);
            int pick = r.nextInt(4);
            if (pick > 0) {
                // No runtime call in here: a preemption request cannot be honoured; the monitor retakes.
                Diag.spin(TimeUnit.MICROSECONDS.toNanos(1 + r.nextInt(pick == 3 ? 25_000 : 3_000)));
            }
        }
    }

    private void ran(int index) {
        if (!Diag.setBit(seen, index)) {
            fail("burst goroutine " + index + " ran twice");
        }
        ran.incrementAndGet();
    }

    @Override
    void verify() {
        int bits = 0;
        for (int w = 0; w < seen.length(); w++) {
            bits += Long.bitCount(seen.get(w));
        }
        if (ran.get() != total || bits != total) {
            fail(total + " goroutines spawned, " + ran.get() + " ran, " + bits + " distinct: "
                    + (total - bits) + " lost");
        }
        counters.add(Counter.BURST_GOROUTINES, ran.get());
        phase.run.noteBurstHandoffs(rt.stats().handoffs() - handoffsBefore);
    }

    @Override
    String state() {
        return "spawned " + spawned.get() + ", ran " + ran.get() + " of " + total + " (" + spawners + " spawner(s))";
    }
}
