package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.tck.fixtures.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.gmp4j.patterns.GoTests.POLL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FanInFanOutTest {

    @Test
    void mergeDeliversEveryValueOnceKeepsEachInputsOrderAndClosesAfterAllInputs() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            int inputs = 3;
            int per = 1000;
            BlockingQueue<Object> out = new LinkedBlockingQueue<>();
            rt.go(() -> {
                List<Chan<Integer>> ins = new ArrayList<>();
                for (int k = 0; k < inputs; k++) {
                    Chan<Integer> c = Chan.make(k); // capacities 0, 1, 2
                    ins.add(c);
                    int base = k * per;
                    io.gmp4j.runtime.Go.go(() -> {
                        for (int i = 0; i < per; i++) {
                            c.send(base + i);
                        }
                        c.close();
                    });
                }
                BitSet seen = new BitSet();
                int[] last = {-1, -1, -1};
                boolean ordered = true;
                int count = 0;
                for (int v : FanIn.merge(Context.background(), ins)) {
                    ordered &= v > last[v / per];
                    last[v / per] = v;
                    seen.set(v);
                    count++;
                }
                out.add(count);
                out.add(seen.cardinality());
                out.add(ordered);
            });
            assertEquals(inputs * per, out.poll(30, TimeUnit.SECONDS));
            assertEquals(inputs * per, out.poll(30, TimeUnit.SECONDS));
            assertEquals(true, out.poll(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void fanOutThenFanInComputesEverySquare() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            BlockingQueue<Long> out = new LinkedBlockingQueue<>();
            rt.go(() -> {
                Chan<Integer> jobs = Chan.make(8);
                io.gmp4j.runtime.Go.go(() -> {
                    for (int i = 1; i <= 1000; i++) {
                        jobs.send(i);
                    }
                    jobs.close();
                });
                List<Chan<Long>> outs = FanOut.distribute(Context.background(), jobs, 3, x -> (long) x * x);
                assertEquals(3, outs.size());
                long sum = 0;
                for (long sq : FanIn.merge(Context.background(), outs)) {
                    sum += sq;
                }
                out.add(sum);
            });
            assertEquals(1000L * 1001 * 2001 / 6, out.poll(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void cancellingTheContextClosesTheMergeAndLeavesNoGoroutineBehind() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            List<Chan<Integer>> never = List.of(Chan.make(), Chan.make(), Chan.make());
            Context ctx = Context.withCancel(Context.background());
            BlockingQueue<Integer> out = new LinkedBlockingQueue<>();
            CountDownLatch merged = new CountDownLatch(1);
            rt.go(() -> {
                Chan<Integer> m = FanIn.merge(ctx, never);
                merged.countDown();
                int n = 0;
                for (Integer ignored : m) {
                    n++;
                }
                out.add(n);
            });
            assertTrue(merged.await(10, TimeUnit.SECONDS));
            ctx.cancel();
            assertEquals(0, out.poll(20, TimeUnit.SECONDS), "the merged channel closed without values");
            assertTrue(Await.holds(() -> rt.numGoroutine() == 0, POLL), "goroutines left: " + rt.numGoroutine());
        }
    }

    @Test
    void cancellingTheContextStopsFanOutWorkersBlockedOnInputOrOutput() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            Chan<Integer> in = Chan.make(4);
            for (int i = 1; i <= 4; i++) {
                in.send(i); // the workers will block sending results nobody reads
            }
            Context ctx = Context.withCancel(Context.background());
            BlockingQueue<List<Chan<Integer>>> outs = new LinkedBlockingQueue<>();
            rt.go(() -> outs.add(FanOut.distribute(ctx, in, 2, x -> x)));
            List<Chan<Integer>> o = outs.poll(10, TimeUnit.SECONDS);
            assertEquals(2, o.size());
            ctx.cancel();
            assertTrue(Await.holds(() -> rt.numGoroutine() == 0, POLL), "goroutines left: " + rt.numGoroutine());
            for (Chan<Integer> c : o) {
                assertEquals(null, c.recv(), "closed after cancel");
            }
        }
    }

    @Test
    void fanOutNeedsAtLeastOneWorker() {
        Chan<Integer> in = Chan.make();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FanOut.distribute(Context.background(), in, 0, x -> x));
        assertTrue(e.getMessage().contains("workers: 0"), e.getMessage());
    }

    // ---------------------------------------------------------------- the buffer option

    @Test
    void distributeWithABufferGivesEachWorkerAnOutputOfThatCapacitySoItCanRunAheadOfItsReader() throws Exception {
        GoTests.inGoroutine(() -> {
            GoRuntime rt = GoRuntime.current().orElseThrow();
            Chan<Integer> in = Chan.make(6);
            for (int i = 1; i <= 6; i++) {
                in.send(i);
            }
            in.close();
            List<Chan<Integer>> outs = FanOut.distribute(Context.background(), in, 2, 6, x -> x * 10);
            for (Chan<Integer> c : outs) {
                assertEquals(6, c.cap(), "each output's capacity");
            }
            // Nobody reads yet: with room for every result the workers finish and close their outputs.
            Await.until(() -> rt.numGoroutine() == 1, POLL,
                    () -> "the workers ended with their results buffered; goroutines: " + rt.numGoroutine());
            int n = 0;
            int sum = 0;
            for (Chan<Integer> c : outs) {
                for (int v : c) {
                    sum += v;
                    n++;
                }
            }
            assertEquals(6, n);
            assertEquals(210, sum);
        });
    }

    @Test
    void mergeWithABufferForwardsAheadOfItsReaderAndKeepsEachInputsOrder() throws Exception {
        GoTests.inGoroutine(() -> {
            GoRuntime rt = GoRuntime.current().orElseThrow();
            List<Chan<Integer>> ins = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                Chan<Integer> c = Chan.make(4);
                for (int i = 0; i < 4; i++) {
                    c.send(k * 100 + i);
                }
                c.close();
                ins.add(c);
            }
            Chan<Integer> merged = FanIn.merge(Context.background(), 12, ins);
            assertEquals(12, merged.cap(), "the merged channel's capacity");
            Await.until(() -> rt.numGoroutine() == 1, POLL,
                    () -> "the forwarders ended with every value buffered; goroutines: " + rt.numGoroutine());
            assertEquals(12, merged.len());
            int[] last = {-1, -1, -1};
            int n = 0;
            for (int v : merged) {
                assertTrue(v > last[v / 100], "order of input " + v / 100 + ": " + v + " after " + last[v / 100]);
                last[v / 100] = v;
                n++;
            }
            assertEquals(12, n);
        });
    }

    @Test
    void aNegativeBufferIsRejectedSayingWhichChannelBeforeAnythingStarts() throws Exception {
        GoTests.inGoroutine(() -> {
            Chan<Integer> in = Chan.make();
            IllegalArgumentException d = assertThrows(IllegalArgumentException.class,
                    () -> FanOut.distribute(Context.background(), in, 2, -1, x -> x));
            assertTrue(d.getMessage().startsWith("buffer: -1 (expected: >= 0, the capacity of each output channel;"),
                    d.getMessage());
            IllegalArgumentException m = assertThrows(IllegalArgumentException.class,
                    () -> FanIn.merge(Context.background(), -1, List.of(in)));
            assertTrue(m.getMessage().startsWith("buffer: -1 (expected: >= 0, the capacity of the merged channel;"),
                    m.getMessage());
            assertEquals(1, GoRuntime.current().orElseThrow().numGoroutine(), "no goroutine was started");
        });
    }

    // ---------------------------------------------------------------- cancellation, blocked and on the fast path

    @Test
    void cancellingStopsBufferedWorkersBlockedOnAFullOutput() throws Exception {
        GoTests.inGoroutine(() -> {
            GoRuntime rt = GoRuntime.current().orElseThrow();
            Chan<Integer> in = Chan.make(10);
            for (int i = 1; i <= 10; i++) {
                in.send(i); // not closed: only the context can end the workers
            }
            Context ctx = Context.withCancel(Context.background());
            List<Chan<Integer>> outs = FanOut.distribute(ctx, in, 2, 2, x -> x);
            Await.until(() -> GoTests.parkedIn(rt, "select", "FanOut.work") == 2, POLL,
                    "both workers are blocked sending to a full output");
            ctx.cancel();
            Await.until(() -> rt.numGoroutine() == 1, POLL,
                    () -> "the workers ended after the cancel; goroutines: " + rt.numGoroutine());
            for (Chan<Integer> c : outs) {
                assertEquals(2, c.len(), "what was buffered stays readable");
                c.recv();
                c.recv();
                assertNull(c.recv(), "closed after the cancel");
            }
        });
    }

    @Test
    void cancellingStopsBufferedForwardersBlockedOnAFullMergedChannel() throws Exception {
        GoTests.inGoroutine(() -> {
            GoRuntime rt = GoRuntime.current().orElseThrow();
            List<Chan<Integer>> ins = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                Chan<Integer> c = Chan.make(5);
                for (int i = 0; i < 5; i++) {
                    c.send(i); // not closed: only the context can end the forwarders
                }
                ins.add(c);
            }
            Context ctx = Context.withCancel(Context.background());
            Chan<Integer> merged = FanIn.merge(ctx, 2, ins);
            Await.until(() -> GoTests.parkedIn(rt, "select", "FanIn.forward") == 2, POLL,
                    "both forwarders are blocked sending to the full merged channel");
            ctx.cancel();
            Await.until(() -> rt.numGoroutine() == 1, POLL,
                    () -> "the forwarders ended after the cancel; goroutines: " + rt.numGoroutine());
            assertEquals(2, merged.len(), "what was buffered stays readable");
            merged.recv();
            merged.recv();
            assertNull(merged.recv(), "closed after the cancel");
        });
    }

    @Test
    void aWorkerThatNeverWaitsTakesAndSendsNothingMoreOnceTheContextIsCancelled() throws Exception {
        GoTests.inGoroutine(() -> {
            GoRuntime rt = GoRuntime.current().orElseThrow();
            int k = 1000;
            Chan<Integer> in = Chan.make(1);
            in.send(0);
            Context ctx = Context.withCancel(Context.background());
            AtomicInteger calls = new AtomicInteger();
            // The worker's input always holds a value (fn puts the next one back) and its output
            // always has room: it never waits, every step takes the fast path.
            List<Chan<Integer>> outs = FanOut.distribute(ctx, in, 1, 2 * k, x -> {
                if (calls.incrementAndGet() == k) {
                    ctx.cancel();
                }
                in.send(x + 1);
                return x;
            });
            Await.until(() -> rt.numGoroutine() == 1, POLL,
                    () -> "the worker ended after the cancel; goroutines: " + rt.numGoroutine() + ", calls: " + calls);
            assertEquals(k, calls.get(), "the worker took no value after the context was cancelled");
            Chan<Integer> out = outs.get(0);
            assertEquals(k - 1, out.len(), "the value in hand when the context was cancelled was not sent");
            for (int i = 0; i < k - 1; i++) {
                assertEquals(i, out.recv());
            }
            assertNull(out.recv(), "closed after the cancel");
        });
    }

    @Test
    void workersStartedOnACancelledContextTakeNothingThoughTheInputHasData() throws Exception {
        GoTests.inGoroutine(() -> {
            GoRuntime rt = GoRuntime.current().orElseThrow();
            Chan<Integer> in = Chan.make(3);
            for (int i = 1; i <= 3; i++) {
                in.send(i);
            }
            Context ctx = Context.withCancel(Context.background());
            ctx.cancel();
            AtomicInteger calls = new AtomicInteger();
            List<Chan<Integer>> outs = FanOut.distribute(ctx, in, 2, 3, x -> {
                calls.incrementAndGet();
                return x;
            });
            Await.until(() -> rt.numGoroutine() == 1, POLL,
                    () -> "the workers ended; goroutines: " + rt.numGoroutine());
            assertEquals(0, calls.get(), "fn ran on a cancelled context");
            assertEquals(3, in.len(), "a worker took a value on a cancelled context");
            for (Chan<Integer> c : outs) {
                assertNull(c.recv(), "closed without a value");
            }
        });
    }

    @Test
    void forwardersStartedOnACancelledContextTakeNothingThoughTheInputsHaveData() throws Exception {
        GoTests.inGoroutine(() -> {
            GoRuntime rt = GoRuntime.current().orElseThrow();
            List<Chan<Integer>> ins = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                Chan<Integer> c = Chan.make(3);
                for (int i = 0; i < 3; i++) {
                    c.send(i);
                }
                ins.add(c);
            }
            Context ctx = Context.withCancel(Context.background());
            ctx.cancel();
            Chan<Integer> merged = FanIn.merge(ctx, 6, ins);
            Await.until(() -> rt.numGoroutine() == 1, POLL,
                    () -> "the forwarders ended; goroutines: " + rt.numGoroutine());
            for (Chan<Integer> c : ins) {
                assertEquals(3, c.len(), "a forwarder took a value on a cancelled context");
            }
            assertNull(merged.recv(), "closed without a value");
        });
    }
}
