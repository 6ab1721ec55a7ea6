package io.gmp4j.tck;

import io.gmp4j.runtime.spi.SchedulerProvider;

import java.util.EnumSet;
import java.util.Set;

/** gmp4j's built-in {@code jdk} scheduler passes the kit, with the capabilities it declares. */
class JdkTckTest extends SchedulerTck {
    @Override
    protected SchedulerProvider provider() {
        return provider("jdk");
    }

    @Override
    protected Set<Capability> capabilities() {
        return EnumSet.noneOf(Capability.class);
    }
}
