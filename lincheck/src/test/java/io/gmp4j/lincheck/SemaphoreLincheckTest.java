package io.gmp4j.lincheck;

import io.gmp4j.patterns.Semaphore;
import io.gmp4j.runtime.Context;
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
 * Linearizability of the weighted {@link Semaphore} (size 3) against {@link Model}: x/sync's
 * {@code semaphore.Weighted} counted in tokens held.
 *
 * <ul>
 *   <li>Random scenarios: {@code tryAcquire(n)}, {@code release(n)} (over-release throws and
 *       changes nothing), and {@code acquire} with an already cancelled context (x/sync fails
 *       it even when tokens are free). None of these waits, and without waiters
 *       {@code tryAcquire} succeeds exactly when the tokens are free, so a sequential counter
 *       specifies them. These exercise the one-CAS fast paths.</li>
 *   <li>Hand-written scenarios, in which every interleaving completes: blocking
 *       {@code acquire} queued behind a large head (no barging), released by {@code release}
 *       (the wake-up path), and a waiter whose context is cancelled (it holds nothing, and the
 *       ones behind it are woken if they now fit). {@code tryAcquire} is left out of these: with
 *       a waiter queued it fails although tokens are free (x/sync's FIFO fairness), which
 *       depends on an acquire that has not completed yet — not expressible as a sequential
 *       specification of single-step operations.</li>
 * </ul>
 */
@Param(name = "n", gen = IntGen.class, conf = "1:3")
@Timeout(value = 120, unit = SECONDS)
public class SemaphoreLincheckTest {
    static final int SIZE = 3;

    final Semaphore sem = new Semaphore(SIZE);
    private final Context cancelled = cancelledContext();

    private static Context cancelledContext() {
        Context c = Context.withCancel(Context.background());
        c.cancel();
        return c;
    }

    @Operation
    public boolean tryAcquire(@Param(name = "n") int n) {
        return sem.tryAcquire(n);
    }

    @Operation
    public void release(@Param(name = "n") int n) {
        sem.release(n);
    }

    @Operation
    public void acquireCancelled(@Param(name = "n") int n) {
        sem.acquire(cancelled, n);
    }

    /** Adds the blocking acquire and a context to cancel, for the hand-written scenarios only. */
    @Param(name = "n", gen = IntGen.class, conf = "1:3")
    public static class Blocking extends SemaphoreLincheckTest {
        private final Context ctx = Context.withCancel(Context.background());

        @Operation(blocking = true)
        public void acquire(@Param(name = "n") int n) {
            sem.acquire(Context.background(), n);
        }

        /** Acquires under {@link #cancel}'s context: gives up with its error once it is cancelled. */
        @Operation(blocking = true)
        public void acquireCtx(@Param(name = "n") int n) {
            sem.acquire(ctx, n);
        }

        @Operation
        public void cancel() {
            ctx.cancel();
        }
    }

    /** Scenarios with blocking acquires in which every interleaving completes. */
    static List<ExecutionScenario> blockingScenarios() {
        Class<?> t = Blocking.class;
        return List.of(
                // All tokens held; two waiters of different weights; one release of everything.
                scenario(t).initial("acquire", 3)
                        .thread("acquire", 2).then("release", 2)
                        .thread("acquire", 1).then("release", 1)
                        .thread("release", 3)
                        .post("tryAcquire", 3).build(),
                // A large head (3) with one token free: the small request behind it may not
                // barge once the head is queued, and both complete once everything is released.
                scenario(t).initial("acquire", 2)
                        .thread("acquire", 3).then("release", 3)
                        .thread("acquire", 1).then("release", 1)
                        .thread("release", 2)
                        .post("tryAcquire", 3).build(),
                // The head's context is cancelled: it holds nothing, and the waiter behind it,
                // which fits, is woken.
                scenario(t).initial("acquire", 2)
                        .thread("acquireCtx", 2)
                        .thread("acquire", 1).then("release", 1)
                        .thread("cancel")
                        .post("tryAcquire", 1).post("tryAcquire", 1).build(),
                // A context cancelled before the release that frees the tokens: the acquire
                // fails (holding nothing) — it may not succeed on tokens freed after its
                // context ended.
                scenario(t).initial("acquire", 3)
                        .thread("acquireCtx", 1)
                        .thread("cancel").then("release", 1)
                        .post("tryAcquire", 1).post("tryAcquire", 1).build());
    }

    @Test
    void fastPathsAreLinearizableUnderModelChecking() {
        Runs.modelChecking(4, 60).sequentialSpecification(Model.class).check(SemaphoreLincheckTest.class);
    }

    @Test
    void fastPathsAreLinearizableUnderStress() {
        Runs.stress(4, 200).sequentialSpecification(Model.class).check(SemaphoreLincheckTest.class);
    }

    @Test
    void blockingAcquireReleaseAndCancelAreLinearizableUnderModelChecking() {
        Runs.modelCheckingOnly(blockingScenarios(), 60).sequentialSpecification(Model.class).check(Blocking.class);
    }

    @Test
    void blockingAcquireReleaseAndCancelAreLinearizableUnderStress() {
        Runs.stressOnly(blockingScenarios(), 300).sequentialSpecification(Model.class).check(Blocking.class);
    }

    /**
     * The sequential specification: tokens held out of {@link #SIZE}. An acquire that does not
     * fit "would block" ({@link SequentialChan.WouldBlock}, never a real result), so it is
     * linearized after the release that let it in, or after the cancel that failed it.
     */
    public static final class Model {
        private int held;
        private boolean cancelled;

        public boolean tryAcquire(int n) {
            if (held + n > SIZE) {
                return false;
            }
            held += n;
            return true;
        }

        public void release(int n) {
            if (n > held) {
                throw new IllegalStateException("semaphore: released more than held");
            }
            held -= n;
        }

        public void acquireCancelled(int n) {
            throw Context.CANCELED; // x/sync: a done context fails even when tokens are free
        }

        public void acquire(int n) {
            if (held + n > SIZE) {
                throw new SequentialChan.WouldBlock();
            }
            held += n;
        }

        public void acquireCtx(int n) {
            if (cancelled) {
                throw Context.CANCELED;
            }
            acquire(n);
        }

        public void cancel() {
            cancelled = true;
        }
    }
}
