package io.gmp4j.soak;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Go;

import java.time.Duration;

/**
 * 10-200 goroutines, most of which throw — an exception or an {@link Error}, at once, after a
 * sleep, after a channel receive, from inside {@code Go.syscall}, or from a goroutine they start.
 * Each throw is counted just before it happens; the runtime's uncaught-exception handler counts
 * what reaches it (the phase checks the two counts match, and that nothing else reached it),
 * and no machine may die of it.
 */
final class Throwers extends Episode {
    Throwers(Phase phase, int number, long seed) {
        super(phase, "throwers", number, seed);
    }

    @Override
    void launch() {
        int n = 10 + rng.nextInt(191);
        long s = rng.nextLong();
        Chan<Boolean> gate = Chan.make();
        for (int i = 0; i < n; i++) {
            int how = rng.nextInt(7);
            long arg = rng.nextInt(5_000_000);
            go(() -> thrower(how, arg, gate));
        }
        go(() -> {
            Go.sleep(Duration.ofNanos(Diag.rng(s).nextInt(10_000_000)));
            gate.close();
        });
    }

    private void thrower(int how, long arg, Chan<Boolean> gate) {
        switch (how) {
            case 0 -> raise(false);
            case 1 -> raise(true);
            case 2 -> {
                Go.sleep(Duration.ofNanos(arg));
                raise(arg % 2 == 0);
            }
            case 3 -> {
                gate.recv();
                raise(false);
            }
            case 4 -> {
                counters.inc(Counter.SYSCALLS); // the phase compares the runtime's syscall count with the soak's
                try {
                    Go.syscall(() -> {
                        raise(false);
                        return null;
                    });
                } catch (Injected.Fault f) {
                    throw f; // unchanged by Go.syscall; counted once, when raised
                } catch (Exception e) {
                    fail("Go.syscall changed the throwable: " + e);
                }
            }
            case 5 -> go(() -> raise(arg % 3 == 0));
            default -> {
                // does not throw
            }
        }
    }

    /** Throws an injected throwable out of the calling goroutine, counted first. */
    private void raise(boolean error) {
        counters.inc(Counter.THROWN);
        step();
        if (error) {
            throw new Injected.Failure("injected error");
        }
        throw new Injected.Fault("injected fault");
    }
}
