package io.gmp4j.lincheck;

import io.gmp4j.patterns.Singleflight;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static java.util.concurrent.TimeUnit.SECONDS;

/**
 * Linearizability of {@link Singleflight#doCall} and {@link Singleflight#forget} with a
 * deterministic function against {@link Model}: every caller gets the function's result for its
 * key — its own execution's or the one in flight it joined — and an error is every caller's
 * error. This checks the hand-over of the result to the callers that wait for an execution in
 * flight (they read it after the done channel closes), and that forget neither loses nor
 * crosses results.
 *
 * <p>A joining {@code doCall} waits only for an execution that is already running in another
 * operation, so every scenario completes and random scenarios can include it. What is not
 * checked: {@code Result.shared()} and how many executions ran — sharing one execution between
 * overlapping calls is the point of singleflight and is not linearizable against any sequential
 * specification (in which calls never overlap); {@code SingleflightTest} in the patterns module
 * covers those. {@code doChan} starts a goroutine, which needs a runtime and runs outside
 * Lincheck's threads, so it is left out.
 */
@Param(name = "key", gen = IntGen.class, conf = "1:3")
@Timeout(value = 120, unit = SECONDS)
public class SingleflightLincheckTest {
    private final Singleflight<Integer, Integer> group = new Singleflight<>();

    /** The function: {@code key * 10}, except key 3, which fails. */
    static int fn(int key) {
        if (key == 3) {
            throw new IllegalStateException("key 3 fails");
        }
        return key * 10;
    }

    /** Go's {@code v, err, _ := g.Do(key, fn)}, as {@code "v=<value>"} or {@code "err=<message>"}. */
    @Operation(blocking = true)
    public String doCall(@Param(name = "key") int key) {
        Singleflight.Result<Integer> r = group.doCall(key, () -> fn(key));
        return r.error() != null ? "err=" + r.error().getMessage() : "v=" + r.value();
    }

    @Operation
    public void forget(@Param(name = "key") int key) {
        group.forget(key);
    }

    @Test
    void doCallAndForgetAreLinearizableUnderModelChecking() {
        Runs.modelChecking(3, 40).sequentialSpecification(Model.class).check(SingleflightLincheckTest.class);
    }

    @Test
    void doCallAndForgetAreLinearizableUnderStress() {
        Runs.stress(4, 200).sequentialSpecification(Model.class).check(SingleflightLincheckTest.class);
    }

    /** The sequential specification: each call runs the function. */
    public static final class Model {
        public String doCall(int key) {
            try {
                return "v=" + fn(key);
            } catch (IllegalStateException e) {
                return "err=" + e.getMessage();
            }
        }

        public void forget(int key) {
            // Sequentially nothing is ever in flight.
        }
    }
}
