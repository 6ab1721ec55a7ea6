package io.gmp4j.soak;

import io.gmp4j.runtime.Go;
import io.gmp4j.runtime.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.random.RandomGenerator;

/**
 * 20-220 goroutines, each making 1-8 {@code Go.syscall} calls of every sort: a park (unmounts
 * inside the call), a busy wait (holds the machine: on gmp the monitor hands the processor off),
 * an instant return, a throw (must come out unchanged), {@code Thread.sleep}, a channel receive
 * from a timer. Every call must return its own token; on gmp the runtime's syscall count must
 * equal the calls made (checked by the phase).
 */
final class SyscallStorm extends Episode {
    SyscallStorm(Phase phase, int number, long seed) {
        super(phase, "syscalls", number, seed);
    }

    @Override
    void launch() {
        int n = 20 + rng.nextInt(201);
        for (int i = 0; i < n; i++) {
            long s = rng.nextLong();
            go(() -> caller(s));
        }
    }

    private void caller(long s) {
        RandomGenerator r = Diag.rng(s);
        int calls = 1 + r.nextInt(8);
        for (int c = 0; c < calls; c++) {
            int kind = r.nextInt(6);
            long micros = 1 + r.nextInt(kind == 1 ? 1000 : 2000);
            Integer token = r.nextInt();
            Injected.Fault fault = kind == 3 ? new Injected.Fault("syscall " + token) : null;
            try {
                Integer result = Go.syscall(() -> {
                    switch (kind) {
                        case 0 -> LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(micros));
                        case 1 -> Diag.spin(TimeUnit.MICROSECONDS.toNanos(micros));
                        case 3 -> throw fault;
                        case 4 -> Thread.sleep(Duration.ofNanos(TimeUnit.MICROSECONDS.toNanos(micros)));
                        case 5 -> {
                            if (Timer.after(Duration.ofNanos(TimeUnit.MICROSECONDS.toNanos(micros))).recv() == null) {
                                fail("a timer channel was closed");
                            }
                        }
                        default -> {
                            // returns at once
                        }
                    }
                    return token;
                });
                if (fault != null) {
                    fail("Go.syscall returned " + result + " although the call threw");
                } else if (!token.equals(result)) {
                    fail("Go.syscall returned " + result + ", the call returned " + token);
                }
            } catch (Injected.Fault f) {
                if (f != fault) {
                    fail("Go.syscall threw a fault that is not the call's: " + f);
                }
            } catch (Exception e) {
                fail("Go.syscall threw " + e);
            }
            counters.inc(Counter.SYSCALLS);
            step();
        }
    }
}
