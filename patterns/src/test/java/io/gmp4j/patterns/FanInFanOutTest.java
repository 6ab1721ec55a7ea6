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

import static io.gmp4j.patterns.GoTests.POLL;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
