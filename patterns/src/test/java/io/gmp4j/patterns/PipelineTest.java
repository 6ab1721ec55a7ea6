package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.tck.fixtures.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.gmp4j.patterns.GoTests.POLL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipelineTest {

    /** Runs body in a goroutine of a fresh runtime and returns what it put in the queue. */
    private static Object inGoroutine(GoRuntime rt, java.util.function.Consumer<BlockingQueue<Object>> body)
            throws InterruptedException {
        BlockingQueue<Object> out = new LinkedBlockingQueue<>();
        rt.go(() -> {
            try {
                body.accept(out);
            } catch (RuntimeException | Error e) {
                out.add(e);
            }
        });
        Object r = out.poll(30, TimeUnit.SECONDS);
        assertNotNull(r, "no result within 30 s");
        return r;
    }

    @Test
    void genThenSquareKeepsOrderAndEnds() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            Object r = inGoroutine(rt, q -> {
                Pipeline<Integer> p = Pipeline.from(Context.background(), List.of(1, 2, 3, 4, 5)).map(x -> x * x);
                List<Integer> got = new ArrayList<>();
                for (int v : p.out()) {
                    got.add(v);
                }
                try {
                    p.await();
                } catch (ExecutionException e) {
                    throw new AssertionError(e);
                }
                q.add(got);
            });
            assertEquals(List.of(1, 4, 9, 16, 25), r);
            assertTrue(Await.holds(() -> rt.numGoroutine() == 0, POLL));
        }
    }

    @Test
    void aParallelStageAndAFilterComputeTheSameSum() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            Object r = inGoroutine(rt, q -> {
                List<Integer> in = IntStream.rangeClosed(1, 2000).boxed().toList();
                Chan<Integer> src = Chan.make(16);
                io.gmp4j.runtime.Go.go(() -> {
                    for (int v : in) {
                        src.send(v);
                    }
                    src.close();
                });
                Pipeline<Long> p = Pipeline.of(Context.background(), src)
                        .filter(x -> x % 2 == 0)
                        .map(4, x -> (long) x * x);
                long sum = 0;
                for (long v : p.out()) {
                    sum += v;
                }
                q.add(sum);
            });
            long expected = IntStream.rangeClosed(1, 2000).filter(x -> x % 2 == 0).mapToLong(x -> (long) x * x).sum();
            assertEquals(expected, r);
            assertTrue(Await.holds(() -> rt.numGoroutine() == 0, POLL));
        }
    }

    @Test
    void cancellingStopsEveryStageWithoutLeaks() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            Context ctx = Context.withCancel(Context.background());
            Object r = inGoroutine(rt, q -> {
                Iterable<Integer> endless = () -> IntStream.iterate(0, i -> i + 1).boxed().iterator();
                Pipeline<Integer> p = Pipeline.from(ctx, endless).map(x -> x + 1).map(3, x -> x * 2);
                int n = 0;
                for (int ignored : p.out()) {
                    if (++n == 10) {
                        ctx.cancel(); // the consumer is done: stop everything
                    }
                }
                try {
                    p.await();
                    q.add(n);
                } catch (ExecutionException e) {
                    q.add(e);
                }
            });
            assertTrue(r instanceof Integer n && n >= 10, String.valueOf(r));
            assertTrue(Await.holds(() -> rt.numGoroutine() == 0, POLL), "goroutines left: " + rt.numGoroutine());
        }
    }

    @Test
    void aFailingStageStopsThePipelineAndAwaitReportsIt() throws Exception {
        IOException boom = new IOException("stage 2 failed at 50");
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            Object r = inGoroutine(rt, q -> {
                Iterable<Integer> endless = () -> IntStream.iterate(0, i -> i + 1).boxed().iterator();
                Pipeline<Integer> p = Pipeline.from(Context.background(), endless)
                        .map(x -> {
                            if (x == 50) {
                                throw boom;
                            }
                            return x;
                        })
                        .map(x -> x);
                int seen = 0;
                for (int ignored : p.out()) {
                    seen++;
                }
                try {
                    p.await();
                    q.add("no failure after " + seen);
                } catch (ExecutionException e) {
                    q.add(e);
                }
            });
            ExecutionException e = (ExecutionException) r;
            assertSame(boom, e.getCause());
            assertTrue(Await.holds(() -> rt.numGoroutine() == 0, POLL), "goroutines left: " + rt.numGoroutine());
        }
    }

    @Test
    void aNullFromAStageIsAFailureThatSaysWhy() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            Object r = inGoroutine(rt, q -> {
                Pipeline<Object> p = Pipeline.from(Context.background(), List.of(1, 2)).map(x -> null);
                for (Object ignored : p.out()) {
                    q.add("unexpected value");
                }
                try {
                    p.await();
                    q.add("no failure");
                } catch (ExecutionException e) {
                    q.add(e.getCause());
                }
            });
            assertTrue(r instanceof NullPointerException npe && npe.getMessage().contains("null marks a closed channel"),
                    String.valueOf(r));
        }
    }

    @Test
    void workersMustBePositive() {
        Pipeline<Integer> p = Pipeline.from(Context.background(), List.<Integer>of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.map(0, x -> x));
        assertTrue(e.getMessage().contains("workers: 0"));
    }
}
