package io.gmp4j.soak;

import io.gmp4j.patterns.ErrGroup;
import io.gmp4j.patterns.Pipeline;
import io.gmp4j.patterns.WorkerPool;
import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.ContextException;
import io.gmp4j.runtime.Go;
import io.gmp4j.runtime.Select;
import io.gmp4j.runtime.Timer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.random.RandomGenerator;

/**
 * The patterns module under the same load: an {@code ErrGroup} whose failing task cancels the
 * others' context (the first failure comes out of {@code await()}), a {@code Pipeline} cancelled
 * at a random point (no value twice, none invented; uncancelled, every value once), and a
 * {@code WorkerPool} with failing jobs (every input comes out exactly once).
 */
final class PatternsMix extends Episode {
    PatternsMix(Phase phase, int number, long seed) {
        super(phase, "patterns", number, seed);
    }

    @Override
    void launch() {
        long s = rng.nextLong();
        int which = rng.nextInt(3);
        go(() -> {
            RandomGenerator r = Diag.rng(s);
            switch (which) {
                case 0 -> errGroup(r);
                case 1 -> pipeline(r);
                default -> workerPool(r);
            }
            counters.inc(Counter.PATTERN_RUNS);
        });
    }

    private void errGroup(RandomGenerator r) {
        ErrGroup g = ErrGroup.withContext(Context.background());
        int n = 2 + r.nextInt(20);
        int failing = r.nextInt(n + 2) - 2; // sometimes none
        Injected.Fault fault = new Injected.Fault("errgroup task");
        for (int i = 0; i < n; i++) {
            boolean fails = i == failing;
            long nanos = r.nextInt(20_000_000);
            long waitNanos = 1_000_000 + r.nextInt(50_000_000);
            g.go(() -> {
                if (fails) {
                    Go.sleep(Duration.ofNanos(nanos));
                    throw fault;
                }
                Timer t = Timer.newTimer(Duration.ofNanos(waitNanos));
                Select.builder().recv(g.context().done(), x -> { }).recv(t.c(), x -> { }).run();
                t.stop();
                step();
            });
        }
        try {
            g.await();
            if (failing >= 0) {
                fail("ErrGroup.await() returned although a task threw");
            }
        } catch (ExecutionException e) {
            if (e.getCause() != fault) {
                fail("ErrGroup.await() reported " + e.getCause() + " instead of the task's failure");
            }
        }
        if (g.context().err() == null) {
            fail("ErrGroup.await() left its context live");
        }
    }

    private void pipeline(RandomGenerator r) {
        int n = 100 + r.nextInt(5000);
        List<Integer> source = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            source.add(i);
        }
        Context ctx = Context.withCancel(Context.background());
        int cancelAfter = r.nextBoolean() ? r.nextInt(n) : -1;
        Pipeline<Integer> p = Pipeline.from(ctx, source)
                .map(1 + r.nextInt(3), x -> 2 * x + 1)
                .filter(x -> x % 3 != 0);
        AtomicLongArray seen = new AtomicLongArray((2 * n + 64) / 64 + 1);
        int got = 0;
        Chan<Integer> out = p.out();
        for (Integer v = out.recv(); v != null; v = out.recv()) {
            if (v < 0 || v >= 2 * n + 1 || v % 2 == 0 || v % 3 == 0) {
                fail("the pipeline produced " + v + ", which no input maps to");
                continue;
            }
            if (!Diag.setBit(seen, v)) {
                fail("the pipeline produced " + v + " twice");
            }
            if (++got == cancelAfter) {
                ctx.cancel();
            }
            step();
        }
        try {
            p.await();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof ContextException) || cancelAfter < 0) {
                fail("Pipeline.await() reported " + e.getCause());
            }
        }
        if (cancelAfter < 0 || got < cancelAfter) {
            int expected = 0;
            for (int i = 0; i < n; i++) {
                if ((2 * i + 1) % 3 != 0) {
                    expected++;
                }
            }
            if (cancelAfter < 0 && got != expected) {
                fail("the pipeline delivered " + got + " values, expected " + expected);
            }
        }
        ctx.cancel();
    }

    private void workerPool(RandomGenerator r) {
        int n = 10 + r.nextInt(500);
        int failEvery = 2 + r.nextInt(10);
        WorkerPool<Integer, Integer> pool = WorkerPool.start(1 + r.nextInt(4), r.nextInt(17), (ctx, x) -> {
            if (x % failEvery == 0) {
                throw new Injected.Fault("job " + x);
            }
            return x * 2;
        });
        AtomicLongArray seen = new AtomicLongArray(n / 64 + 1);
        long[] outcomes = {0};
        Chan<Boolean> drained = Chan.make(1);
        go(() -> {
            for (WorkerPool.Outcome<Integer, Integer> o : pool.results()) {
                int x = o.input();
                if (!Diag.setBit(seen, x)) {
                    fail("the worker pool reported input " + x + " twice");
                }
                boolean shouldFail = x % failEvery == 0;
                if (o.failed() != shouldFail || (!shouldFail && o.value() != x * 2)
                        || (shouldFail && !(o.error() instanceof Injected.Fault))) {
                    fail("the worker pool's outcome for " + x + " is " + o);
                }
                outcomes[0]++;
                step();
            }
            drained.send(Boolean.TRUE);
        });
        for (int i = 0; i < n; i++) {
            pool.submit(i);
        }
        pool.shutdown();
        drained.recv();
        pool.awaitTermination();
        if (outcomes[0] != n) {
            fail("the worker pool reported " + outcomes[0] + " outcomes for " + n + " jobs");
        }
    }
}
