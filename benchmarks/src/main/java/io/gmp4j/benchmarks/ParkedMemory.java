package io.gmp4j.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Heap bytes per parked goroutine: starts N goroutines that all park on one latch, measures
 * used heap after repeated GCs before and after, then releases them. Not a JMH benchmark (it
 * measures memory, not time). Run:
 * {@code java --add-opens java.base/java.lang=ALL-UNNAMED -cp benchmarks/target/gmp4j-benchmarks.jar
 * io.gmp4j.benchmarks.ParkedMemory 100000}
 */
public final class ParkedMemory {
    private ParkedMemory() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        String[] schedulers = args.length > 1 ? args[1].split(",") : new String[] {"gmp", "jdk", "fifo", "raw-vthread"};
        // The first measurement of a JVM is skewed by start-up garbage and class metadata:
        // run one and throw it away.
        measure("raw-vthread", n);
        for (String s : schedulers) {
            measure(s, n);      // warm-up round: class loading, JIT, runtime structures
            double perG = measure(s, n);
            System.out.printf("%-12s %,d parked goroutines: %,.0f bytes of heap each%n", s, n, perG);
        }
    }

    private static long usedAfterGc(MemoryMXBean mem) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50); // let the collector finish; this is a measurement harness, not a test
            used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static double measure(String scheduler, int n) throws Exception {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        try (Schedulers s = new Schedulers(scheduler, Runtime.getRuntime().availableProcessors())) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch parked = new CountDownLatch(n);
            Thread[] threads = new Thread[n]; // allocated before the baseline: not counted
            long before = usedAfterGc(mem);
            for (int i = 0; i < n; i++) {
                threads[i] = s.go(() -> {
                    parked.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            if (!parked.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("goroutines did not all start on " + scheduler);
            }
            // all have counted down; wait until every one has really parked (unmounted)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (Thread t : threads) {
                while (t.getState() != Thread.State.WAITING) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("goroutines did not all park on " + scheduler);
                    }
                    Thread.onSpinWait();
                }
            }
            long after = usedAfterGc(mem);
            release.countDown();
            for (Thread t : threads) {
                t.join(); // raw virtual threads have no runtime whose close() would wait for them
            }
            return (after - before) / (double) n;
        }
    }
}
