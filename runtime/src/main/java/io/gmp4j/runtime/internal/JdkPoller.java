package io.gmp4j.runtime.internal;

import java.lang.System.Logger.Level;

/**
 * Starts the JDK's socket poller threads from a platform thread.
 *
 * <p>On Linux the JDK polls sockets with virtual threads ({@code SubPoller-N}) created when
 * {@code sun.nio.ch.Poller} is initialised, by the first blocking socket operation of the JVM.
 * If that operation runs inside a goroutine, the poller threads inherit the goroutine's
 * scheduler and stay on it for the life of the JVM. Initialising the class here, on a fresh
 * platform thread, keeps them on the JDK's own scheduler.
 */
public final class JdkPoller {
    private JdkPoller() {}

    private static volatile boolean initialised;

    /** Initialises the JDK poller once per JVM, unless {@code -Dgmp4j.initJdkPoller=false}. */
    public static void ensureInitialised() {
        if (initialised) {
            return;
        }
        synchronized (JdkPoller.class) {
            if (initialised) {
                return;
            }
            if (!Boolean.parseBoolean(System.getProperty("gmp4j.initJdkPoller", "true"))) {
                initialised = true;
                return;
            }
            Thread t = Thread.ofPlatform().name("gmp4j-jdk-poller-init").unstarted(() -> {
                try {
                    JdkAccess.initJdkSocketPoller();
                } catch (Throwable e) {
                    System.getLogger("io.gmp4j.runtime").log(Level.DEBUG,
                            "runtime: could not initialise the JDK socket poller early", e);
                }
            });
            t.start();
            boolean interrupted = false;
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            initialised = true;
        }
    }
}
