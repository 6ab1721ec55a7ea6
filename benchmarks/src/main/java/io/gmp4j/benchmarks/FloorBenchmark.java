package io.gmp4j.benchmarks;

import io.gmp4j.runtime.Chan;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The floor under a goroutine hand-off on JDK 25 virtual threads, beside gmp4j's own hand-offs,
 * all on one processor (one carrier thread) in one run. Score: time per one-way hand-off (one
 * side wakes the other, then waits), as in {@link PingPongBenchmark}.
 *
 * <p>Contenders ({@code impl}):
 * <ul>
 *   <li>{@code continuation}: a bare {@code jdk.internal.vm.Continuation} yielded and resumed in
 *       a loop by one platform thread — the freeze and thaw every virtual-thread switch pays,
 *       without any thread state or scheduler. One yield+resume per operation.</li>
 *   <li>{@code trivial-park}: two virtual threads hand a turn back and forth with
 *       {@code LockSupport.park/unpark}, on a one-carrier scheduler with nothing in it: a local
 *       {@code ArrayDeque} for tasks readied on the carrier, a {@code ConcurrentLinkedQueue} and an
 *       unpark for tasks from outside. The least a virtual-thread scheduler can do per hand-off
 *       (the JDK's {@code VirtualThread} park, unpark, mount and unmount included).</li>
 *   <li>{@code gmp-park}: the same ping-pong on gmp4j's {@code gmp} scheduler with one processor
 *       ({@link PingPongBenchmark}'s {@code gmp} contender).</li>
 *   <li>{@code gmp-chan}: ping-pong over two unbuffered {@link Chan}s on the same scheduler
 *       ({@link ChanPingPongBenchmark}'s {@code gmp} contender at one processor), per one-way
 *       hand-off.</li>
 * </ul>
 * {@code gmp-park} minus {@code trivial-park} is what the scheduler adds to the JDK's floor;
 * {@code gmp-chan} minus {@code gmp-park} is what a channel adds.
 *
 * <p>Needs {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED} (set by the fork) and
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED}. Run:
 * {@code java -jar benchmarks/target/gmp4j-benchmarks.jar FloorBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Schedulers.OPENS, "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED"})
public class FloorBenchmark {
    static final int ROUND_TRIPS = 10_000;

    @Param({"continuation", "trivial-park", "gmp-park", "gmp-chan"})
    public String impl;

    private Schedulers schedulers;
    private TrivialCarrier trivial;
    /** A {@code jdk.internal.vm.Continuation}, reached through method handles (no compile-time export). */
    private Object cont;
    private final Integer[] tokens = new Integer[1024];

    @Setup
    public void setup() {
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = 1_000_000 + i;
        }
        switch (impl) {
            case "continuation" -> cont = Cont.make();
            case "trivial-park" -> trivial = new TrivialCarrier();
            case "gmp-park", "gmp-chan" -> schedulers = new Schedulers("gmp", 1);
            default -> throw new IllegalArgumentException("impl: " + impl);
        }
    }

    @TearDown
    public void tearDown() {
        if (schedulers != null) {
            schedulers.close();
        }
        if (trivial != null) {
            trivial.stop();
        }
    }

    @Benchmark
    @OperationsPerInvocation(2 * ROUND_TRIPS)
    public int handoff() throws InterruptedException {
        return switch (impl) {
            case "continuation" -> {
                for (int i = 0; i < 2 * ROUND_TRIPS; i++) {
                    Cont.run(cont);
                }
                yield 0;
            }
            case "trivial-park" -> PingPongBenchmark.parkPingPong(trivial::start, impl);
            case "gmp-park" -> PingPongBenchmark.parkPingPong(schedulers::go, impl);
            case "gmp-chan" -> chanPingPong();
            default -> throw new IllegalStateException(impl);
        };
    }

    private int chanPingPong() throws InterruptedException {
        Chan<Integer> ping = Chan.make();
        Chan<Integer> pong = Chan.make();
        CountDownLatch done = new CountDownLatch(2);
        int[] bad = new int[1];
        schedulers.go(() -> {
            for (Integer v; (v = ping.recv()) != null; ) {
                pong.send(v);
            }
            done.countDown();
        });
        schedulers.go(() -> {
            for (int i = 0; i < ROUND_TRIPS; i++) {
                Integer v = tokens[i & (tokens.length - 1)];
                ping.send(v);
                if (pong.recv() != v) {
                    bad[0]++;
                }
            }
            ping.close();
            done.countDown();
        });
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("channel ping-pong stalled");
        }
        if (bad[0] != 0) {
            throw new IllegalStateException(bad[0] + " round trips returned another value");
        }
        return bad[0];
    }

    /** {@code jdk.internal.vm.Continuation} through method handles. */
    static final class Cont {
        private static final MethodHandle NEW;
        private static final MethodHandle RUN;
        private static final MethodHandle YIELD;
        private static final Object SCOPE;

        static {
            try {
                Class<?> c = Class.forName("jdk.internal.vm.Continuation");
                Class<?> s = Class.forName("jdk.internal.vm.ContinuationScope");
                MethodHandles.Lookup l = MethodHandles.lookup();
                SCOPE = l.findConstructor(s, MethodType.methodType(void.class, String.class)).invoke("floor");
                NEW = l.findConstructor(c, MethodType.methodType(void.class, s, Runnable.class))
                        .asType(MethodType.methodType(Object.class, Object.class, Runnable.class));
                RUN = l.findVirtual(c, "run", MethodType.methodType(void.class))
                        .asType(MethodType.methodType(void.class, Object.class));
                YIELD = l.findStatic(c, "yield", MethodType.methodType(boolean.class, s))
                        .asType(MethodType.methodType(boolean.class, Object.class));
            } catch (Throwable e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        static Object make() {
            Runnable body = () -> {
                try {
                    while (true) {
                        boolean ignored = (boolean) YIELD.invokeExact(SCOPE);
                    }
                } catch (Throwable e) {
                    throw new IllegalStateException(e);
                }
            };
            try {
                return (Object) NEW.invokeExact(SCOPE, body);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        static void run(Object cont) {
            try {
                RUN.invokeExact(cont);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * The least a virtual-thread scheduler can be: one platform carrier thread running tasks
     * from a local deque (tasks readied on the carrier itself) and an outside queue.
     */
    static final class TrivialCarrier implements Executor {
        private static final MethodHandle NEW_VIRTUAL_THREAD;
        private static final MethodHandle CURRENT_CARRIER;

        static {
            try {
                Class<?> builders = Class.forName("java.lang.ThreadBuilders");
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                NEW_VIRTUAL_THREAD = MethodHandles.privateLookupIn(builders, lookup).findStatic(builders,
                        "newVirtualThread",
                        MethodType.methodType(Thread.class, Executor.class, String.class, int.class, Runnable.class));
                CURRENT_CARRIER = MethodHandles.privateLookupIn(Thread.class, lookup).findStatic(Thread.class,
                        "currentCarrierThread", MethodType.methodType(Thread.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final ArrayDeque<Runnable> local = new ArrayDeque<>();
        private final ConcurrentLinkedQueue<Runnable> outside = new ConcurrentLinkedQueue<>();
        private final Thread carrier;
        private volatile boolean stopped;

        TrivialCarrier() {
            carrier = Thread.ofPlatform().daemon().name("trivial-carrier").start(this::loop);
        }

        Thread start(Runnable task) {
            try {
                Thread t = (Thread) NEW_VIRTUAL_THREAD.invokeExact((Executor) this, (String) null, 0, task);
                t.start();
                return t;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void execute(Runnable task) {
            Thread c;
            try {
                c = (Thread) CURRENT_CARRIER.invokeExact();
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
            if (c == carrier) {
                local.addLast(task);
            } else {
                outside.add(task);
                LockSupport.unpark(carrier);
            }
        }

        private void loop() {
            while (!stopped) {
                Runnable r = local.pollFirst();
                if (r == null) {
                    r = outside.poll();
                }
                if (r != null) {
                    r.run();
                } else {
                    LockSupport.park(this);
                }
            }
        }

        void stop() {
            stopped = true;
            LockSupport.unpark(carrier);
        }
    }
}
