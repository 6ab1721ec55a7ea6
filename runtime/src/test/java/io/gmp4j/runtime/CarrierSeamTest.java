package io.gmp4j.runtime;

import io.gmp4j.runtime.spi.Carrier;
import io.gmp4j.runtime.spi.Preemption;
import io.gmp4j.runtime.spi.Scheduler;
import io.gmp4j.runtime.spi.SchedulerConfig;
import io.gmp4j.runtime.spi.SchedulerProvider;
import io.gmp4j.runtime.spi.SchedulerStats;
import io.gmp4j.runtime.spi.SchedulerTimers;
import io.gmp4j.runtime.spi.TimerHeaps;
import io.gmp4j.runtime.spi.VirtualThreads;
import io.gmp4j.tck.fixtures.Await;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scheduler SPI's optional parts serve a scheduler written on the public SPI alone the way
 * they serve gmp: a {@link Carrier} finds its goroutines' runtime, {@link SchedulerTimers} keeps
 * the runtime's timers in the scheduler's heap (no timer thread), and the runtime's preemption
 * points reach the carrier through {@link Preemption}.
 */
class CarrierSeamTest {

    /** One carrier thread, one queue, one timer heap: the smallest scheduler using every part. */
    static final class OneCarrier implements Scheduler, SchedulerTimers, Executor {
        final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
        final Worker worker = new Worker();
        final AtomicBoolean preemptRequest = new AtomicBoolean();
        final AtomicInteger preemptYields = new AtomicInteger();
        volatile TimerHeaps heaps;
        volatile boolean stopping;

        final class Worker extends Thread implements Carrier {
            Worker() {
                super("one-carrier");
                setDaemon(true);
            }

            @Override
            public Scheduler scheduler() {
                return OneCarrier.this;
            }

            @Override
            public void preemptPoint() {
                if (preemptRequest.compareAndSet(true, false)) {
                    Preemption.withdrawn();
                    preemptYields.incrementAndGet();
                    Thread.yield();
                }
            }

            @Override
            public void run() {
                while (!(stopping && queue.isEmpty())) {
                    TimerHeaps h = heaps; // null until the runtime attaches its heaps
                    long when = h == null ? TimerHeaps.NONE : h.wakeTime(0);
                    long now = h == null ? 0 : h.now();
                    if (when <= now) {
                        h.run(0, now);
                        continue;
                    }
                    Runnable r;
                    try {
                        r = when == TimerHeaps.NONE ? queue.take() : queue.poll(when - now, TimeUnit.NANOSECONDS);
                    } catch (InterruptedException e) {
                        continue;
                    }
                    if (r != null) {
                        r.run();
                    }
                }
            }
        }

        OneCarrier() {
            worker.start();
        }

        @Override
        public void execute(Runnable continuation) {
            queue.add(continuation);
        }

        @Override
        public Thread newThread(Runnable body) {
            return VirtualThreads.newThread(this, body);
        }

        @Override
        public boolean runsOnCarriers() {
            return true;
        }

        @Override
        public SchedulerTimers timers() {
            return this;
        }

        @Override
        public int heaps() {
            return 1;
        }

        @Override
        public int heapForCaller() {
            return 0;
        }

        @Override
        public void earliestChanged(long when) {
            queue.add(() -> { }); // wake the carrier so that it recomputes its wait
        }

        @Override
        public void attach(TimerHeaps h) {
            heaps = h;
        }

        @Override
        public SchedulerStats stats() {
            return new SchedulerStats("one-carrier", 1, -1, 1, -1, false, -1, queue.size(), -1, List.of());
        }

        @Override
        public void shutdown() {
            stopping = true;
            queue.add(() -> { });
        }

        @Override
        public boolean awaitTermination(Duration timeout) throws InterruptedException {
            worker.join(Math.max(1, timeout.toMillis()));
            return !worker.isAlive();
        }
    }

    static final class Provider implements SchedulerProvider {
        volatile OneCarrier last;

        @Override
        public String name() {
            return "one-carrier";
        }

        @Override
        public Scheduler create(SchedulerConfig config) {
            OneCarrier s = new OneCarrier();
            last = s;
            return s;
        }
    }

    @Test
    void aThreadOfTheSchedulerFindsItsRuntimeThroughItsCarrier() throws Exception {
        Provider provider = new Provider();
        try (GoRuntime rt = GoRuntime.builder().scheduler(provider).maxProcs(1).monitor(false).build()) {
            // Made by the scheduler directly, not by rt.go: nothing binds the runtime to it, so
            // only the carrier can tell which runtime it belongs to.
            CompletableFuture<GoRuntime> seen = new CompletableFuture<>();
            Thread t = provider.last.newThread(() -> seen.complete(GoRuntime.current().orElse(null)));
            t.start();
            assertSame(rt, seen.get(10, TimeUnit.SECONDS), "the carrier's scheduler leads to the runtime");
            t.join();
            CompletableFuture<GoRuntime> viaGo = new CompletableFuture<>();
            rt.go(() -> viaGo.complete(GoRuntime.forCaller()));
            assertSame(rt, viaGo.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void timersLiveInTheSchedulersHeapAndNoTimerThreadStarts() throws Exception {
        Provider provider = new Provider();
        try (GoRuntime rt = GoRuntime.builder().scheduler(provider).maxProcs(1).monitor(false).build()) {
            Chan<Boolean> asleep = Chan.make(1);
            Chan<Boolean> release = Chan.make(0);
            CompletableFuture<Void> woke = new CompletableFuture<>();
            rt.go(() -> {
                asleep.send(true);
                Go.sleep(Duration.ofMillis(50));
                woke.complete(null);
                release.recv();
            });
            asleep.recv();
            try {
                assertTrue(provider.last.heaps != null, "the runtime attached its heaps");
                TimerHeaps heaps = provider.last.heaps;
                assertTrue(Await.holds(() -> heaps.size(0) == 1 || woke.isDone(), Duration.ofSeconds(10)),
                        "the sleep's timer went into the scheduler's heap");
                woke.get(10, TimeUnit.SECONDS);
                assertEquals(0, provider.last.heaps.size(0), "the timer fired from the scheduler's loop");
                assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(th -> th.getName().startsWith("gmp4j-timers-one-carrier")),
                        "no runtime timer thread for a scheduler that keeps its timers");
            } finally {
                release.send(true);
            }
        }
    }

    @Test
    void preemptionPointsReachTheCarrier() throws Exception {
        Provider provider = new Provider();
        try (GoRuntime rt = GoRuntime.builder().scheduler(provider).maxProcs(1).monitor(false).build()) {
            OneCarrier s = provider.last;
            CompletableFuture<Integer> yields = new CompletableFuture<>();
            rt.go(() -> {
                Chan<Integer> ch = Chan.make(1);
                s.preemptRequest.set(true);
                Preemption.requested();
                ch.send(1); // a preemption point: the carrier honours the request
                yields.complete(s.preemptYields.get());
            });
            assertEquals(1, yields.get(10, TimeUnit.SECONDS), "the channel send asked the carrier to yield");
            assertFalse(s.preemptRequest.get(), "the request was taken");
        }
    }
}
