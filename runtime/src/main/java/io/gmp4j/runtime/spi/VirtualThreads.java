package io.gmp4j.runtime.spi;

import io.gmp4j.runtime.internal.JdkAccess;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Creates virtual threads that run on a scheduler of your own: the building block for a
 * custom {@link Scheduler}.
 *
 * <p>Needs the JVM flag {@code --add-opens java.base/java.lang=io.gmp4j.runtime}; without it
 * {@link #newThread} throws an {@link IllegalStateException} that names the flag.
 */
public final class VirtualThreads {
    private VirtualThreads() {}

    /**
     * Creates an unstarted virtual thread whose continuation is handed to {@code scheduler}
     * each time the thread becomes runnable (on start, unpark and {@code Thread.yield()}).
     * The executor must run each task it receives exactly once, on a platform thread.
     *
     * @param scheduler receives the thread's continuation
     * @param task      what the thread runs
     * @return the unstarted thread
     * @throws IllegalStateException if the required JVM flag is missing
     */
    public static Thread newThread(Executor scheduler, Runnable task) {
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(task, "task");
        return JdkAccess.newVirtualThread(scheduler, "", task);
    }

    /** {@return the JVM flag custom schedulers need: {@code --add-opens java.base/java.lang=io.gmp4j.runtime}} */
    public static String requiredFlag() {
        return JdkAccess.requiredFlag();
    }
}
