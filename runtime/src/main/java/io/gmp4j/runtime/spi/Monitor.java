package io.gmp4j.runtime.spi;

/** A running system monitor, started by a {@link MonitorProvider} for one runtime. */
public interface Monitor {

    /**
     * Stops the monitor and waits until its thread has ended. Called once, when the runtime
     * closes, after its scheduler has shut down.
     */
    void stop();
}
