package io.gmp4j.lincheck;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.ContextException;
import io.gmp4j.runtime.Select;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static java.util.concurrent.TimeUnit.SECONDS;

/**
 * Linearizability of {@link Context} cancellation against {@link Model}: a parent
 * ({@code withCancel(background())}) and its child ({@code withCancel(parent)}). Cancelling the
 * parent ends the child; cancelling the child leaves the parent alone; {@code err()} is null
 * while live and {@link Context#CANCELED} after; {@code done()} is closed exactly when
 * {@code err()} is set; the first cancellation's cause wins; cancel is idempotent — and, as in
 * Go, when any {@code cancel()} call has returned, the context and its descendants are done.
 *
 * <p>The operations observe one context each (the child). A cascade is not atomic: Go's
 * {@code cancelCtx.cancel} (and gmp4j's) sets the parent's error, closes its done channel, then
 * cancels the children one by one, and Go's {@code Err()} reads the error without the lock, so
 * a reader can see the parent cancelled and a child not yet. A specification that observes two
 * levels of one cascade would call that a violation although Go allows it; observing one
 * context per operation sidesteps it. {@link Derived} checks the other side of propagation: a
 * child created while the parent is being cancelled is never missed.
 */
@Timeout(value = 120, unit = SECONDS)
public class ContextLincheckTest {
    private final Context parent = Context.withCancel(Context.background());
    private final Context child = Context.withCancel(parent);

    @Operation
    public void cancelParent() {
        parent.cancel(new IllegalStateException("parent"));
    }

    @Operation
    public void cancelChild() {
        child.cancel(new IllegalStateException("child"));
    }

    /** {@code ctx.Err()}: null while live. */
    @Operation
    public String childErr() {
        ContextException e = child.err();
        return e == null ? null : e.getMessage();
    }

    /** Whether {@code <-ctx.Done()} would fire now. */
    @Operation
    public boolean childDone() {
        return isClosed(child.done());
    }

    /** {@code context.Cause(ctx)}: the first cancellation's cause. */
    @Operation
    public String childCause() {
        Throwable t = child.cause();
        return t == null ? null : t.getMessage();
    }

    static boolean isClosed(Chan<?> done) {
        // done never carries values: a non-blocking receive fires only once it is closed.
        return Select.builder().recv(done, x -> {}).orElse(() -> {}).run() == 0;
    }

    @Test
    void cancelPropagationIsLinearizableUnderModelChecking() {
        Runs.modelChecking(3, 60).sequentialSpecification(Model.class).check(ContextLincheckTest.class);
    }

    @Test
    void cancelPropagationIsLinearizableUnderStress() {
        Runs.stress(4, 200).sequentialSpecification(Model.class).check(ContextLincheckTest.class);
    }

    @Test
    void childrenDerivedDuringCancelAreNeverMissedUnderModelChecking() {
        Runs.modelChecking(3, 50).sequentialSpecification(Derived.Model.class).check(Derived.class);
    }

    @Test
    void childrenDerivedDuringCancelAreNeverMissedUnderStress() {
        Runs.stress(4, 200).sequentialSpecification(Derived.Model.class).check(Derived.class);
    }

    /** The sequential specification: the child ends with the first of the two cancellations. */
    public static final class Model {
        private boolean parentCancelled;
        private String childCause;

        public void cancelParent() {
            parentCancelled = true;
            if (childCause == null) {
                childCause = "parent";
            }
        }

        public void cancelChild() {
            if (childCause == null) {
                childCause = "child";
            }
        }

        public String childErr() {
            return childCause == null ? null : Context.CANCELED.getMessage();
        }

        public boolean childDone() {
            return childCause != null;
        }

        public String childCause() {
            return childCause;
        }
    }

    /**
     * Go's propagateCancel racing the parent's cancel: {@code derive()} makes a new child of the
     * parent, {@code allDerivedDone()} says whether every child made so far is done (err set and
     * done channel closed). A child made before or during the parent's cancel must be ended by
     * it, one made after must start ended; none is missed. The one observation covers all
     * children at once and is true only when all are done (done is for good), so a cascade in
     * progress reads as "before the cancel".
     */
    public static class Derived {
        private final Context parent = Context.withCancel(Context.background());
        private final List<Context> children = new ArrayList<>();

        @Operation
        public void cancelParent() {
            parent.cancel();
        }

        /**
         * Makes a child of the parent. Under the list's lock, so that an {@link #allDerivedDone}
         * never sees a child registered with the parent but not yet listed (the list is test
         * scaffolding; the race under test is withCancel against the parent's cancel, which
         * takes no part in this lock).
         */
        @Operation
        public void derive() {
            synchronized (children) {
                children.add(Context.withCancel(parent));
            }
        }

        @Operation
        public boolean allDerivedDone() {
            synchronized (children) {
                for (Context c : children) {
                    if (c.err() == null || !isClosed(c.done())) {
                        return false;
                    }
                }
                return true;
            }
        }

        /** The sequential specification: every child is done once the parent is cancelled. */
        public static final class Model {
            private boolean cancelled;
            private int children;

            public void cancelParent() {
                cancelled = true;
            }

            public void derive() {
                children++;
            }

            public boolean allDerivedDone() {
                return cancelled || children == 0;
            }
        }
    }
}
