package io.gmp4j.netpoll.internal;

import io.gmp4j.runtime.spi.PollerTarget;

/**
 * Shared fixtures of the {@link PollDesc} jcstress tests: one poller (a selector per test
 * instance would exhaust descriptors) and descriptors with no channel (the slot protocol never
 * touches it).
 */
final class PollDescStress {
    private PollDescStress() {}

    private static final NioPoller POLLER = new NioPoller(new PollerTarget() {
        @Override
        public String name() {
            return "jcstress";
        }

        @Override
        public InlineTimer newTimer(Runnable action) {
            throw new UnsupportedOperationException("no deadlines in these tests");
        }

        @Override
        public void pollerNeeded() {
        }
    });

    /** A descriptor for reads and writes, never registered. */
    static PollDesc descriptor() {
        return new PollDesc(POLLER, null, java.nio.channels.SelectionKey.OP_READ,
                java.nio.channels.SelectionKey.OP_WRITE, "jcstress");
    }

    /** A thread object to stand for a waiter (never started: unparking it does nothing). */
    static Thread waiter() {
        return Thread.ofPlatform().unstarted(() -> { });
    }
}
