package io.gmp4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.gmp4j.runtime.spi.Scheduler;
import io.gmp4j.runtime.spi.SchedulerConfig;
import io.gmp4j.runtime.spi.SchedulerProvider;
import io.gmp4j.tck.fixtures.Await;
import io.gmp4j.tck.fixtures.EveryScheduler;

import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = SECONDS)
class GoRuntimeTest {

    @Test
    void oneMillionGoroutinesAllRunToCompletion() throws Exception {
        int n = 1_000_000;
        LongAdder ran = new LongAdder();
        CountDownLatch done = new CountDownLatch(1);
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            rt.go(() -> {
                CountDownLatch all = new CountDownLatch(n);
                for (int i = 0; i < n; i++) {
                    Go.go(() -> {
                        ran.increment();
                        all.countDown();
                    });
                }
                try {
                    all.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                done.countDown();
            });
            assertTrue(done.await(50, SECONDS), "not all goroutines ran: " + ran.sum());
            assertEquals(n, ran.sum());
            RuntimeStats s = rt.stats();
            assertEquals(n + 1, s.goroutinesCreated());
        }
    }

    @EveryScheduler
    void everyProviderRunsGoroutinesAndReportsItsName(String name) throws Exception {
        try (GoRuntime rt = GoRuntime.builder().scheduler(name).maxProcs(2).build()) {
            assertEquals(name, rt.schedulerName());
            assertEquals(name, rt.stats().scheduler());
            int n = 10_000;
            CountDownLatch all = new CountDownLatch(n);
            Set<Long> ids = ConcurrentHashMap.newKeySet();
            Set<Object> runtimes = ConcurrentHashMap.newKeySet();
            rt.go(() -> {
                for (int i = 0; i < n; i++) {
                    Go.go(() -> {
                        ids.add(Thread.currentThread().threadId());
                        runtimes.add(GoRuntime.current().orElseThrow());
                        assertTrue(Thread.currentThread().isVirtual());
                        all.countDown();
                    });
                }
            });
            assertTrue(all.await(30, SECONDS), "goroutines never finished on " + name);
            assertEquals(n, ids.size(), "each goroutine is its own thread");
            assertEquals(Set.of(rt), runtimes, "Go.go inside a goroutine must spawn on that goroutine's runtime");
        }
    }

