package io.gmp4j.sysmon;

import io.gmp4j.runtime.spi.Monitor;
import io.gmp4j.runtime.spi.MonitorProvider;
import io.gmp4j.runtime.spi.MonitorTarget;

/**
 * The {@code sysmon} provider: starts one {@link Sysmon} thread per runtime. Found by the
 * runtime through {@link java.util.ServiceLoader}; applications do not call it.
 */
public final class SysmonProvider implements MonitorProvider {

    /** Creates the provider (called by {@link java.util.ServiceLoader}). */
    public SysmonProvider() {}

    @Override
    public String name() {
        return "sysmon";
    }

    @Override
    public Monitor start(MonitorTarget target) {
        Sysmon s = new Sysmon(target);
        s.start();
        return s;
    }
}
