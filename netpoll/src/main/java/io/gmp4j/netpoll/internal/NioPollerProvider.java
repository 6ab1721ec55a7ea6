package io.gmp4j.netpoll.internal;

import io.gmp4j.runtime.spi.Poller;
import io.gmp4j.runtime.spi.PollerProvider;
import io.gmp4j.runtime.spi.PollerTarget;

/** The {@code nio} poller provider: a {@link java.nio.channels.Selector} per runtime. */
public final class NioPollerProvider implements PollerProvider {
    /** Creates the provider (called by {@link java.util.ServiceLoader}). */
    public NioPollerProvider() {}

    @Override
    public String name() {
        return "nio";
    }

    @Override
    public Poller create(PollerTarget target) {
        return new NioPoller(target);
    }
}
