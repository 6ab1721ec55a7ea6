package io.gmp4j.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A single event in the future: Go's {@code time.Timer}, {@code time.After} and
 * {@code time.AfterFunc}, with Go 1.23 semantics.
 *
 * <p>A timer lives in the runtime's timer heaps — per processor on the {@code gmp} scheduler,
 * fired by the machines as they schedule, so no thread waits per timer — and delivers the time
 * on {@link #c()}, a channel with one slot. After {@link #stop()} or {@link #reset(Duration)}
 * returns, no value from before the call can be received. Timers belong to the runtime of the
 * goroutine that creates them (or the default runtime, from other threads); they stop firing
 * when that runtime closes.
 *
 * <pre>{@code
 * Select.builder()
 *       .recv(results, r -> use(r))
 *       .recv(Timer.after(Duration.ofSeconds(1)), t -> giveUp())
 *       .run();
 * }</pre>
 */
public final class Timer {
    private final ChanTimer timer;

    private Timer(ChanTimer timer) {
        this.timer = timer;
    }

    /**
     * Go's {@code time.After}: a channel that receives the time once {@code d} has passed.
     * Zero or negative durations fire at once.
     *
     * @param d how long to wait
     * @return the timer's channel
     */
    public static Chan<Instant> after(Duration d) {
        return newTimer(d).c();
    }

    /**
     * Go's {@code time.NewTimer}: a timer that sends the time on {@link #c()} after {@code d}.
     *
     * @param d how long to wait; zero or negative fires at once
     * @return the started timer
     */
    public static Timer newTimer(Duration d) {
        ChanTimer t = new ChanTimer(GoRuntime.forTimers(), null);
        t.start(d, 0);
        return new Timer(t);
    }

    /**
     * Go's {@code time.AfterFunc}: runs {@code f} in its own goroutine after {@code d}. The
     * timer has no channel ({@link #c()} is null). The goroutine belongs to the caller's
     * runtime ({@link GoRuntime#forCaller()}).
     *
     * @param d how long to wait
     * @param f what to run
     * @return the started timer
     * @throws IllegalStateException if called outside a goroutine while several runtimes are open
     */
    public static Timer afterFunc(Duration d, Runnable f) {
        Objects.requireNonNull(f, "f");
        ChanTimer t = new ChanTimer(GoRuntime.forCaller("Timer.afterFunc"), f);
        t.start(d, 0);
        return new Timer(t);
    }

    /** {@return the channel the time is delivered on (Go's {@code t.C}); null for an {@code afterFunc} timer} */
    public Chan<Instant> c() {
        return timer.channel();
    }

    /**
     * Go's {@code Timer.Stop}: prevents the timer from firing. A firing that races the call is
     * either cancelled (and the call returns true) or delivered and then discarded by the call
     * (true as well, since the value was not received); so {@code if (!t.stop()) t.c().recv()}
     * never waits for a value that will not come, as long as nobody else receives from
     * {@link #c()}. For an {@code afterFunc} timer, false means the function has been started.
     *
     * @return true if the timer was active: pending, firing, or fired with its value not yet
     *         received; false if its value had been received or it had already been stopped
     */
    public boolean stop() {
        return timer.stop();
    }

    /**
     * Go's {@code Timer.Reset}: makes the timer fire after {@code d} from now, discarding any
     * value not yet received.
     *
     * @param d the new duration; zero or negative fires at once
     * @return true if the timer had been active (in the sense of {@link #stop()})
     * @throws NullPointerException if {@code d} is null; the timer is left as it was
     */
    public boolean reset(Duration d) {
        return timer.reset(d, 0);
    }
}
