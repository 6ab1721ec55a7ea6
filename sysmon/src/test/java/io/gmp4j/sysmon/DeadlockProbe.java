package io.gmp4j.sysmon;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.GoRuntime;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Child-JVM program: the shapes of a Java program whose goroutines all wait on a channel while
 * the JVM's {@code main} thread — a platform thread outside the runtime — either can still wake
 * them or cannot. Run by {@link DeadlockReportTest}; its only non-daemon thread is {@code main}.
 *
 * <ul>
 *   <li>{@code sleeper N}: {@code main} starts N goroutines that receive from a channel, sleeps
 *       in {@code Thread.sleep} while the system monitor looks several times, then closes the
 *       channel. The default deadlock handler (print) is used, as in a user's program. Prints
 *       {@code woken N} and exits 0.
 *   <li>{@code deadlock N}: {@code main} starts N goroutines that receive from a channel nobody
 *       sends on and waits in {@code GoRuntime.close()}. The handler prints the report and
 *       {@code reported after <ms> ms} (since the last goroutine parked), then exits with 2.
 * </ul>
 */
public final class DeadlockProbe {
    /** Monitor cycles to sleep through once the goroutines are parked: enough for two checks 200 ms apart. */
    private static final int CHECKS = 4;
    private static volatile long parkedAt;

    private DeadlockProbe() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int n = Integer.parseInt(args[1]);
        GoRuntime.Builder b = GoRuntime.builder().maxProcs(2);
        if (mode.equals("deadlock")) {
            b.deadlockHandler((rt, report) -> {
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - parkedAt);
                System.out.print(report);
                System.out.println("reported after " + ms + " ms");
                System.out.flush();
                System.exit(2);
            });
        }
        Chan<Integer> ch = Chan.make();
        CountDownLatch woken = new CountDownLatch(n);
        GoRuntime rt = b.build();
        Thread[] gs = new Thread[n];
        for (int i = 0; i < n; i++) {
            gs[i] = rt.go(() -> {
                ch.recv();
                woken.countDown();
            });
        }
        awaitParked(gs);
        parkedAt = System.nanoTime();
        switch (mode) {
            case "sleeper" -> {
                // The shape under test: a platform thread that sleeps, then wakes the goroutines.
                long ticks = rt.stats().sysmonTicks();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (rt.stats().sysmonTicks() < ticks + CHECKS && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                ch.close();
                if (!woken.await(30, TimeUnit.SECONDS)) {
                    System.out.println("not all goroutines woke: " + woken.getCount() + " left");
                    System.exit(3);
                }
                rt.close();
                System.out.println("woken " + n);
            }
            case "deadlock" -> {
                rt.close(); // waits for goroutines that nobody will wake: the handler exits
                System.out.println("close() returned: no deadlock was reported");
                System.exit(4);
            }
            default -> throw new IllegalArgumentException("mode: " + mode + " (expected: sleeper or deadlock)");
        }
    }

    /** Bounded: every goroutine is parked in its receive (WAITING), or exit 3. */
    private static void awaitParked(Thread[] gs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Thread g : gs) {
            while (g.getState() != Thread.State.WAITING) {
                if (System.nanoTime() > deadline) {
                    System.out.println("goroutines did not all park");
                    System.exit(3);
                }
                Thread.onSpinWait(); // bounded poll on the goroutine's state (deadline above)
            }
        }
    }
}
