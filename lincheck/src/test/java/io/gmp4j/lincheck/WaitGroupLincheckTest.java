package io.gmp4j.lincheck;

import io.gmp4j.patterns.WaitGroup;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static io.gmp4j.lincheck.Runs.scenario;
import static java.util.concurrent.TimeUnit.SECONDS;

/**
 * Linearizability of {@link WaitGroup} against {@link Model}, Go's {@code sync.WaitGroup}
 * counter: {@code add(delta)} and {@code done()} move it, going below zero throws
 * {@link IllegalStateException} (Go panics) and leaves it unchanged, and {@code await()} returns
 * at a moment the counter is zero.
 *
 * <p>The counter has no getter (Go's has none either); {@link #counter()} reads it from
 * {@code toString()}, which prints it under the same lock. {@code await()} with a positive
 * counter blocks until the counter reaches zero — in random scenarios nothing may ever bring it
 * there, so {@code await} runs only in hand-written scenarios in which every interleaving
 * completes; the model says an {@code await} at a positive counter "would block", so it is
 * linearized at a moment the counter is zero.
 */
@Param(name = "delta", gen = IntGen.class, conf = "-1:2")
@Timeout(value = 120, unit = SECONDS)
public class WaitGroupLincheckTest {
    final WaitGroup wg = new WaitGroup();

    @Operation
    public void add(@Param(name = "delta") int delta) {
        wg.add(delta);
    }

    @Operation
    public void done() {
        wg.done();
    }

    @Operation
    public long counter() {
        String s = wg.toString(); // "WaitGroup(n)"
        return Long.parseLong(s.substring(s.indexOf('(') + 1, s.indexOf(')')));
    }

    /** Adds the blocking {@code await}, for the hand-written scenarios only. */
    @Param(name = "delta", gen = IntGen.class, conf = "-1:2")
    public static class Blocking extends WaitGroupLincheckTest {
        @Operation(blocking = true)
        public void await() {
            wg.await();
        }
    }

    /** Scenarios with blocking waits in which every interleaving completes. */
    static List<ExecutionScenario> blockingScenarios() {
        Class<?> t = Blocking.class;
        return List.of(
                // Two workers, one waiter.
                scenario(t).initial("add", 2)
                        .thread("await")
                        .thread("done")
                        .thread("done")
                        .post("counter").build(),
                // Two waiters, and a worker added while the first one is still running.
                scenario(t).initial("add", 1)
                        .thread("await")
                        .thread("add", 1).then("done")
                        .thread("done").then("await")
                        .post("counter").build(),
                // Reuse: the counter goes to zero and up again while a waiter holds the old
                // zero channel.
                scenario(t).initial("add", 1)
                        .thread("await").then("counter")
                        .thread("done").then("add", 1).then("done")
                        .post("await").build());
    }

    @Test
    void counterIsLinearizableUnderModelChecking() {
        Runs.modelChecking(4, 60).sequentialSpecification(Model.class).check(WaitGroupLincheckTest.class);
    }

    @Test
    void counterIsLinearizableUnderStress() {
        Runs.stress(4, 200).sequentialSpecification(Model.class).check(WaitGroupLincheckTest.class);
    }

    @Test
    void awaitIsLinearizableUnderModelChecking() {
        Runs.modelCheckingOnly(blockingScenarios(), 60).sequentialSpecification(Model.class).check(Blocking.class);
    }

    @Test
    void awaitIsLinearizableUnderStress() {
        Runs.stressOnly(blockingScenarios(), 300).sequentialSpecification(Model.class).check(Blocking.class);
    }

    /** The sequential specification: a counter that never goes negative. */
    public static final class Model {
        private long counter;

        public void add(int delta) {
            if (counter + delta < 0) {
                throw new IllegalStateException("sync: negative WaitGroup counter");
            }
            counter += delta;
        }

        public void done() {
            add(-1);
        }

        public long counter() {
            return counter;
        }

        public void await() {
            if (counter > 0) {
                throw new SequentialChan.WouldBlock();
            }
        }
    }
}
