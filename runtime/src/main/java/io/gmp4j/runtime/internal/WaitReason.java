package io.gmp4j.runtime.internal;

/**
 * Why a goroutine is parked (Go's {@code waitReason}), installed as the park blocker so that
 * {@code dumpGoroutines} and JDK thread dumps can show it, with when the wait began.
 *
 * <p>Not final: the channel wait node (Go's {@code sudog}) is its own wait reason, so that a
 * blocking channel operation allocates one object, not two.
 */
public class WaitReason {
    private final String reason;
    private final long since;

    /**
     * @param reason Go's wait reason string, such as {@code "sleep"} or {@code "chan receive"}
     * @param since  {@link System#nanoTime()} when the wait began
     */
    public WaitReason(String reason, long since) {
        this.reason = reason;
        this.since = since;
    }

    /** A wait that begins now. */
    public static WaitReason now(String reason) {
        return new WaitReason(reason, System.nanoTime());
    }

    /** Go's wait reason string. */
    public final String reason() {
        return reason;
    }

    /** {@link System#nanoTime()} when the wait began. */
    public final long since() {
        return since;
    }

    @Override
    public String toString() {
        return reason;
    }
}
