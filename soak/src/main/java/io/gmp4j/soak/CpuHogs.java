package io.gmp4j.soak;

import io.gmp4j.runtime.Go;

import java.util.concurrent.TimeUnit;

/**
 * One or two goroutines that hold their processor for 20-120 ms: most in a CPU loop with no
 * runtime call at all (only a retake gets the processor's queue moving again), some calling
 * {@code Go.checkpoint()} every 50 µs (they yield when the monitor asks).
 */
final class CpuHogs extends Episode {
    CpuHogs(Phase phase, int number, long seed) {
        super(phase, "hogs", number, seed);
    }

    @Override
    void launch() {
        int n = 1 + rng.nextInt(2);
        for (int i = 0; i < n; i++) {
            long nanos = TimeUnit.MILLISECONDS.toNanos(20 + rng.nextInt(101));
            boolean cooperative = rng.nextInt(3) == 0;
            go(() -> {
                if (cooperative) {
                    long end = System.nanoTime() + nanos;
                    while (System.nanoTime() - end < 0) {
                        Diag.spin(50_000);
                        Go.checkpoint();
                        step();
                    }
                } else {
                    Diag.spin(nanos);
                }
                counters.inc(Counter.HOGS);
            });
        }
    }
}
