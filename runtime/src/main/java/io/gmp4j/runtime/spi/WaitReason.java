package io.gmp4j.runtime.spi;

/**
 * Why a goroutine is parked (Go's {@code waitReason}), installed as the park blocker so that
 * {@code dumpGoroutines} and JDK thread dumps can show it, with when the wait began.
 *
 * <p>Code outside the runtime that parks goroutines on a primitive of its own (the netpoll
 * module's {@code "IO wait"}) parks with {@code LockSupport.park(reason)}; the dump then shows
 * {@link #reason()}, {@link #detail()} and how long the goroutine has waited. A goroutine parked
 * untimed with a wait reason counts as asleep for the deadlock check, unless something that can
 * wake it (a poller registration) is pending.
 *
 * <p>Not final: the channel wait node (Go's {@code sudog}) is its own wait reason, so that a
 * blocking channel operation allocates one object, not two.
 */
public class WaitReason {
    /** {@link #since()} of a wait whose start was not recorded (stamped when first seen). */
    public static final long UNSTAMPED = 0;

    private final String reason;
    /**
     * Plain field: written once at construction, or once later by {@link #stampIfUnset} from a
     * dump. Benign race: two dumps stamping the same wait at once store nearly the same time.
     */
    private long since;

    /**
     * Creates a wait reason.
     *
     * @param reason Go's wait reason string, such as {@code "sleep"} or {@code "chan receive"}
     * @param since  {@link System#nanoTime()} when the wait began, or {@link #UNSTAMPED} for a
     *               hot path that cannot afford a clock read (Go's lazily set {@code waitsince})
     */
    public WaitReason(String reason, long since) {
        this.reason = reason;
        this.since = since;
    }

    /**
     * A wait that begins now.
     *
     * @param reason Go's wait reason string
     * @return the wait, stamped with {@link System#nanoTime()}
     */
    public static WaitReason now(String reason) {
        return new WaitReason(reason, System.nanoTime());
    }

    /** {@return Go's wait reason string} */
    public final String reason() {
        return reason;
    }

    /** {@return {@link System#nanoTime()} when the wait began, or {@link #UNSTAMPED}} */
    public final long since() {
        return since;
    }

    /**
     * For a wait created {@link #UNSTAMPED}: records {@code now} as its start, the first time an
     * observer sees it (Go stamps {@code waitsince} the same way, when the garbage collector
     * first finds the goroutine blocked).
     *
     * @param now {@link System#nanoTime()} as the observer read it
     * @return true if this call stamped it
     */
    public final boolean stampIfUnset(long now) {
        if (since != UNSTAMPED) {
            return false;
        }
        since = now == UNSTAMPED ? 1 : now;
        return true;
    }

    /**
     * For a reason object reused from one wait to the next (one per socket direction in the
     * netpoll module): the next wait starts unstamped, to be stamped when first seen.
     */
    protected final void unstamp() {
        since = UNSTAMPED;
    }

    /**
     * What the goroutine waits on, shown after the reason in a dump (for {@code IO wait}: the
     * operation and the socket), or null (the default).
     *
     * @return the detail, or null
     */
    public String detail() {
        return null;
    }

    @Override
    public String toString() {
        return reason;
    }
}
