package io.gmp4j.tck;

import io.gmp4j.runtime.spi.SchedulerProvider;

import java.util.EnumSet;
import java.util.Set;

/** gmp4j's built-in {@code gmp} scheduler passes the kit, with the capabilities it declares. */
class GmpTckTest extends SchedulerTck {
    @Override
    protected SchedulerProvider provider() {
        return provider("gmp");
    }

    @Override
    protected Set<Capability> capabilities() {
        return EnumSet.of(Capability.MAX_PROCS, Capability.MONITORED);
    }
}
