package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.tck.fixtures.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static io.gmp4j.patterns.GoTests.POLL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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

    // ---------------------------------------------------------------- the buffer option

    @Test
    void stagesWithABufferHaveOutputsOfThatCapacityAndRunAheadOfTheirReader() throws Exception {
        GoTests.inGoroutine(() -> {
            GoRuntime rt = GoRuntime.current().orElseThrow();
            Pipeline<Integer> gen = Pipeline.from(Context.background(), 5, List.of(1, 2, 3, 4, 5));
            assertEquals(5, gen.out().cap(), "from's output");
            Pipeline<Integer> times10 = gen.map(2, 4, x -> x * 10);
            assertEquals(4, times10.out().cap(), "map's output");
            Pipeline<Integer> no30 = times10.filter(4, x -> x != 30);
            assertEquals(4, no30.out().cap(), "filter's output");
            // Nobody reads yet: every stage has room for what passes it, so every stage ends.
            Await.until(() -> rt.numGoroutine() == 1, POLL,
                    () -> "every stage ended with its output buffered; goroutines: " + rt.numGoroutine());
            int sum = 0;
            for (int v : no30.out()) {
                sum += v;
            }
            assertEquals(120, sum);
            no30.await();

            Chan<Integer> src = Chan.make(3);
            for (int i = 1; i <= 3; i++) {
                src.send(i);
            }
            src.close();
            Pipeline<Integer> copy = Pipeline.of(Context.background(), 3, src);
            assertEquals(3, copy.out().cap(), "of's output");
            Await.until(() -> rt.numGoroutine() == 1, POLL,
                    () -> "of's stage ended with its output buffered; goroutines: " + rt.numGoroutine());
            List<Integer> got = new ArrayList<>();
            for (int v : copy.out()) {
                got.add(v);
            }
            assertEquals(List.of(1, 2, 3), got);
            copy.await();
        });
    }

    @Test
    void aNegativeBufferIsRejectedSayingWhichChannelBeforeAnythingStarts() throws Exception {
        GoTests.inGoroutine(() -> {
            Context bg = Context.background();
            String first = "buffer: -1 (expected: >= 0, the capacity of the first stage's output channel;";
            String stage = "buffer: -1 (expected: >= 0, the capacity of the stage's output channel;";
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Pipeline.from(bg, -1, List.of(1)));
            assertTrue(e.getMessage().startsWith(first), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Pipeline.of(bg, -1, Chan.<Integer>make()));
            assertTrue(e.getMessage().startsWith(first), e.getMessage());
            Pipeline<Integer> p = Pipeline.from(bg, List.<Integer>of());
            e = assertThrows(IllegalArgumentException.class, () -> p.map(1, -1, x -> x));
            assertTrue(e.getMessage().startsWith(stage), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> p.filter(-1, x -> true));
            assertTrue(e.getMessage().startsWith(stage), e.getMessage());
            assertNull(p.out().recv(), "the empty source's stage ran and closed");
            p.await();
        });
    }

    // ---------------------------------------------------------------- cancellation, blocked and on the fast path

    @Test
    void cancellingStopsBufferedStagesBlockedOnAFullOutput() throws Exception {
        GoTests.inGoroutine(() -> {
            GoRuntime rt = GoRuntime.current().orElseThrow();
            Context ctx = Context.withCancel(Context.background());
            Iterable<Integer> endless = () -> IntStream.iterate(0, i -> i + 1).boxed().iterator();
            Pipeline<Integer> p = Pipeline.from(ctx, 2, endless).map(1, 2, x -> x);
            Await.until(() -> GoTests.parkedIn(rt, "select", "Pipeline.lambda$") == 2, POLL,
                    "the source and the stage are blocked sending to full outputs");
            ctx.cancel();
            p.await();
            Await.until(() -> rt.numGoroutine() == 1, POLL,
                    () -> "every stage ended after the cancel; goroutines: " + rt.numGoroutine());
            assertEquals(2, p.out().len(), "what was buffered stays readable");
            assertEquals(0, p.out().recv());
            assertEquals(1, p.out().recv());
            assertNull(p.out().recv(), "closed after the cancel");
        });
    }

    @Test
    void aSourceThatNeverWaitsSendsNothingMoreOnceTheContextIsCancelled() throws Exception {
        GoTests.inGoroutine(() -> {
            GoRuntime rt = GoRuntime.current().orElseThrow();
            int k = 1000;
            Context ctx = Context.withCancel(Context.background());
            AtomicInteger taken = new AtomicInteger();
            Iterable<Integer> endless = () -> new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public Integer next() {
                    int i = taken.incrementAndGet();
                    if (i == k) {
                        ctx.cancel();
                    }
                    return i;
                }
            };
            // The output always has room: the source never waits, every send takes the fast path.
            Pipeline<Integer> p = Pipeline.from(ctx, 2 * k, endless);
            Await.until(() -> rt.numGoroutine() == 1, POLL,
                    () -> "the source ended after the cancel; goroutines: " + rt.numGoroutine() + ", taken: " + taken);
            p.await();
            assertEquals(k, taken.get(), "the source took no element after the context was cancelled");
            assertEquals(k - 1, p.out().len(), "the element in hand when the context was cancelled was not sent");
            for (int i = 1; i < k; i++) {
                assertEquals(i, p.out().recv());
            }
            assertNull(p.out().recv(), "closed after the cancel");
        });
    }

    @Test
    void aSourceStartedOnACancelledContextTakesNothingFromItsIterable() throws Exception {
        GoTests.inGoroutine(() -> {
            GoRuntime rt = GoRuntime.current().orElseThrow();
            Context ctx = Context.withCancel(Context.background());
            ctx.cancel();
            AtomicInteger taken = new AtomicInteger();
            Iterable<Integer> counted = () -> IntStream.rangeClosed(1, 3)
                    .peek(i -> taken.incrementAndGet()).boxed().iterator();
            Pipeline<Integer> p = Pipeline.from(ctx, 3, counted);
            Await.until(() -> rt.numGoroutine() == 1, POLL, () -> "the source ended; goroutines: " + rt.numGoroutine());
            p.await();
            assertEquals(0, taken.get(), "elements taken from the iterable on a cancelled context");
            assertNull(p.out().recv(), "closed without a value");
        });
    }

    @Test
    void aStageThatNeverWaitsTakesAndSendsNothingMoreOnceTheContextIsCancelled() throws Exception {
        GoTests.inGoroutine(() -> {
            GoRuntime rt = GoRuntime.current().orElseThrow();
            int k = 1000;
            Context ctx = Context.withCancel(Context.background());
            Pipeline<Integer> gen = Pipeline.from(ctx, 3 * k, IntStream.rangeClosed(1, 3 * k).boxed().toList());
            // Every element is buffered before the stage starts, and the stage's output has room for
            // them all: the stage never waits, every step takes the fast path.
            Await.until(() -> gen.out().len() == 3 * k, POLL, () -> "the source buffered " + gen.out().len());
            AtomicInteger calls = new AtomicInteger();
            Pipeline<Integer> p = gen.map(1, 3 * k, x -> {
                if (calls.incrementAndGet() == k) {
                    ctx.cancel();
                }
                return x;
            });
            Await.until(() -> rt.numGoroutine() == 1, POLL,
                    () -> "the stage ended after the cancel; goroutines: " + rt.numGoroutine() + ", calls: " + calls);
            p.await();
            assertEquals(k, calls.get(), "the stage took no element after the context was cancelled");
            assertEquals(2 * k, gen.out().len(), "what the stage left in its input");
            assertEquals(k - 1, p.out().len(), "the element in hand when the context was cancelled was not sent");
            for (int i = 1; i < k; i++) {
                assertEquals(i, p.out().recv());
            }
            assertNull(p.out().recv(), "closed after the cancel");
        });
    }

    @Test
    void aStageAddedOnACancelledContextTakesNothingThoughItsInputHasData() throws Exception {
        GoTests.inGoroutine(() -> {
            GoRuntime rt = GoRuntime.current().orElseThrow();
            Context ctx = Context.withCancel(Context.background());
            Pipeline<Integer> gen = Pipeline.from(ctx, 3, List.of(1, 2, 3));
            Await.until(() -> gen.out().len() == 3, POLL, () -> "the source buffered " + gen.out().len());
            ctx.cancel();
            AtomicInteger calls = new AtomicInteger();
            Pipeline<Integer> p = gen.map(1, 3, x -> {
                calls.incrementAndGet();
                return x;
            });
            Await.until(() -> rt.numGoroutine() == 1, POLL,
                    () -> "the stage ended; goroutines: " + rt.numGoroutine());
            p.await();
            assertEquals(0, calls.get(), "the stage ran on a cancelled context");
            assertEquals(3, gen.out().len(), "the stage took an element on a cancelled context");
            assertNull(p.out().recv(), "closed without a value");
        });
    }
}
