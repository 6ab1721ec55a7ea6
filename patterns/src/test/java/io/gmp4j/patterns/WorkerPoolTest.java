package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Go;
import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.tck.fixtures.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.gmp4j.patterns.GoTests.POLL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WorkerPoolTest {

    @Test
    void tenJobsOnThreeWorkersAllComeBackAndTheResultsChannelCloses() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            BlockingQueue<Object> out = new LinkedBlockingQueue<>();
            rt.go(() -> {
                WorkerPool<Integer, Integer> pool = WorkerPool.start(3, 10, (ctx, n) -> n * 2);
                Go.go(() -> {
                    for (int j = 1; j <= 10; j++) {
                        pool.submit(j);
                    }
                    pool.shutdown();
                });
                Set<Integer> values = new TreeSet<>();
                Set<Integer> workers = new TreeSet<>();
                for (WorkerPool.Outcome<Integer, Integer> o : pool.results()) {
                    assertEquals(o.input() * 2, o.value());
                    values.add(o.value());
                    workers.add(o.worker());
                }
                out.add(values);
                out.add(workers.stream().allMatch(w -> w >= 0 && w < 3));
            });
            assertEquals(new TreeSet<>(List.of(2, 4, 6, 8, 10, 12, 14, 16, 18, 20)), out.poll(30, TimeUnit.SECONDS));
            assertEquals(true, out.poll(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void aJobThatThrowsIsReportedAndItsWorkerGoesOn() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            List<WorkerPool.Outcome<Integer, String>> outcomes = new ArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            rt.go(() -> {
                // One worker: if a failure ended it, the jobs after the failures would never run.
                WorkerPool<Integer, String> pool = WorkerPool.start(1, 4, (ctx, n) -> {
                    if (n % 3 == 0) {
                        throw new IOException("job " + n + " failed");
                    }
                    if (n % 5 == 0) {
                        throw new IllegalStateException("job " + n + " broke");
                    }
                    return "ok " + n;
                });
                Go.go(() -> {
                    for (int j = 1; j <= 10; j++) {
                        pool.submit(j);
                    }
                    pool.shutdown();
                });
                for (WorkerPool.Outcome<Integer, String> o : pool.results()) {
                    outcomes.add(o);
                }
                done.countDown();
            });
            assertTrue(done.await(30, TimeUnit.SECONDS));
            assertEquals(10, outcomes.size());
            for (WorkerPool.Outcome<Integer, String> o : outcomes) {
                int n = o.input();
                if (n % 3 == 0) {
                    assertTrue(o.failed() && o.error() instanceof IOException && o.value() == null, o.toString());
                } else if (n % 5 == 0) {
                    assertTrue(o.error() instanceof IllegalStateException, o.toString());
                } else {
                    assertEquals("ok " + n, o.value());
                    assertNull(o.error());
                }
            }
        }
    }

    @Test
    void trySubmitSaysNoWhenTheQueueIsFullAndSubmitWaitsForRoom() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            Chan<Boolean> gate = Chan.make();
            CountDownLatch started = new CountDownLatch(1);
            BlockingQueue<Object> out = new LinkedBlockingQueue<>();
            WorkerPool<Integer, Integer> pool = WorkerPool.start(1, 2, (ctx, n) -> {
                started.countDown();
                gate.recv(); // hold the only worker
                return n;
            }, o -> out.add(o.value()));
            try {
                assertTrue(pool.trySubmit(1));
                assertTrue(started.await(10, TimeUnit.SECONDS)); // the worker holds job 1
                assertTrue(pool.trySubmit(2));
                assertTrue(pool.trySubmit(3));
                assertFalse(pool.trySubmit(4), "queue of 2 is full");
                CountDownLatch submitted = new CountDownLatch(1);
                rt.go(() -> {
                    pool.submit(4); // blocks: back-pressure
                    submitted.countDown();
                });
                assertFalse(submitted.await(100, TimeUnit.MILLISECONDS), "submit waits while the queue is full");
                gate.close(); // release every job
                assertTrue(submitted.await(10, TimeUnit.SECONDS));
                pool.shutdown();
                pool.awaitTermination();
                List<Object> got = new ArrayList<>(out);
                got.sort(null);
                assertEquals(List.of(1, 2, 3, 4), got);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void shutdownFinishesQueuedJobsAndThenRejectsNewOnes() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            AtomicInteger ran = new AtomicInteger();
            WorkerPool<Integer, Integer> pool = WorkerPool.start(2, 100, (ctx, n) -> ran.incrementAndGet(), o -> {});
            for (int i = 0; i < 100; i++) {
                pool.submit(i);
            }
            pool.shutdown();
            pool.awaitTermination();
            assertEquals(100, ran.get());
            RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> pool.submit(1));
            assertTrue(e.getMessage().contains("shut down"), e.getMessage());
            assertThrows(RejectedExecutionException.class, () -> pool.trySubmit(1));
            assertTrue(Await.holds(() -> rt.numGoroutine() == 0, POLL), "goroutines left: " + rt.numGoroutine());
        }
    }

    @Test
    void shutdownNowCancelsTheContextReturnsUnstartedJobsAndLeavesNoGoroutine() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            CountDownLatch running = new CountDownLatch(2);
            Set<Integer> cancelled = ConcurrentHashMap.newKeySet();
            WorkerPool<Integer, Integer> pool = WorkerPool.start(2, 10, (ctx, n) -> {
                running.countDown();
                ctx.done().recv(); // runs until cancelled
                cancelled.add(n);
                return n;
            });
            for (int i = 0; i < 7; i++) {
                pool.submit(i);
            }
            assertTrue(running.await(10, TimeUnit.SECONDS));
            List<Integer> left = pool.shutdownNow();
            assertEquals(5, left.size(), "two jobs were running: " + left);
            pool.awaitTermination();
            assertEquals(2, cancelled.size());
            assertTrue(pool.context().err() != null);
            int delivered = 0;
            for (WorkerPool.Outcome<Integer, Integer> ignored : pool.results()) {
                delivered++; // the running two may or may not have been delivered: never the unstarted ones
            }
            assertTrue(delivered <= 2, "outcomes: " + delivered);
            assertTrue(Await.holds(() -> rt.numGoroutine() == 0, POLL), "goroutines left: " + rt.numGoroutine());
        }
    }

    @Test
    void badArgumentsAreRejectedWithClearMessages() {
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
                () -> WorkerPool.start(0, 1, (ctx, n) -> n));
        assertTrue(a.getMessage().contains("workers: 0"), a.getMessage());
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
                () -> WorkerPool.start(1, -1, (ctx, n) -> n));
        assertTrue(b.getMessage().contains("queueCapacity: -1"), b.getMessage());
    }
}
