package io.gmp4j.examples.locality;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Go;
import io.gmp4j.runtime.GoRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The locality policy itself, beyond what the kit checks: where goroutines run. Each test
 * observes carriers through {@link LocalityScheduler#currentCarrier()} and would fail if
 * continuations were routed round-robin instead of to their home carrier.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalityPolicyTest {
    private static final int PROCS = 4;
    private static final long STEP_SECONDS = 20;

    private static GoRuntime runtime(int procs) {
        return GoRuntime.builder().scheduler(new LocalitySchedulerProvider()).maxProcs(procs).build();
    }

    private static void close(GoRuntime rt) {
        assertTrue(rt.close(Duration.ofSeconds(STEP_SECONDS)), "close");
    }

    /** Not a goroutine: no carrier. */
    @Test
    void aPlatformThreadHasNoCarrier() {
        assertEquals(-1, LocalityScheduler.currentCarrier());
    }

    /**
     * A goroutine parked on a channel and readied by a platform thread's send, 500 times,
     * resumes every time on the carrier that first ran it, and nothing is stolen.
     */
    @Test
    void aGoroutineUnparkedFromAPlatformThreadResumesOnItsCarrier() throws Exception {
        GoRuntime rt = runtime(PROCS);
        try {
            Chan<Integer> where = Chan.make();
            Chan<Integer> resume = Chan.make();
            int rounds = 500;
            rt.go(() -> {
                for (int i = 0; i < rounds; i++) {
                    where.send(LocalityScheduler.currentCarrier());
                    resume.recv();                                   // parks; this platform thread wakes it
                }
            });
            int first = where.recv();
            resume.send(0);
            List<String> moved = new ArrayList<>();
            for (int i = 1; i < rounds; i++) {                   // the whole protocol, then the verdict
                int now = where.recv();
                if (now != first) {
                    moved.add("resume " + i + " on carrier " + now);
                }
                resume.send(i);
            }
            assertTrue(first >= 0 && first < PROCS, "carrier " + first);
            assertEquals(List.of(), moved, "resumed away from its home carrier " + first);
            assertEquals(0, rt.stats().steals(), "steals (migrations) with a single goroutine");
        } finally {
            close(rt);
        }
    }

    /**
     * Goroutines started by a goroutine start on its carrier: 200 children, each started and
     * waited for in turn, all report their parent's carrier.
     */
    @Test
    void aGoroutineStartsOnItsParentsCarrier() throws Exception {
        GoRuntime rt = runtime(PROCS);
        try {
            List<String> verdict = rt.run(() -> {
                int parent = LocalityScheduler.currentCarrier();
                List<String> wrong = new ArrayList<>();
                Chan<Integer> where = Chan.make();
                for (int i = 0; i < 200; i++) {
                    Go.go(() -> where.send(LocalityScheduler.currentCarrier()));
                    int child = where.recv();
                    if (child != parent) {
                        wrong.add("child " + i + " on carrier " + child);
                    }
                }
                if (parent < 0) {
                    wrong.add("the parent has no carrier");
                }
                return wrong;
            });
            assertEquals(List.of(), verdict, "children not on their parent's carrier");
        } finally {
            close(rt);
        }
    }

    /** Goroutines started from a platform thread are dealt to the carriers in turn. */
    @Test
    void goroutinesFromAPlatformThreadAreSpreadRoundRobin() throws Exception {
        GoRuntime rt = runtime(PROCS);
        try {
            AtomicIntegerArray seen = new AtomicIntegerArray(PROCS);
            CountDownLatch done = new CountDownLatch(PROCS);
            for (int i = 0; i < PROCS; i++) {
                int me = i;
                rt.go(() -> {
                    seen.set(me, LocalityScheduler.currentCarrier());
                    done.countDown();
                });
            }
            assertTrue(done.await(STEP_SECONDS, TimeUnit.SECONDS), "goroutines did not run");
            Set<Integer> carriers = new TreeSet<>();
            for (int i = 0; i < PROCS; i++) {
                carriers.add(seen.get(i));
            }
            assertEquals(PROCS, carriers.size(), "carriers used by " + PROCS + " goroutines: " + carriers);
        } finally {
            close(rt);
        }
    }

    /**
     * A backlog behind a busy carrier is stolen, and only a backlog: a goroutine that never
     * blocks starts 8 children on its own carrier and spins. The idle carrier steals them
     * while two or more wait, so 7 run there; the last one is left to its owner and runs only
     * once the spinning goroutine has returned.
     */
    @Test
    void anIdleCarrierStealsABacklogButNotTheLastOne() throws Exception {
        GoRuntime rt = runtime(2);
        try {
            int children = 8;
            AtomicIntegerArray ranOn = new AtomicIntegerArray(children);
            CountDownLatch ran = new CountDownLatch(children);
            long[] leftWhileSpinning = new long[1];
            int hog = rt.run(() -> {
                int mine = LocalityScheduler.currentCarrier();
                for (int i = 0; i < children; i++) {
                    int me = i;
                    Go.go(() -> {
                        ranOn.set(me, LocalityScheduler.currentCarrier());
                        ran.countDown();
                    });
                }
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(STEP_SECONDS);
                while (ran.getCount() > 1 && System.nanoTime() < end) {
                    Thread.onSpinWait();                             // never yields its carrier
                }
                leftWhileSpinning[0] = ran.getCount();
                return mine;
            });
            assertEquals(1, leftWhileSpinning[0], "children not run while their parent spun on its carrier");
            assertTrue(ran.await(STEP_SECONDS, TimeUnit.SECONDS), "the last child did not run after its parent");
            int onHog = 0;
            for (int i = 0; i < children; i++) {
                int c = ranOn.get(i);
                assertTrue(c == 0 || c == 1, "child " + i + " on carrier " + c);
                if (c == hog) {
                    onHog++;
                }
            }
            assertEquals(1, onHog, "children run on the spinning goroutine's carrier (after it): " + ranOn);
            assertEquals(children - 1, rt.stats().steals(), "steals");
        } finally {
            close(rt);
        }
    }
}
