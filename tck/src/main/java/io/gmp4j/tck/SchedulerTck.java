package io.gmp4j.tck;

import io.gmp4j.netpoll.Conn;
import io.gmp4j.netpoll.Listener;
import io.gmp4j.netpoll.Net;
import io.gmp4j.netpoll.NetTimeoutException;
import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.ContextException;
import io.gmp4j.runtime.DeadlockHandler;
import io.gmp4j.runtime.Go;
import io.gmp4j.runtime.GoInterruptedException;
import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.runtime.GoroutineException;
import io.gmp4j.runtime.RuntimeStats;
import io.gmp4j.runtime.Select;
import io.gmp4j.runtime.Ticker;
import io.gmp4j.runtime.Timer;
import io.gmp4j.runtime.spi.SchedulerProvider;
import io.gmp4j.tck.fixtures.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The scheduler test-compatibility kit: the behaviour every {@link SchedulerProvider} must give
 * gmp4j's runtime, as JUnit 5 tests. A provider author runs it with one test class:
 *
 * <pre>{@code
 * class MySchedulerTck extends SchedulerTck {
 *     @Override protected SchedulerProvider provider() { return new MySchedulerProvider(); }
 *     @Override protected Set<Capability> capabilities() { return EnumSet.of(Capability.MAX_PROCS); }
 * }
 * }</pre>
 *
 * <p>Every check builds its own runtime on the provider ({@code GoRuntime.builder().scheduler(provider())},
 * see {@link #builder()}) and closes it. The checks every provider must pass: each goroutine runs
 * exactly once under a million spawns; no wake-up is lost when an idle runtime is woken from a
 * goroutine or a platform thread; park/unpark and {@code Thread.yield}; timers, tickers and
 * {@code Go.sleep}; channels, select, contexts; waits on the network poller and read deadlines;
 * {@code Go.syscall}; the goroutine dump and the deadlock report; close, bounded close and
 * {@code shutdownNow}; uncaught exceptions reaching the handler; thread locals and scoped values
 * across parks. The optional ones run only for the {@link Capability capabilities} the provider
 * declares, and are skipped (JUnit assumptions) otherwise.
 *
 * <p>Thread use: JUnit calls the tests on its own threads; each test is bounded by a
 * {@link Timeout}, so a scheduler that loses a goroutine fails instead of hanging the build.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class SchedulerTck {
    /** How long a check waits for something that should happen at once. */
    private static final long STEP_SECONDS = 20;
    private static final Duration STEP = Duration.ofSeconds(STEP_SECONDS);

    /** Behaviour a provider may offer and must declare for its check to run. */
    public enum Capability {
        /**
         * At most {@code maxProcs} goroutines run at the same instant (Go's GOMAXPROCS). The
         * JDK's own scheduler ignores {@code maxProcs} and does not declare it.
         */
        MAX_PROCS,
        /**
         * {@code Scheduler.monitored()} returns a view through which the system monitor can hand
         * off a processor held by a goroutine that never yields, or blocked in
         * {@code Go.syscall}: with one processor, a goroutine in a CPU loop does not keep a
         * sleeping goroutine from waking.
         */
        MONITORED
    }

    /** Creates the kit; subclasses say which provider to check. */
    protected SchedulerTck() {}

    /**
     * The provider under test. Called once per check; may return a new instance each time.
     *
     * @return the provider
     */
    protected abstract SchedulerProvider provider();

    /**
     * What the provider claims beyond the mandatory checks; none by default.
     *
     * @return the declared capabilities
     */
    protected Set<Capability> capabilities() {
        return EnumSet.noneOf(Capability.class);
    }

    /**
     * How many goroutines the spawn check starts; a million by default. Lower it only for a
     * provider that is slow by design, and say so.
     *
     * @return the number of spawns
     */
    protected int spawns() {
        return 1_000_000;
    }

    /**
     * The builder every check starts from: the provider under test with the system monitor on.
     * Override to add settings the provider needs; keep {@code scheduler(provider())}.
     *
     * @return a new builder
     */
    protected GoRuntime.Builder builder() {
        return GoRuntime.builder().scheduler(provider());
    }

    /**
     * A provider registered as a service under {@code name} (gmp4j's own are {@code gmp},
     * {@code fifo} and {@code jdk}), for a kit subclass that checks a provider by name.
     *
     * @param name the provider's name
     * @return the provider
     * @throws IllegalArgumentException if no provider on the module path has that name
     */
    public static SchedulerProvider provider(String name) {
        for (SchedulerProvider p : ServiceLoader.load(SchedulerProvider.class, SchedulerTck.class.getClassLoader())) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no SchedulerProvider named '" + name + "' (known: "
                + GoRuntime.availableSchedulers() + ")");
    }

    private GoRuntime build(int maxProcs) {
        return builder().maxProcs(maxProcs).build();
    }

    /**
     * A runtime under test, closed at the end of a check without waiting for ever: a scheduler
     * that lost a goroutine makes {@code close()} wait for it, so the kit closes with a bound,
     * then interrupts what is left, and fails with the goroutines still there. A failure of the
     * check itself stays the one reported (this one is added to it as suppressed).
     */
    private record Held(GoRuntime rt) implements AutoCloseable {
        @Override
        public void close() {
            if (rt.close(Duration.ofSeconds(STEP_SECONDS))) {
                return;
            }
            StringBuilder dump = new StringBuilder();
            rt.dumpGoroutines(dump);
            rt.shutdownNow();
            rt.close(Duration.ofSeconds(STEP_SECONDS));
            throw new AssertionError("close() did not end within " + STEP_SECONDS + " s: " + rt.numGoroutine()
                    + " goroutine(s) left, lost or stuck; they were:\n" + dump);
        }
    }

    private static Held hold(GoRuntime rt) {
        return new Held(rt);
    }

    /** Receives from {@code ch} (on any thread), bounded by the kit's step. */
    private static <T> T recv(Chan<T> ch, String what) {
        Timer t = Timer.newTimer(Duration.ofSeconds(STEP_SECONDS));
        try {
            AtomicReference<T> got = new AtomicReference<>();
            int which = Select.builder().recv(ch, got::set).recv(t.c(), x -> {}).run();
            assertEquals(0, which, what + " did not arrive within " + STEP_SECONDS + " s");
            return got.get();
        } finally {
            t.stop();
        }
    }

    // ---------------------------------------------------------------- mandatory

    /**
     * Every goroutine of a million, spawned from goroutines in a tree, runs exactly once.
     *
     * @throws Exception what the check threw when the provider failed it
     */
    @Test
    public void everyGoroutineRunsExactlyOnce() throws Exception {
        int n = spawns();
        AtomicIntegerArray ran = new AtomicIntegerArray(n);
        CountDownLatch all = new CountDownLatch(n);
        try (Held held = hold(build(Math.max(2, Runtime.getRuntime().availableProcessors())))) {
            GoRuntime rt = held.rt();
            rt.go(() -> spawnRange(ran, all, 0, n));
            Await.latch(all, STEP, n + " goroutines");
        }
        for (int i = 0; i < n; i++) {
            assertEquals(1, ran.get(i), "goroutine " + i + " ran " + ran.get(i) + " times");
        }
    }

    /** Starts goroutines for [from, to): halves in new goroutines down to runs of 64. */
    private static void spawnRange(AtomicIntegerArray ran, CountDownLatch all, int from, int to) {
        if (to - from <= 64) {
            for (int i = from; i < to; i++) {
                int id = i;
                Go.go(() -> {
                    ran.incrementAndGet(id);
                    all.countDown();
                });
            }
            return;
        }
        int mid = (from + to) >>> 1;
        Go.go(() -> spawnRange(ran, all, from, mid));
        Go.go(() -> spawnRange(ran, all, mid, to));
    }

    /**
     * Created and exited counts agree once every goroutine has ended, and close leaves none.
     *
     * @throws Exception what the check threw when the provider failed it
     */
    @Test
    public void statsCountEveryGoroutineAndCloseLeavesNone() throws Exception {
        GoRuntime rt = build(2);
        try {
            CountDownLatch done = new CountDownLatch(1000);
            for (int i = 0; i < 1000; i++) {
                rt.go(done::countDown);
            }
            Await.latch(done, STEP, "1,000 goroutines");
        } finally {
            hold(rt).close();
        }
        RuntimeStats s = rt.stats();
        assertEquals(s.goroutinesCreated(), s.goroutinesExited(), "created vs exited: " + s);
        assertEquals(0, rt.numGoroutine());
    }

    /**
     * No lost wake-up: a runtime with every goroutine parked is woken, many times over, by a
     * platform thread and by a goroutine, on one processor and on two.
     *
     * @throws Exception what the check threw when the provider failed it
     */
    @Test
    public void anIdleRuntimeIsWokenEveryTime() throws Exception {
        for (int procs : new int[] {1, 2}) {
            try (Held held = hold(build(procs))) {
                GoRuntime rt = held.rt();
                Chan<Integer> in = Chan.make();
                Chan<Integer> out = Chan.make();
                rt.go(() -> {
                    for (Integer v : in) {
                        out.send(v + 1);
                    }
                    out.close();
                });
                for (int i = 0; i < 2_000; i++) {
                    in.send(i);                                   // from this platform thread
                    assertEquals(i + 1, recv(out, "reply " + i + " (platform thread, maxProcs " + procs + ")"));
                }
                Chan<Integer> result = Chan.make(1);
                rt.go(() -> {                                     // from a goroutine, waking another
                    int sum = 0;
                    for (int i = 0; i < 2_000; i++) {
                        in.send(i);
                        sum += out.recv();
                    }
                    result.send(sum);
                });
                assertEquals(2_000 * 1_999 / 2 + 2_000, recv(result, "2,000 goroutine round trips (maxProcs " + procs + ")"));
                in.close();
            }
        }
    }

    /**
     * {@code LockSupport.park}/{@code unpark} between goroutines and from a platform thread.
     *
     * @throws Exception what the check threw when the provider failed it
     */
    @Test
    public void parkAndUnparkFromGoroutinesAndPlatformThreads() throws Exception {
        try (Held held = hold(build(2))) {
            GoRuntime rt = held.rt();
            AtomicInteger wakes = new AtomicInteger();
            CountDownLatch parked = new CountDownLatch(1);
            CountDownLatch woken = new CountDownLatch(1);
            AtomicReference<Boolean> go = new AtomicReference<>(false);
            Thread g = rt.go(() -> {
                parked.countDown();
                while (!go.get()) {
                    LockSupport.park(this);
                }
                wakes.incrementAndGet();
                woken.countDown();
            });
            Await.latch(parked, STEP, "the goroutine's start");
            go.set(true);
            LockSupport.unpark(g);                                // from a platform thread
            Await.latch(woken, STEP, "unpark from a platform thread");

            CountDownLatch pong = new CountDownLatch(1);
            AtomicReference<Boolean> flag = new AtomicReference<>(false);
            Thread waiter = rt.go(() -> {
                while (!flag.get()) {
                    LockSupport.park(this);
                }
                pong.countDown();
            });
            rt.go(() -> {                                          // from a goroutine
                flag.set(true);
                LockSupport.unpark(waiter);
            });
            Await.latch(pong, STEP, "unpark from a goroutine");
            assertEquals(1, wakes.get());
        }
    }

    /**
     * {@code Thread.yield} (Go's Gosched) lets another goroutine run, even on one processor.
     *
     * @throws Exception what the check threw when the provider failed it
     */
    @Test
    public void yieldLetsOthersRunOnOneProcessor() throws Exception {
        try (Held held = hold(build(1))) {
            GoRuntime rt = held.rt();
            AtomicReference<Boolean> flag = new AtomicReference<>(false);
            CountDownLatch done = new CountDownLatch(1);
            rt.go(() -> {
                Go.go(() -> flag.set(true));                      // queued behind this goroutine
                while (!flag.get()) {
                    Thread.yield();
                }
                done.countDown();
            });
            Await.latch(done, STEP, "the yielding goroutine seeing the other one's write");
        }
    }

    /**
     * {@code Go.sleep}, one-shot timers, {@code stop}, {@code afterFunc} and tickers.
     *
     * @throws Exception what the check threw when the provider failed it
     */
    @Test
    public void timersFireStopAndTick() throws Exception {
        try (Held held = hold(build(2))) {
            GoRuntime rt = held.rt();
            String verdict = rt.run(() -> {
                long t0 = System.nanoTime();
                Go.sleep(Duration.ofMillis(20));
                assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(20), "sleep returned early");
                Timer fires = Timer.newTimer(Duration.ofMillis(10));
                assertNotNull(recv(fires.c(), "a 10 ms timer"));
                Timer stopped = Timer.newTimer(Duration.ofHours(1));
                assertTrue(stopped.stop(), "stop of a pending timer reports it active");
                Chan<Boolean> ran = Chan.make(1);
                Timer.afterFunc(Duration.ofMillis(5), () -> ran.send(Boolean.TRUE));
                assertEquals(Boolean.TRUE, recv(ran, "afterFunc's goroutine"));
                Ticker ticker = Ticker.newTicker(Duration.ofMillis(5));
                try {
                    for (int i = 0; i < 3; i++) {
                        assertNotNull(recv(ticker.c(), "tick " + i));
                    }
                } finally {
                    ticker.stop();
                }
                assertNull(stopped.c().tryRecv(), "a stopped timer sent");
                return "ok";
            });
            assertEquals("ok", verdict);
        }
    }

    /**
     * Unbuffered and buffered channels: order, close and range, 10,000 hand-offs.
     *
     * @throws Exception what the check threw when the provider failed it
     */
    @Test
    public void channelsHandOffInOrderAndClose() throws Exception {
        try (Held held = hold(build(2))) {
            GoRuntime rt = held.rt();
            long sum = rt.run(() -> {
                Chan<Integer> unbuffered = Chan.make();
                Chan<Integer> buffered = Chan.make(16);
                Go.go(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        unbuffered.send(i);
                    }
                    unbuffered.close();
                });
                Go.go(() -> {
                    int expect = 0;
                    for (Integer v : unbuffered) {
                        assertEquals(expect++, v, "order");
                        buffered.send(v);
                    }
                    buffered.close();
                });
                long total = 0;
                for (Integer v : buffered) {
                    total += v;
                }
                return total;
            });
            assertEquals(10_000L * 9_999 / 2, sum);
        }
    }

    /**
     * Select: the default case, a ready case chosen among several (both over time), a timeout.
     *
     * @throws Exception what the check threw when the provider failed it
     */
    @Test
    public void selectChoosesReadyCasesAndTimesOut() throws Exception {
        try (Held held = hold(build(2))) {
            GoRuntime rt = held.rt();
            int[] counts = rt.run(() -> {
                Chan<Integer> a = Chan.make(1);
                Chan<Integer> b = Chan.make(1);
                int[] c = new int[3];
                assertEquals(2, Select.builder().recv(a, v -> {}).recv(b, v -> {}).orElse(() -> {}).run(),
                        "nothing ready: the default case");
                for (int i = 0; i < 1_000; i++) {
                    a.send(1);
                    b.send(2);
                    int which = Select.builder().recv(a, v -> {}).recv(b, v -> {}).run();
                    c[which]++;
                    (which == 0 ? b : a).recv();
                }
                Timer t = Timer.newTimer(Duration.ofMillis(10));
                c[2] = Select.builder().recv(Chan.<Integer>make(), v -> {}).recv(t.c(), v -> {}).run();
                return c;
            });
            assertTrue(counts[0] > 100 && counts[1] > 100, "select is not choosing at random: " + counts[0] + "/" + counts[1]);
            assertEquals(1, counts[2], "the timer case");
        }
    }

    /**
     * Context: a deadline ends a blocked select; cancelling a parent ends its child.
     *
     * @throws Exception what the check threw when the provider failed it
     */
    @Test
    public void contextsEndBlockedGoroutines() throws Exception {
        try (Held held = hold(build(2))) {
            GoRuntime rt = held.rt();
            String verdict = rt.run(() -> {
                try (Context ctx = Context.withTimeout(Context.background(), Duration.ofMillis(20))) {
                    Select.builder().recv(Chan.make(), v -> {}).recv(ctx.done(), x -> {}).run();
                    assertSame(Context.DEADLINE_EXCEEDED, ctx.err());
                }
                Context parent = Context.withCancel(Context.background());
                Context child = Context.withCancel(parent);
                Chan<ContextException> seen = Chan.make(1);
                Go.go(() -> {
                    child.done().recv();
                    seen.send(child.err());
                });
                parent.cancel();
                assertSame(Context.CANCELED, recv(seen, "the child's end"));
                return "ok";
            });
            assertEquals("ok", verdict);
        }
    }

    /**
     * The network poller: accept, read and write park and wake; a read deadline fires.
     *
     * @throws Exception what the check threw when the provider failed it
     */
    @Test
    public void networkWaitsParkAndWake() throws Exception {
        try (Held held = hold(build(2))) {
            GoRuntime rt = held.rt();
            String verdict = rt.run(() -> {
                try (Listener ln = Net.listen(new InetSocketAddress("127.0.0.1", 0))) {
                    Go.go(() -> {
                        try (Conn c = ln.accept()) {
                            ByteBuffer b = ByteBuffer.allocate(64);
                            int n;
                            while ((n = c.read(b)) > 0) {
                                b.flip();
                                c.write(b);
                                b.clear();
                            }
                        } catch (IOException e) {
                            // the client closed
                        }
                    });
                    try (Conn c = Net.dial(ln.address(), Duration.ofSeconds(STEP_SECONDS))) {
                        for (int i = 0; i < 100; i++) {
                            c.write(ByteBuffer.wrap(new byte[] {(byte) i}));
                            ByteBuffer one = ByteBuffer.allocate(1);
                            assertEquals(1, c.read(one));
                            assertEquals((byte) i, one.get(0));
                        }
                        c.setReadDeadline(Instant.now().plusMillis(20));
                        assertThrows(NetTimeoutException.class, () -> c.read(ByteBuffer.allocate(1)));
                    }
                }
                return "ok";
            });
            assertEquals("ok", verdict);
        }
    }

    /**
     * {@code Go.syscall}: returns the call's value, rethrows its exception, counts the call (or says it cannot: -1).
     *
     * @throws Exception what the check threw when the provider failed it
     */
    @Test
    public void syscallReturnsAndThrowsWhatTheCallDoes() throws Exception {
        try (Held held = hold(build(1))) {
            GoRuntime rt = held.rt();
            assertEquals(42, (int) rt.run(() -> Go.syscall(() -> 42)));
            GoroutineException e = assertThrows(GoroutineException.class, () -> rt.run(() -> Go.syscall(() -> {
                throw new IOException("from the call");
            })));
            assertInstanceOf(IOException.class, e.getCause(), "what the call threw");
            assertEquals("from the call", e.getCause().getMessage());
            long counted = rt.stats().syscalls();                  // -1: the scheduler does not count them
            assertTrue(counted == -1 || counted >= 2, "Go.syscall calls counted: " + counted);
        }
    }

    /**
     * The goroutine dump shows a parked goroutine with its wait reason and its stack.
     *
     * @throws Exception what the check threw when the provider failed it
     */
    @Test
    public void theGoroutineDumpShowsWaitingGoroutines() throws Exception {
        try (Held held = hold(build(2))) {
            GoRuntime rt = held.rt();
            Chan<Integer> never = Chan.make();
            CountDownLatch started = new CountDownLatch(1);
            rt.go(() -> waitInRecv(started, never));
            Await.latch(started, STEP, "the goroutine's start");
            // Bounded polling until it has parked in the receive (after the latch it still runs
            // for a moment: a dump then shows it runnable, inside waitInRecv).
            String[] last = {""};
            Await.holds(() -> {
                StringBuilder sb = new StringBuilder();
                rt.dumpGoroutines(sb);
                last[0] = sb.toString();
                return last[0].contains("chan receive");
            }, STEP);
            String dump = last[0];
            assertTrue(dump.contains("chan receive"), "no wait reason in the dump:\n" + dump);
            assertTrue(dump.contains("waitInRecv"), "no stack in the dump:\n" + dump);
            never.close();
        }
    }

    private static void waitInRecv(CountDownLatch started, Chan<Integer> ch) {
        started.countDown();
        ch.recv();
    }

    /**
     * The system monitor reports a deadlock (every goroutine asleep) on this provider too.
     *
     * @throws Exception what the check threw when the provider failed it
     */
    @Test
    public void aDeadlockIsReported() throws Exception {
        AtomicReference<String> report = new AtomicReference<>();
        CountDownLatch reported = new CountDownLatch(1);
        DeadlockHandler h = (runtime, text) -> {
            report.compareAndSet(null, text);
            reported.countDown();
        };
        // No timer may be pending on the runtime while it waits: a timer can wake a goroutine,
        // so Go's rule (and gmp4j's) reports no deadlock then. Hence a latch, not a timed receive.
        GoRuntime rt = builder().maxProcs(2).deadlockHandler(h).deadlockWakers(t -> false).build();
        try {
            assumeTrue(rt.monitorName().isPresent(), "no system monitor on the module path");
            Chan<Integer> never = Chan.make();
            rt.go(never::recv);
            Await.latch(reported, STEP, "the deadlock report");
            assertTrue(report.get().contains("all goroutines are asleep"), report.get());
        } finally {
            rt.shutdownNow();
        }
        assertTrue(rt.close(Duration.ofSeconds(STEP_SECONDS)), "close after shutdownNow");
    }

    /**
     * close waits for running goroutines and then refuses new ones; a bounded close gives up on
     * a blocked goroutine; shutdownNow interrupts it.
     *
     * @throws Exception what the check threw when the provider failed it
     */
    @Test
    public void closeWaitsBoundedCloseGivesUpShutdownNowInterrupts() throws Exception {
        GoRuntime rt = build(2);
        Chan<Integer> release = Chan.make();
        AtomicReference<Throwable> blockedEnd = new AtomicReference<>();
        CountDownLatch blockedStarted = new CountDownLatch(1);
        CountDownLatch blockedEnded = new CountDownLatch(1);
        rt.go(() -> {
            blockedStarted.countDown();
            try {
                release.recv();
            } catch (Throwable t) {
                blockedEnd.set(t);
            } finally {
                blockedEnded.countDown();
            }
        });
        Await.latch(blockedStarted, STEP, "the goroutine's start");
        assertFalse(rt.close(Duration.ofMillis(50)), "close(50 ms) with a goroutine blocked for ever");
        assertThrows(RejectedExecutionException.class, () -> rt.go(() -> {}), "go after close");
        assertTrue(rt.shutdownNow() >= 1, "shutdownNow interrupted nobody");
        Await.latch(blockedEnded, STEP, "the interrupted goroutine's end");
        assertInstanceOf(GoInterruptedException.class, blockedEnd.get());
        assertTrue(rt.close(Duration.ofSeconds(STEP_SECONDS)), "close after shutdownNow");

        GoRuntime rt2 = build(2);
        AtomicInteger finished = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        rt2.go(() -> {
            started.countDown();
            Go.sleep(Duration.ofMillis(50));
            finished.incrementAndGet();
        });
        Await.latch(started, STEP, "the goroutine's start");
        assertTrue(rt2.close(Duration.ofSeconds(STEP_SECONDS)), "close with a goroutine that ends in 50 ms");
        assertEquals(1, finished.get(), "close returned before the running goroutine ended");
    }

    /**
     * An exception escaping a goroutine reaches the runtime's uncaught-exception handler.
     *
     * @throws Exception what the check threw when the provider failed it
     */
    @Test
    public void uncaughtExceptionsReachTheHandler() throws Exception {
        Chan<Throwable> caught = Chan.make(1);
        try (Held held = hold(builder().maxProcs(2).uncaughtExceptionHandler((t, e) -> caught.trySend(e)).build())) {
            GoRuntime rt = held.rt();
            IllegalStateException thrown = new IllegalStateException("escaped");
            rt.go(() -> {
                throw thrown;
            });
            assertSame(thrown, recv(caught, "the handler's call"));
        }
    }

    private static final ThreadLocal<Integer> LOCAL = new ThreadLocal<>();
    private static final ScopedValue<String> SCOPED = ScopedValue.newInstance();

    /**
     * Thread locals belong to one goroutine, and scoped values survive its parks.
     *
     * @throws Exception what the check threw when the provider failed it
     */
    @Test
    public void threadLocalsAndScopedValuesFollowTheGoroutine() throws Exception {
        try (Held held = hold(build(1))) {
            GoRuntime rt = held.rt();
            Chan<String> out = Chan.make(2);
            CountDownLatch both = new CountDownLatch(2);
            for (int id = 0; id < 2; id++) {
                int me = id;
                rt.go(() -> {
                    LOCAL.set(me);
                    String seen = ScopedValue.where(SCOPED, "g" + me).call(() -> {
                        both.countDown();
                        Go.sleep(Duration.ofMillis(5));                 // park; the other runs here
                        Thread.yield();
                        return SCOPED.get() + ":" + LOCAL.get();
                    });
                    out.send(seen);
                });
            }
            Await.latch(both, STEP, "both goroutines in their scopes");
            String a = recv(out, "first result");
            String b = recv(out, "second result");
            assertEquals(Set.of("g0:0", "g1:1"), Set.of(a, b));
        }
    }

    /**
     * A goroutine finds its own runtime ({@code GoRuntime.current()}, and so {@code Go.go})
     * before and after it parks and yields, and so does a goroutine it starts, with two runtimes
     * on the provider open at once. This is what {@code Scheduler.runsOnCarriers()} promises
     * when it returns true: the runtime then binds nothing per goroutine and relies on the
     * goroutine's {@code Carrier} instead.
     *
     * @throws Exception what the check threw when the provider failed it
     */
    @Test
    public void aGoroutineFindsItsOwnRuntime() throws Exception {
        try (Held first = hold(build(1)); Held second = hold(build(1))) {
            Chan<String> out = Chan.make(4);
            for (GoRuntime rt : new GoRuntime[] {first.rt(), second.rt()}) {
                rt.go(() -> {
                    StringBuilder wrong = new StringBuilder(seen(rt, "at start"));
                    try {
                        Go.sleep(Duration.ofMillis(1));
                        Thread.yield();
                        wrong.append(seen(rt, "after a park and a yield"));
                        Chan<String> child = Chan.make(1);
                        Go.go(() -> child.send(seen(rt, "in a goroutine it started")));
                        wrong.append(child.recv());
                    } catch (RuntimeException e) {
                        wrong.append("a goroutine of ").append(rt).append(" could not start another: ").append(e);
                    }
                    out.send(wrong.toString());
                });
            }
            assertEquals("", recv(out, "the first runtime's goroutine"));
            assertEquals("", recv(out, "the second runtime's goroutine"));
        }
    }

    /** Empty if the calling goroutine sees {@code rt} as its runtime, else what it sees. */
    private static String seen(GoRuntime rt, String when) {
        GoRuntime mine = GoRuntime.current().orElse(null);
        return mine == rt ? "" : "a goroutine of " + rt + " " + when + " sees " + mine + "; ";
    }

    // ---------------------------------------------------------------- optional

    /**
     * {@link Capability#MAX_PROCS}: never more than maxProcs goroutines run at once (with the
     * system monitor off, so that no processor is handed off).
     *
     * @throws Exception what the check threw when the provider failed it
     */
    @Test
    public void noMoreThanMaxProcsGoroutinesRunAtOnce() throws Exception {
        assumeTrue(capabilities().contains(Capability.MAX_PROCS), "the provider does not declare MAX_PROCS");
        int procs = 2;
        // Without the monitor: a processor handed off from a goroutine that holds it too long
        // (a slow 5 ms spin on a loaded machine) leaves that goroutine running on its old thread
        // until its next yield point, as a goroutine in a syscall runs on in Go; counting it
        // would be counting the hand-off, not the scheduler's limit.
        try (Held held = hold(builder().maxProcs(procs).monitor(false).build())) {
            GoRuntime rt = held.rt();
            AtomicInteger running = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(16);
            for (int i = 0; i < 16; i++) {
                rt.go(() -> {
                    int now = running.incrementAndGet();
                    most.accumulateAndGet(now, Math::max);
                    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                    running.decrementAndGet();
                    done.countDown();
                });
            }
            Await.latch(done, STEP, "16 goroutines");
            assertTrue(most.get() <= procs, most.get() + " goroutines ran at once with maxProcs " + procs);
        }
    }

    /**
     * {@link Capability#MONITORED}: on one processor, a goroutine that never yields does not keep
     * a sleeping goroutine from waking (the monitor hands the processor off).
     *
     * @throws Exception what the check threw when the provider failed it
     */
    @Test
    public void aCpuLoopDoesNotHoldASleeperOnOneProcessor() throws Exception {
        assumeTrue(capabilities().contains(Capability.MONITORED), "the provider does not declare MONITORED");
        try (Held held = hold(build(1))) {
            GoRuntime rt = held.rt();
            assumeTrue(rt.monitorName().isPresent(), "no system monitor on the module path");
            assertTrue(rt.monitorCanRetake(), "the provider declares MONITORED, but its scheduler offers no "
                    + "MonitoredScheduler (Scheduler.monitored() returned null)");
            AtomicReference<Boolean> stop = new AtomicReference<>(false);
            CountDownLatch woke = new CountDownLatch(1);
            CountDownLatch hogging = new CountDownLatch(1);
            rt.go(() -> {
                rt.go(() -> {                                      // queued behind the hog
                    Go.sleep(Duration.ofMillis(50));
                    woke.countDown();
                });
                hogging.countDown();
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(STEP_SECONDS);
                while (!stop.get() && System.nanoTime() < end) {
                    Thread.onSpinWait();                           // never yields
                }
            });
            Await.latch(hogging, STEP, "the hog's start");
            try {
                Await.latch(woke, STEP, "the sleeper's wake-up while another goroutine holds the only processor");
            } finally {
                stop.set(true);
            }
        }
    }
}
