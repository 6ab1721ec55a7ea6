package io.gmp4j.runtime;

import java.time.Duration;
import java.time.Instant;

/**
 * Ticks at a fixed interval: Go's {@code time.Ticker}. The channel {@link #c()} has one slot;
 * when the receiver is slow, ticks are dropped rather than queued (Go's behaviour), and the
 * ticker re-arms on the interval grid, skipping the ticks it missed. Stop it when done; it
 * lives in the runtime's timer heaps until then.
 */
public final class Ticker {
    private final ChanTimer timer;

    private Ticker(ChanTimer timer) {
        this.timer = timer;
    }

    /**
     * Go's {@code time.NewTicker}.
     *
     * @param d the interval; must be positive
     * @return the started ticker
     * @throws IllegalArgumentException if d is zero or negative
     */
    public static Ticker newTicker(Duration d) {
        long period = requirePositive(d);
        ChanTimer t = new ChanTimer(GoRuntime.forTimers(), null);
        t.start(d, period);
        return new Ticker(t);
    }

    /** {@return the channel ticks are delivered on (Go's {@code t.C})} */
    public Chan<Instant> c() {
        return timer.channel();
    }

    /** Go's {@code Ticker.Stop}: no more ticks; a tick not yet received is discarded. */
    public void stop() {
        timer.stop();
    }

    /**
     * Go's {@code Ticker.Reset}: stops the ticker and restarts it with interval {@code d}.
     *
     * @param d the new interval; must be positive
     * @throws IllegalArgumentException if d is zero or negative
     */
    public void reset(Duration d) {
        timer.reset(d, requirePositive(d));
    }

    private static long requirePositive(Duration d) {
        long period = ChanTimer.nanos(d);
        if (period <= 0) {
            throw new IllegalArgumentException("ticker interval: " + d + " (expected: > 0)");
        }
        return period;
    }
}
