package io.gmp4j.runtime.internal;

/**
 * Why a goroutine is parked (Go's {@code waitReason}), installed as the park blocker so that
 * {@code dumpGoroutines} and JDK thread dumps can show it, with when the wait began.
 *
 * @param reason Go's wait reason string, such as {@code "sleep"} or {@code "chan receive"}
 * @param since  {@link System#nanoTime()} when the wait began
 */
public record WaitReason(String reason, long since) {
    /** A wait that begins now. */
    public static WaitReason now(String reason) {
        return new WaitReason(reason, System.nanoTime());
    }

    @Override
    public String toString() {
        return reason;
    }
}
