package io.gmp4j.runtime;

import io.gmp4j.tck.fixtures.Await;
import io.gmp4j.tck.fixtures.EveryScheduler;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link GoRuntime#close(Duration)} is bounded and {@link GoRuntime#shutdownNow()} wakes every blocked goroutine. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ShutdownTest {
    @EveryScheduler
    void aBoundedCloseReturnsFalseWhileAGoroutineIsBlockedAndTrueOnceItEnds(String scheduler) throws Exception {
        GoRuntime rt = GoRuntime.builder().scheduler(scheduler).maxProcs(2).monitor(false).build();
        Chan<Integer> forgotten = Chan.make();
        CountDownLatch blocked = new CountDownLatch(1);
        rt.go(() -> {
            blocked.countDown();
            forgotten.recv();
        });
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        assertFalse(rt.close(Duration.ofMillis(100)), "close(Duration) claimed everything ended");
        assertTrue(rt.isClosed());
        assertThrows(RejectedExecutionException.class, () -> rt.go(() -> { }));
        assertEquals(1, rt.numGoroutine());
        forgotten.close();
        assertTrue(rt.close(Duration.ofSeconds(20)), "close(Duration) did not finish after the goroutine ended");
        assertTrue(rt.close(Duration.ZERO), "a closed runtime is closed");
    }

    @EveryScheduler
    void shutdownNowWakesChannelSelectSleepAndJdkWaitersWithTheirInterrupts(String scheduler) throws Exception {
        GoRuntime rt = GoRuntime.builder().scheduler(scheduler).maxProcs(2).monitor(false).build();
        Chan<Integer> never = Chan.make();
        Chan<Integer> alsoNever = Chan.make();
        Chan<Integer> full = Chan.make(1);
        full.trySend(1);
        CountDownLatch neverLatch = new CountDownLatch(1);
        AtomicInteger woke = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(4);
        rt.go(() -> {
            started.countDown();
            try {
                never.recv();
            } catch (GoInterruptedException e) {
                woke.incrementAndGet();
            }
        });
        rt.go(() -> {
            started.countDown();
            try {
                Select.builder().recv(alsoNever, v -> { }).send(full, 2, () -> { }).run();
            } catch (GoInterruptedException e) {
                woke.incrementAndGet();
            }
        });
        rt.go(() -> {
            started.countDown();
            Go.sleep(Duration.ofHours(1));
            if (Thread.currentThread().isInterrupted()) {
                woke.incrementAndGet();
            }
        });
        rt.go(() -> {
            started.countDown();
            try {
                neverLatch.await();
            } catch (InterruptedException e) {
                woke.incrementAndGet();
            }
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        // Give them time to block (bounded polling on their state, not a sleep).
        if (scheduler.equals("gmp")) {
            Await.holds(() -> rt.stats().idleProcs() == rt.maxProcs(), Duration.ofSeconds(10));
        }
        assertEquals(4, rt.shutdownNow());
        assertTrue(rt.close(Duration.ofSeconds(20)), "goroutines still running after shutdownNow: " + rt.stats());
        assertEquals(4, woke.get(), "not every goroutine saw its interrupt");
    }
}
