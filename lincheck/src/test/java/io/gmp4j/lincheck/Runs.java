package io.gmp4j.lincheck;

import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shared Lincheck settings: small enough for CI on 2 cores, scaled up with
 * {@code -Dgmp4j.lincheck.scale=N} (multiplies the iterations and invocations; e.g. 20 for a
 * run of a few minutes per structure), and a small builder for hand-written scenarios.
 */
final class Runs {
    /** Multiplier for iterations and invocations: {@code -Dgmp4j.lincheck.scale=N}, default 1. */
    static final int SCALE = Math.max(1, Integer.getInteger("gmp4j.lincheck.scale", 1));

    private Runs() {}

    /** {@code iterations} random scenarios, each explored by the model checker in {@code invocations} interleavings. */
    static ModelCheckingOptions modelChecking(int iterations, int invocations) {
        return new ModelCheckingOptions()
                .iterations(iterations * SCALE)
                .invocationsPerIteration(invocations * SCALE)
                .threads(2)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(2);
    }

    /** {@code iterations} random scenarios, each run {@code invocations} times on real threads. */
    static StressOptions stress(int iterations, int invocations) {
        return new StressOptions()
                .iterations(iterations * SCALE)
                .invocationsPerIteration(invocations * SCALE)
                .threads(3)
                .actorsPerThread(2)
                .actorsBefore(2)
                .actorsAfter(2);
    }

    /** Only the hand-written scenarios, each explored by the model checker in {@code invocations} interleavings. */
    static ModelCheckingOptions modelCheckingOnly(List<ExecutionScenario> scenarios, int invocations) {
        ModelCheckingOptions o = new ModelCheckingOptions().iterations(0).invocationsPerIteration(invocations * SCALE);
        scenarios.forEach(o::addCustomScenario);
        return o;
    }

    /** Only the hand-written scenarios, each run {@code invocations} times on real threads. */
    static StressOptions stressOnly(List<ExecutionScenario> scenarios, int invocations) {
        StressOptions o = new StressOptions().iterations(0).invocationsPerIteration(invocations * SCALE);
        scenarios.forEach(o::addCustomScenario);
        return o;
    }

    /**
     * A hand-written scenario over the {@code @Operation} methods of a test class:
     * {@code scenario(T.class).initial("send", 1).thread("recv").thread("send", 2).post("len").build()}.
     * Each {@code thread(...)} starts a new parallel thread; later operations go to it until the next.
     */
    static Builder scenario(Class<?> testClass) {
        return new Builder(testClass);
    }

    static final class Builder {
        private final Class<?> testClass;
        private final List<Actor> initial = new ArrayList<>();
        private final List<List<Actor>> parallel = new ArrayList<>();
        private final List<Actor> post = new ArrayList<>();

        private Builder(Class<?> testClass) {
            this.testClass = testClass;
        }

        /** Runs {@code op(args)} before the parallel part. */
        Builder initial(String op, Object... args) {
            initial.add(actor(op, args));
            return this;
        }

        /** Starts a new parallel thread whose first operation is {@code op(args)}. */
        Builder thread(String op, Object... args) {
            parallel.add(new ArrayList<>());
            return then(op, args);
        }

        /** Appends {@code op(args)} to the current parallel thread. */
        Builder then(String op, Object... args) {
            if (parallel.isEmpty()) {
                throw new IllegalStateException("then(" + op + "): no thread yet (expected: thread(...) first)");
            }
            parallel.getLast().add(actor(op, args));
            return this;
        }

        /** Runs {@code op(args)} after every parallel thread has finished. */
        Builder post(String op, Object... args) {
            post.add(actor(op, args));
            return this;
        }

        ExecutionScenario build() {
            return new ExecutionScenario(initial, parallel, post, null);
        }

        private Actor actor(String op, Object... args) {
            for (Method m : testClass.getMethods()) {
                if (m.getName().equals(op) && m.getParameterCount() == args.length
                        && m.isAnnotationPresent(org.jetbrains.lincheck.datastructures.Operation.class)) {
                    boolean blocking = m.getAnnotation(org.jetbrains.lincheck.datastructures.Operation.class).blocking();
                    return new Actor(m, Arrays.asList(args), false, blocking);
                }
            }
            throw new IllegalArgumentException("operation " + op + " with " + args.length + " arguments: not an @Operation of "
                    + testClass.getName());
        }
    }
}