    @Test
    void unknownSchedulerNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GoRuntime.builder().scheduler("nope").build());
        assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
        assertTrue(e.getMessage().contains("[fifo, gmp, jdk]"), e.getMessage());
        assertEquals(List.of("fifo", "gmp", "jdk"), GoRuntime.availableSchedulers());
    }

    @Test
    void badMaxProcsIsRejectedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GoRuntime.builder().maxProcs(0));
        assertEquals("maxProcs: 0 (expected: >= 1)", e.getMessage());
    }

    @Test
    void threadLocalsArePerGoroutine() throws Exception {
        ThreadLocal<Integer> local = new ThreadLocal<>();
        int n = 1000;
        List<String> errors = new ArrayList<>();
        CountDownLatch all = new CountDownLatch(n);
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            for (int i = 0; i < n; i++) {
                int id = i;
                rt.go(() -> {
                    if (local.get() != null) {
                        synchronized (errors) {
                            errors.add("goroutine " + id + " saw another's value " + local.get());
                        }
                    }
                    local.set(id);
                    Go.gosched(); // let others run and set theirs on the same machines
                    if (local.get() != id) {
                        synchronized (errors) {
                            errors.add("goroutine " + id + " lost its value: " + local.get());
                        }
                    }
                    all.countDown();
                });
            }
            assertTrue(all.await(30, SECONDS));
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void goInsideAGoroutineUsesThatGoroutinesRuntime() throws Exception {
        AtomicReference<GoRuntime> seen = new AtomicReference<>();
        AtomicReference<Integer> procs = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        try (GoRuntime rt = GoRuntime.builder().maxProcs(3).build()) {
            rt.go(() -> Go.go(() -> {
                seen.set(GoRuntime.current().orElse(null));
                procs.set(Go.maxProcs()); // this runtime's 3, not the default runtime's
                done.countDown();
            }));
            assertTrue(done.await(10, SECONDS));
            assertSame(rt, seen.get());
            assertEquals(3, procs.get());
        }
        assertTrue(GoRuntime.current().isEmpty(), "a platform thread has no current runtime");
    }

    @Test
    void closeRejectsNewGoroutinesWaitsForRunningOnesAndStopsEveryMachine() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        GoRuntime rt = GoRuntime.builder().maxProcs(2).build();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        rt.go(() -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            finished.countDown();
        });
        assertTrue(started.await(10, SECONDS));
        Thread closer = Thread.ofPlatform().start(rt::close);
        // close() must refuse new goroutines as soon as it begins, while it waits
        Await.holds(rt::isClosed, Duration.ofSeconds(10));
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> rt.go(() -> {}));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(RejectedExecutionException.class, () -> rt.threadFactory().newThread(() -> {}));
        assertTrue(closer.isAlive(), "close() returned while a goroutine was still running");
        assertEquals(1, finished.getCount());
        release.countDown();
        closer.join(SECONDS.toMillis(20));
        assertFalse(closer.isAlive(), "close() did not return after the last goroutine ended");
        assertEquals(0, finished.getCount());
        assertEquals(0, rt.numGoroutine());
        List<String> leftovers = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive() && t.getName().startsWith("gmp4j-")
                        && !t.getName().startsWith("gmp4j-jdk-poller"))
                .map(Thread::getName).collect(Collectors.toList());
        assertEquals(List.of(), leftovers, "machine threads alive after close()");
        rt.close(); // idempotent
    }

    @Test
    void closeFromInsideOwnGoroutineIsRefused() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        try (GoRuntime rt = GoRuntime.builder().maxProcs(1).build()) {
            rt.go(() -> {
                try {
                    rt.close();
                } catch (Throwable t) {
                    thrown.set(t);
                }
                done.countDown();
            });
            assertTrue(done.await(10, SECONDS));
        }
        assertInstanceOf(IllegalStateException.class, thrown.get());
        assertTrue(thrown.get().getMessage().contains("wait for itself"), thrown.get().getMessage());
    }

    @Test
    void anExceptionEscapingAGoroutineGoesToTheHandlerAndTheMachinesKeepRunning() throws Exception {
        AtomicReference<Throwable> caught = new AtomicReference<>();
        AtomicReference<Thread> where = new AtomicReference<>();
        CountDownLatch handled = new CountDownLatch(1);
        try (GoRuntime rt = GoRuntime.builder().maxProcs(1).uncaughtExceptionHandler((t, e) -> {
            where.set(t);
            caught.set(e);
            handled.countDown();
        }).build()) {
            Thread bad = rt.go(() -> {
                throw new IllegalStateException("boom");
            });
            assertTrue(handled.await(10, SECONDS));
            assertSame(bad, where.get());
            assertEquals("boom", caught.get().getMessage());
            int threadsBefore = rt.stats().threads();
            CountDownLatch after = new CountDownLatch(100);
            for (int i = 0; i < 100; i++) {
                rt.go(after::countDown);
            }
            assertTrue(after.await(10, SECONDS), "machines stopped running goroutines after an exception");
            assertTrue(rt.stats().threads() >= threadsBefore, "a machine died");
            assertEquals(0, ((io.gmp4j.runtime.internal.GmpScheduler) rt.scheduler()).loopErrors());
        }
    }

    @Test
    void threadFactoryAndExecutorServiceRunTasksAsCountedGoroutines() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch inside = new CountDownLatch(1);
            Thread t = rt.threadFactory().newThread(() -> {
                inside.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            assertTrue(t.isVirtual());
            t.start();
            assertTrue(inside.await(10, SECONDS));
            assertEquals(1, rt.numGoroutine());
            release.countDown();
            t.join();
            try (ExecutorService ex = rt.asExecutorService()) {
                Future<GoRuntime> f = ex.submit(() -> GoRuntime.current().orElseThrow());
                assertSame(rt, f.get(10, SECONDS));
            }
            assertEquals(2, rt.stats().goroutinesCreated());
        }
    }

    @Test
    void dumpShowsEveryLiveGoroutineWithItsWaitReasonAndStack() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(1).build()) {
            CountDownLatch release = new CountDownLatch(1);
            Thread sleeper = rt.go(() -> Go.sleep(java.time.Duration.ofMinutes(10)));
            Thread waiter = rt.go(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            // bounded wait until both are parked
            Await.holds(() -> sleeper.getState() == Thread.State.TIMED_WAITING
                    && waiter.getState() == Thread.State.WAITING, Duration.ofSeconds(10));
            StringWriter out = new StringWriter();
            rt.dumpGoroutines(out);
            String dump = out.toString();
            assertTrue(dump.contains("goroutine " + sleeper.threadId() + " [sleep, "), dump);
            assertTrue(dump.contains("goroutine " + waiter.threadId() + " [waiting"), dump);
            assertTrue(dump.contains("io.gmp4j.runtime.Go.sleep"), dump);
            release.countDown();
            sleeper.interrupt(); // Go.sleep ends early on interrupt
            sleeper.join();
            waiter.join();
            assertNotNull(rt.stats());
        }
    }

    @Test
    void sleepSleepsAtLeastTheDurationWithoutHoldingAMachine() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(1).build()) {
            int n = 1000;
            CountDownLatch woke = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                rt.go(() -> {
                    long t0 = System.nanoTime();
                    Go.sleep(java.time.Duration.ofMillis(20));
                    if (System.nanoTime() - t0 >= 20_000_000L) {
                        woke.countDown();
                    }
                });
            }
            assertTrue(woke.await(30, SECONDS), "sleepers did not all wake after their duration");
            assertEquals(1, rt.stats().maxProcs());
            assertTrue(rt.stats().threads() <= 2, "sleeping goroutines must not hold machines: " + rt.stats());
        }
    }

    /** The largest Duration there is: 292 billion years, far beyond Duration.toNanos() and Instant.MAX. */
    private static final Duration HUGE = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

    @Test
    void aHugeSchedtracePeriodIsPracticallyNeverInsteadOfAnOverflow() throws Exception {
        // toMillis() overflows for this period; the builder saturates it.
        try (GoRuntime rt = GoRuntime.builder().maxProcs(1).schedtrace(HUGE).build()) {
            CountDownLatch ran = new CountDownLatch(1);
            rt.go(ran::countDown);
            assertTrue(ran.await(10, SECONDS), "a runtime with a huge schedtrace period never ran a goroutine");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GoRuntime.builder().schedtrace(HUGE.negated()));
        assertTrue(e.getMessage().contains("at least 1 ms"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GoRuntime.builder().schedtrace(Duration.ofNanos(999_999)));
    }

    @EveryScheduler
    void schedulerAwaitTerminationTakesAHugeTimeoutAsForever(String name) throws Exception {
        // The SPI as a runtime sees it: found by name through the ServiceLoader, created, shut down.
        SchedulerProvider provider = ServiceLoader.load(SchedulerProvider.class, GoRuntime.class.getClassLoader())
                .stream().map(ServiceLoader.Provider::get).filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no scheduler provider " + name));
        Scheduler s = provider.create(new SchedulerConfig(1));
        s.shutdown();
        assertTrue(s.awaitTermination(HUGE), name + ": a shut-down scheduler did not terminate");
        assertTrue(s.awaitTermination(Duration.ofSeconds(Long.MAX_VALUE)), name);
    }
}
