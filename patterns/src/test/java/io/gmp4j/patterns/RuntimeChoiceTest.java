package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.GoRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The patterns' goroutines run on the runtime the program names, called from a platform thread
 * (this test's) while two runtimes are open; without a runtime named, they refuse to guess.
 */
@Timeout(value = 60, unit = SECONDS)
class RuntimeChoiceTest {
    /** The runtime of the calling goroutine. */
    private static GoRuntime here() {
        return GoRuntime.current().orElseThrow(() -> new AssertionError("not a goroutine"));
    }

    @Test
    void everyPatternRunsOnTheRuntimeItIsGiven() throws Exception {
        try (GoRuntime mine = GoRuntime.builder().maxProcs(2).build();
             GoRuntime other = GoRuntime.builder().maxProcs(1).build()) {
            Set<GoRuntime> seen = ConcurrentHashMap.newKeySet();

            ErrGroup g = new ErrGroup(mine);
            g.go(() -> seen.add(here()));
            ErrGroup gc = ErrGroup.withContext(mine, Context.background());
            gc.go(() -> seen.add(here()));
            g.await();
            gc.await();

            try (WorkerPool<Integer, GoRuntime> pool = WorkerPool.start(mine, 2, 4, (ctx, x) -> here())) {
                pool.submit(1);
                pool.submit(2);
                pool.shutdown();
                for (WorkerPool.Outcome<Integer, GoRuntime> o : pool.results()) {
                    seen.add(o.value());
                }
            }

            Pipeline<GoRuntime> p = Pipeline.from(mine, Context.background(), List.of(1, 2, 3)).map(x -> here());
            for (GoRuntime r : p.out()) {
                seen.add(r);
            }
            p.await();

            Chan<Integer> in = Chan.make(3);
            for (int i = 0; i < 3; i++) {
                in.send(i);
            }
            in.close();
            List<Chan<GoRuntime>> outs = FanOut.distribute(mine, Context.background(), in, 2, x -> here());
            for (GoRuntime r : FanIn.merge(mine, Context.background(), new ArrayList<>(outs))) {
                seen.add(r);
            }

            Singleflight<String, GoRuntime> sf = new Singleflight<>(mine);
            seen.add(sf.doChan("k", GoRuntimeHere::get).recv().value());

            assertEquals(Set.of(mine), seen, "a pattern given a runtime ran a goroutine elsewhere");
        }
    }

    @Test
    void withoutARuntimeNamedAPlatformThreadGetsAClearFailureWhenSeveralAreOpen() throws Exception {
        try (GoRuntime a = GoRuntime.builder().maxProcs(1).build();
             GoRuntime b = GoRuntime.builder().maxProcs(1).build()) {
            List<Runnable> calls = List.of(
                    () -> new ErrGroup().go(() -> {}),
                    () -> WorkerPool.start(1, 0, (ctx, x) -> x),
                    () -> Pipeline.from(Context.background(), List.of(1)),
                    () -> FanOut.distribute(Context.background(), Chan.<Integer>make(), 1, x -> x),
                    () -> FanIn.merge(Context.background(), List.of(Chan.<Integer>make())),
                    () -> new Singleflight<String, String>().doChan("k", () -> "v"));
            for (Runnable call : calls) {
                IllegalStateException e = assertThrows(IllegalStateException.class, call::run);
                assertTrue(e.getMessage().contains("runtimes built by the program are open") && e.getMessage().contains(a.toString().split("[(,]")[1]),
                        "the failure names the open runtimes: " + e.getMessage());
            }
            // Inside a goroutine the goroutine's runtime is used, with no ambiguity.
            assertSame(b, b.run(() -> {
                ErrGroup g = new ErrGroup();
                Set<GoRuntime> seen = ConcurrentHashMap.newKeySet();
                g.go(() -> seen.add(here()));
                g.await();
                return seen.iterator().next();
            }));
        }
    }

    /** A Callable for Singleflight that reports the goroutine's runtime. */
    private static final class GoRuntimeHere {
        static GoRuntime get() {
            return here();
        }
    }
}
