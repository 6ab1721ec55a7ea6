package io.gmp4j.runtime;

import org.junit.jupiter.api.Test;

import io.gmp4j.tck.fixtures.Await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live-goroutine registry: slots, counts, iteration, and concurrent use. */
class GoroutineRegistryTest {

    private static List<Thread> unstarted(int n) {
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ts.add(Thread.ofVirtual().unstarted(() -> {}));
        }
        return ts;
    }

    @Test
    void countsAndIteratesWhatIsRegistered() {
        GoroutineRegistry r = new GoroutineRegistry();
        List<Thread> ts = unstarted(1000); // > STRIPES × the initial 16 slots: every stripe grows
        int[] slots = new int[ts.size()];
        for (int i = 0; i < ts.size(); i++) {
            slots[i] = r.add(ts.get(i));
        }
        assertEquals(1000, r.live());
        assertEquals(1000, r.created());
        assertEquals(0, r.exited());
        assertEquals(new HashSet<>(ts), new HashSet<>(r.snapshot()));
        Set<Thread> iterated = new HashSet<>();
        r.forEach(iterated::add);
        assertEquals(new HashSet<>(ts), iterated);

        for (int i = 0; i < ts.size(); i += 2) {
            r.remove(ts.get(i), slots[i]);
        }
        assertEquals(500, r.live());
        assertEquals(500, r.liveApprox(), "the monitor-free count agrees when nothing changes");
        assertEquals(500, r.exited());
        Set<Thread> odd = new HashSet<>();
        for (int i = 1; i < ts.size(); i += 2) {
            odd.add(ts.get(i));
        }
        assertEquals(odd, new HashSet<>(r.snapshot()));
        iterated.clear();
        r.forEach(iterated::add);
        assertEquals(odd, iterated);
    }

    @Test
    void freedSlotsAreReusedSoTheArraysDoNotGrowWithChurn() {
        GoroutineRegistry r = new GoroutineRegistry();
        Thread t = Thread.ofVirtual().unstarted(() -> {});
        int first = r.add(t);
        r.remove(t, first);
        for (int i = 0; i < 10_000; i++) {
            int slot = r.add(t);
            assertEquals(first, slot, "a freed slot is taken again before a new one");
            r.remove(t, slot);
        }
        assertEquals(0, r.live());
        assertEquals(10_001, r.created());
        assertEquals(10_001, r.exited());
    }

    @Test
    void unregisterTakesBackARegistrationWithoutCountingIt() {
        GoroutineRegistry r = new GoroutineRegistry();
        Thread t = Thread.ofVirtual().unstarted(() -> {});
        r.unregister(t, r.add(t));
        assertEquals(0, r.live());
        assertEquals(0, r.created());
        assertEquals(0, r.exited());
        assertTrue(r.snapshot().isEmpty());
    }

    @Test
    void removingWithAnotherThreadsSlotIsARuntimeBug() {
        GoroutineRegistry r = new GoroutineRegistry();
        List<Thread> ts = unstarted(GoroutineRegistry.STRIPES + 1); // two in one stripe
        Thread a = ts.get(0);
        Thread b = null;
        for (Thread t : ts.subList(1, ts.size())) {
            if ((t.threadId() & (GoroutineRegistry.STRIPES - 1)) == (a.threadId() & (GoroutineRegistry.STRIPES - 1))) {
                b = t;
            }
        }
        int slotA = r.add(a);
        Thread other = b;
        r.add(other);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.remove(other, slotA));
        assertTrue(e.getMessage().contains("slot " + slotA), e.getMessage());
    }

    @Test
    void concurrentAddAndRemoveLoseNothing() throws InterruptedException {
        GoroutineRegistry r = new GoroutineRegistry();
        int threads = 4;
        int perThread = 20_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        List<Thread> kept = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            List<Thread> mine = unstarted(perThread);
            kept.add(mine.get(perThread - 1));
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                // Add all, then remove all but the last: other workers do the same meanwhile,
                // on the same stripes.
                int[] slots = new int[perThread];
                for (int i = 0; i < perThread; i++) {
                    slots[i] = r.add(mine.get(i));
                }
                for (int i = 0; i < perThread - 1; i++) {
                    r.remove(mine.get(i), slots[i]);
                }
            }));
        }
        go.countDown();
        for (Thread w : workers) {
            assertTrue(w.join(Duration.ofSeconds(30)), "worker stalled");
        }
        assertEquals(threads, r.live());
        assertEquals((long) threads * perThread, r.created());
        assertEquals((long) threads * (perThread - 1), r.exited());
        List<Thread> left = r.snapshot();
        assertEquals(threads, left.size(), "goroutines left in the registry");
        assertEquals(new HashSet<>(kept), new HashSet<>(left));
    }

    @Test
    void aRuntimeCountsEveryGoroutineAndForgetsThemWhenTheyEnd() throws InterruptedException {
        int n = 2_000;
        CountDownLatch hold = new CountDownLatch(1);
        try (GoRuntime rt = GoRuntime.builder().build()) {
            try {
                CountDownLatch started = new CountDownLatch(n);
                for (int i = 0; i < n; i++) {
                    rt.go(() -> {
                        started.countDown();
                        try {
                            hold.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                }
                assertTrue(started.await(30, TimeUnit.SECONDS));
                assertEquals(n, rt.numGoroutine());
                StringBuilder dump = new StringBuilder();
                rt.dumpGoroutines(dump);
                assertEquals(n, java.util.regex.Pattern.compile("(?m)^goroutine \\d+ \\[").matcher(dump).results().count(),
                        "one dump entry per goroutine");
            } finally {
                hold.countDown(); // before close(): a failed assertion must not leave close() waiting
            }
            Await.until(() -> rt.numGoroutine() == 0, Duration.ofSeconds(30), "every goroutine ended and was forgotten");
            assertEquals(n, rt.stats().goroutinesCreated());
        }
    }
}
