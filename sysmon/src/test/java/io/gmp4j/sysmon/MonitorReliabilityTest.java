package io.gmp4j.sysmon;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Go;
import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.runtime.RuntimeStats;
import io.gmp4j.tck.fixtures.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.gmp4j.sysmon.SysmonTest.dump;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing is lost when the monitor hands off a processor held by a goroutine that never blocks
 * and keeps starting goroutines, and the monitor survives a failure in its cycle.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MonitorReliabilityTest {
    /**
     * Goroutines per burst: exactly runnext plus a full 256-slot local queue, the state in which
     * the hand-off used to overflow (more would spill half the queue to the global queue first).
     */
    private static final int BURST = 257;
    /** Bursts per run; each is followed by a CPU loop long enough for the monitor to retake. */
    private static final int ROUNDS = 8;

    /**
     * The spawn storm that used to hang: a spawner that never blocks fills its processor's
     * runnext and local queue, then holds the processor in a CPU loop (as a spawner descheduled
     * by the OS does) until the monitor retires the processor and hands it off with a full
     * queue; then the next burst, pushing into the retired processor while it is moved. Every
     * goroutine must run exactly once. With maxProcs 2 the second processor is held by a CPU
     * loop too, so nobody steals the queue away before the hand-off.
     */
    @ParameterizedTest(name = "maxProcs={0}")
    @ValueSource(ints = {1, 2})
    void aSpawnerThatNeverBlocksLosesNoGoroutineWhenItsProcessorIsHandedOff(int maxProcs) throws Exception {
        int total = BURST * ROUNDS;
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(total);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch spawnerDone = new CountDownLatch(1);
        AtomicLong sink = new AtomicLong();
        try (GoRuntime rt = GoRuntime.builder().maxProcs(maxProcs).build()) {
            try {
                if (maxProcs == 2) {
                    CountDownLatch hogging = new CountDownLatch(1);
                    rt.go(() -> {
                        hogging.countDown();
                        sink.addAndGet(spinUntil(stop, Long.MAX_VALUE));
                    });
                    assertTrue(hogging.await(10, TimeUnit.SECONDS), "the hog never ran");
                }
                rt.go(() -> {
                    for (int round = 0; round < ROUNDS; round++) {
                        long handoffs = rt.stats().handoffs();
                        for (int i = 0; i < BURST; i++) {
                            Go.go(() -> {
                                ran.incrementAndGet();
                                all.countDown();
                            });
                        }
                        // No runtime call in here: the monitor's preemption request cannot be
                        // honoured, so it retires the processor. Bounded, in case it never does.
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                        while (rt.stats().handoffs() == handoffs && System.nanoTime() < deadline && !stop.get()) {
                            sink.addAndGet(spinUntil(stop, System.nanoTime() + 1_000_000));
                        }
                    }
                    spawnerDone.countDown();
                });
                assertTrue(spawnerDone.await(60, TimeUnit.SECONDS), "the spawner never finished; " + rt.stats());
                assertTrue(all.await(30, TimeUnit.SECONDS), "only " + ran.get() + " of " + total
                        + " goroutines ran; " + rt.stats() + "\n" + rt.schedtraceDetail());
                assertEquals(total, ran.get(), "a goroutine ran twice");
                RuntimeStats st = rt.stats();
                assertTrue(st.handoffs() >= 1, "the monitor never handed the processor off, so this test "
                        + "proved nothing: " + st);
                assertEquals(0, st.monitorErrors(), st.toString());
                assertFalse(st.monitorDead(), st.toString());
            } finally {
                stop.set(true);
            }
            assertTrue(Await.holds(() -> rt.numGoroutine() == 0, Duration.ofSeconds(20)),
                    () -> "goroutines left: " + rt.stats() + "\n" + dump(rt));
        }
    }

    /**
     * A throwable escaping a monitor cycle — here an {@code Error} from the user's deadlock
     * handler, which the monitor calls — is counted and the monitor goes on: it still ticks and
     * still asks a goroutine that holds its processor to yield.
     */
    @Test
    void aFailingCycleIsReportedAndTheMonitorGoesOn() throws Exception {
        AtomicInteger handlerCalls = new AtomicInteger();
        Chan<Integer> never = Chan.make();
        // Go's rule (no platform thread counts as a waker): JUnit's own timed-waiting threads
        // would otherwise keep the report, and so the failure, from happening in-process.
        try (GoRuntime rt = GoRuntime.builder().maxProcs(1).deadlockWakers(t -> false).deadlockHandler((r, report) -> {
            handlerCalls.incrementAndGet();
            throw new AssertionError("a deadlock handler that fails");
        }).build()) {
            try {
                rt.go(never::recv); // a real deadlock: the monitor calls the handler, which throws
                assertTrue(Await.holds(() -> rt.stats().monitorErrors() >= 1, Duration.ofSeconds(20)),
                        () -> "the failure was not counted; handler calls " + handlerCalls.get() + "; " + rt.stats());
                long ticks = rt.stats().sysmonTicks();
                assertTrue(Await.holds(() -> rt.stats().sysmonTicks() > ticks + 2, Duration.ofSeconds(20)),
                        () -> "the monitor stopped ticking after the failure: " + rt.stats());
                // Still at work: a CPU loop that never yields gets a preemption request.
                AtomicBoolean stop = new AtomicBoolean();
                CountDownLatch hogDone = new CountDownLatch(1);
                long requests = rt.stats().preemptRequests();
                rt.go(() -> {
                    spinUntil(stop, Long.MAX_VALUE);
                    hogDone.countDown();
                });
                try {
                    assertTrue(Await.holds(() -> rt.stats().preemptRequests() > requests, Duration.ofSeconds(20)),
                            () -> "no preemption request after the failure: " + rt.stats());
                } finally {
                    stop.set(true);
                }
                assertTrue(hogDone.await(20, TimeUnit.SECONDS));
                assertFalse(rt.stats().monitorDead(), rt.stats().toString());
            } finally {
                never.close();
            }
        }
    }

    /**
     * {@code RuntimeStats.syscalls()} is exact while the monitor retakes processors: two CPU
     * loops hold both processors (so they are retired again and again) while 50 goroutines make
     * 20 {@code Go.syscall} calls each — some block their machine, some park (unmount) inside
     * the call, some run on a machine whose processor was just retired.
     */
    @Test
    void everySyscallIsCountedWhileProcessorsAreRetaken() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch hogs = new CountDownLatch(2);
        CountDownLatch callers = new CountDownLatch(50);
        AtomicLong sink = new AtomicLong();
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            long before = rt.stats().syscalls();
            try {
                for (int h = 0; h < 2; h++) {
                    rt.go(() -> {
                        sink.addAndGet(spinUntil(stop, Long.MAX_VALUE));
                        hogs.countDown();
                    });
                }
                for (int g = 0; g < 50; g++) {
                    int kind = g % 3;
                    rt.go(() -> {
                        for (int i = 0; i < 20; i++) {
                            try {
                                Go.syscall(() -> {
                                    switch (kind) {
                                        case 0 -> sink.addAndGet(spinUntil(stop, System.nanoTime() + 200_000));
                                        case 1 -> java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                                        default -> { } // returns at once
                                    }
                                    return null;
                                });
                            } catch (Exception e) {
                                throw new AssertionError(e);
                            }
                        }
                        callers.countDown();
                    });
                }
                assertTrue(callers.await(60, TimeUnit.SECONDS), "callers left: " + callers.getCount() + "; " + rt.stats());
                RuntimeStats st = rt.stats();
                assertEquals(1000, st.syscalls() - before, st.toString());
                assertTrue(st.handoffs() >= 1, "no processor was retaken, so this proved little: " + st);
            } finally {
                stop.set(true);
            }
            assertTrue(hogs.await(20, TimeUnit.SECONDS));
        }
    }

    /** A CPU loop with no runtime call, until {@code stop} or the deadline; returns a value to keep. */
    private static long spinUntil(AtomicBoolean stop, long deadlineNanos) {
        long x = 1;
        int n = 0;
        while (!stop.get()) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            if ((++n & 1023) == 0 && System.nanoTime() >= deadlineNanos) {
                break;
            }
        }
        return x;
    }
}
