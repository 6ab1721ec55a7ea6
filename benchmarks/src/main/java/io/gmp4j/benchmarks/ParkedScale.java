package io.gmp4j.benchmarks;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.runtime.RuntimeStats;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scale: N goroutines parked on one channel receive (10,000,000 by default), then all woken by
 * one {@code close}, then the runtime closed. Reports spawn time, heap and RSS bytes per parked
 * goroutine, the wake time (close until every goroutine has returned from its receive), and the
 * close time. A program, not JMH: it measures one big state once. Run (10 M needs about 16 GB of
 * heap; the figures printed say how much was used):
 * <pre>
 * java -Xmx16g --add-opens java.base/java.lang=ALL-UNNAMED -cp benchmarks/target/gmp4j-benchmarks.jar \
 *     io.gmp4j.benchmarks.ParkedScale 10000000 2
 * </pre>
 * Arguments: goroutines (default 10,000,000), maxProcs (default 2).
 */
public final class ParkedScale {
    private ParkedScale() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 10_000_000;
        int procs = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        System.out.printf("ParkedScale: %,d goroutines, maxProcs %d, max heap %,d MB%n", n, procs,
                Runtime.getRuntime().maxMemory() >> 20);
        try (GoRuntime rt = GoRuntime.builder().maxProcs(procs).build()) {
            Chan<Integer> ch = Chan.make();
            AtomicLong woken = new AtomicLong();
            CountDownLatch allWoken = new CountDownLatch(1);
            long heap0 = usedAfterGc(mem);
            long rss0 = rssBytes();
            long t0 = System.nanoTime();
            CountDownLatch spawned = new CountDownLatch(1);
            rt.go(() -> {
                for (int i = 0; i < n; i++) {
                    rt.go(() -> {
                        ch.recv();
                        if (woken.incrementAndGet() == n) {
                            allWoken.countDown();
                        }
                    });
                }
                spawned.countDown();
            });
            if (!spawned.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("spawning did not finish: " + rt.stats());
            }
            long spawnNanos = System.nanoTime() - t0;
            awaitParked(rt, n);
            long parkedNanos = System.nanoTime() - t0;
            long heap1 = usedAfterGc(mem);
            long rss1 = rssBytes();
            System.out.printf("spawn: %,.0f ms (%,.0f ns per goroutine); all parked after %,.0f ms%n",
                    spawnNanos / 1e6, spawnNanos / (double) n, parkedNanos / 1e6);
            System.out.printf("parked: heap %,.0f bytes per goroutine (%,d MB in all), RSS %,.0f bytes per goroutine "
                    + "(%,d MB in all)%n", (heap1 - heap0) / (double) n, (heap1 - heap0) >> 20,
                    (rss1 - rss0) / (double) n, (rss1 - rss0) >> 20);
            long w0 = System.nanoTime();
            ch.close();
            if (!allWoken.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("only " + woken.get() + " woke: " + rt.stats());
            }
            long wakeNanos = System.nanoTime() - w0;
            System.out.printf("wake all by one close: %,.0f ms (%,.0f ns per goroutine)%n", wakeNanos / 1e6,
                    wakeNanos / (double) n);
            RuntimeStats st = rt.stats();
            System.out.printf("stats: created %,d, exited %,d, monitor errors %d, monitor dead %b%n",
                    st.goroutinesCreated(), st.goroutinesExited(), st.monitorErrors(), st.monitorDead());
        }
        System.out.println("closed cleanly");
    }

    /** Waits until n goroutines are alive and no processor has anything to run. */
    private static void awaitParked(GoRuntime rt, int n) throws InterruptedException {
        CountDownLatch pace = new CountDownLatch(1);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (true) {
            RuntimeStats st = rt.stats();
            boolean queuesEmpty = st.globalRunQueue() == 0
                    && st.processors().stream().allMatch(p -> p.runQueue() == 0 && !p.runNext());
            if (rt.numGoroutine() >= n && st.idleProcs() == st.maxProcs() && queuesEmpty) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("goroutines did not all park: " + st);
            }
            pace.await(10, TimeUnit.MILLISECONDS); // pacing a harness poll
        }
    }

    private static long usedAfterGc(MemoryMXBean mem) throws InterruptedException {
        long used = Long.MAX_VALUE;
        CountDownLatch pace = new CountDownLatch(1);
        for (int i = 0; i < 3; i++) {
            System.gc();
            pace.await(100, TimeUnit.MILLISECONDS); // let the collector settle; a harness, not a test
            used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** The process's resident set size from /proc/self/status (0 where there is none). */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return 0;
    }
}
