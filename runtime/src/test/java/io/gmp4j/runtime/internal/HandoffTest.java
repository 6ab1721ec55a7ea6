package io.gmp4j.runtime.internal;

import io.gmp4j.runtime.spi.MonitoredScheduler;
import io.gmp4j.runtime.spi.SchedulerConfig;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The system monitor's hand-off of a held processor ({@code retakeRunning}) while the goroutine
 * on its old machine never blocks and keeps starting goroutines: nothing is lost. The monitor
 * is played by the test thread, through the real monitor's view ({@link GmpScheduler#monitored()}),
 * at the worst moment: the processor's {@code runnext} and its whole local queue (257 goroutines) are
 * occupied, and the old owner goes on pushing while the queue is moved.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HandoffTest {
    /** Enough to fill runnext and the 256-slot local queue. */
    private static final int FILL = Processor.RUNQ_SIZE + 1;
    /** Goroutines the old owner starts during and after the hand-off. */
    private static final int MORE = 5_000;

    @ParameterizedTest(name = "maxProcs={0}")
    @ValueSource(ints = {1, 2})
    void retiringAProcessorWithAFullQueueLosesNoGoroutine(int maxProcs) throws Exception {
        for (int round = 0; round < 20; round++) {
            retireWhileSpawning(maxProcs, round, false);
        }
    }

    /** The same through the syscall path: the full processor is retaken while its goroutine is in Go.syscall. */
    @ParameterizedTest(name = "maxProcs={0}")
    @ValueSource(ints = {1, 2})
    void retakingAFullProcessorInASyscallLosesNoGoroutine(int maxProcs) throws Exception {
        for (int round = 0; round < 20; round++) {
            retireWhileSpawning(maxProcs, round, true);
        }
    }

    private static void retireWhileSpawning(int maxProcs, int round, boolean inSyscall) throws Exception {
        GmpScheduler sched = new GmpScheduler(new SchedulerConfig(maxProcs, 100), "handoff-test-");
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(FILL + MORE);
        AtomicBoolean release = new AtomicBoolean();
        CountDownLatch hogRunning = new CountDownLatch(1);
        CountDownLatch filled = new CountDownLatch(1);
        AtomicInteger spawnerProc = new AtomicInteger(-1);
        Runnable child = () -> {
            ran.incrementAndGet();
            all.countDown();
        };
        try {
            if (maxProcs == 2) {
                // Keep the other processor busy so that nobody steals from the spawner's queue.
                sched.newThread(() -> {
                    hogRunning.countDown();
                    while (!release.get()) {
                        Thread.onSpinWait();
                    }
                }).start();
                assertTrue(hogRunning.await(10, TimeUnit.SECONDS), "the hog never ran");
            }
            sched.newThread(() -> {
                spawnerProc.set(sched.currentProcessorId());
                for (int i = 0; i < FILL; i++) {
                    sched.newThread(child).start(); // runnext, kicking the previous one to the queue
                }
                if (inSyscall) {
                    try {
                        sched.syscall(() -> {
                            filled.countDown();
                            while (!release.get()) {
                                Thread.onSpinWait(); // blocks its machine, as a real syscall does
                            }
                            return null;
                        });
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    for (int i = 0; i < MORE; i++) { // after the call, on whatever processor it gets
                        sched.newThread(child).start();
                    }
                    return;
                }
                filled.countDown();
                for (int i = 0; i < MORE; i++) { // never blocks: pushes during and after the hand-off
                    sched.newThread(child).start();
                }
                while (!release.get()) {
                    Thread.onSpinWait();
                }
            }).start();
            assertTrue(filled.await(10, TimeUnit.SECONDS), "the spawner never filled its queue");
            int id = spawnerProc.get();
            assertTrue(id >= 0, "the spawner ran without a processor");
            // The monitor's view: held by a running goroutine (schedtick unchanged), or in a syscall.
            MonitoredScheduler ms = sched.monitored();
            boolean retaken = inSyscall
                    ? ms.retakeSyscall(id, ms.syscalltick(id))
                    : ms.retakeRunning(id, ms.schedtick(id));
            assertTrue(retaken, "round " + round + ": the processor was not retaken\n" + sched.stats());
            release.set(true);
            assertTrue(all.await(20, TimeUnit.SECONDS), "round " + round + ": only " + ran.get() + " of "
                    + (FILL + MORE) + " goroutines ran (retaken=" + retaken + ")\n" + sched.stats());
            assertEquals(FILL + MORE, ran.get(), "a goroutine ran twice");
        } finally {
            release.set(true);
            sched.shutdown();
            assertTrue(sched.awaitTermination(Duration.ofSeconds(10)), "machines did not stop");
        }
    }
}
