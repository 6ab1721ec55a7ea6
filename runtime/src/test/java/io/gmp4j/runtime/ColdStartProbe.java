package io.gmp4j.runtime;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Run in a fresh JVM by {@code ColdPathTest}: builds a runtime, then starts the JVM's first
 * goroutine, which starts a second one through {@link Go}. Two marker classes bracket that in
 * the class-load log: one loaded right before the first {@code go()}, one by the second goroutine.
 */
public final class ColdStartProbe {
    private ColdStartProbe() {}

    /** Loaded right before the first go(). */
    static final class First {}

    /** Loaded by the second goroutine. */
    static final class Second {}

    public static void main(String[] args) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        Runnable second = () -> {
            load("Second");
            done.countDown();
        };
        Runnable first = () -> Go.go(second);
        try (GoRuntime rt = GoRuntime.builder().maxProcs(1).monitor(false).build()) {
            load("First");
            rt.go(first);
            if (!done.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the goroutines never ran");
            }
        }
        System.out.println("probe: ok");
    }

    private static void load(String marker) {
        try {
            Class.forName(ColdStartProbe.class.getName() + "$" + marker);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
