package io.gmp4j.runtime.spi;

/** A running system monitor, started by a {@link MonitorProvider} for one runtime. */
public interface Monitor {

    /**
     * Stops the monitor and waits until its thread has ended. Called once, when the runtime
     * closes, after its scheduler has shut down.
     */
    void stop();

    /**
     * Whether the monitor is still doing its work: false once its thread has ended before
     * {@link #stop()} (it died), so that the runtime can say so in its statistics,
     * {@code schedtrace} and goroutine dump instead of trusting a monitor that no longer acts.
     * Any thread may call it.
     *
     * @return true while the monitor runs (the default, for monitors that cannot tell)
     */
    default boolean isRunning() {
        return true;
    }
}
