package io.gmp4j.runtime;

/**
 * Waiters that are already queued on a channel when a stress sample starts, without a thread
 * blocked behind them: the sudog is built and queued exactly as {@link Chan#recv()},
 * {@link Chan#send} and pass 2 of {@link Select} build and queue theirs, and the test then
 * reads what a waker wrote into it. Its {@code thread} is the thread that built the test state,
 * so a waker's {@code unpark} only leaves a permit there, which no jcstress thread relies on.
 *
 * <p>jcstress runs at most two actors here (2 CPUs), so a blocked goroutine cannot be a third
 * actor; a queued sudog is what the wakers race for, and that is what these stand in for.
 */
final class ParkedWaiters {
    /** {@link #outcome}: the waiter is still waiting (nobody completed it). */
    static final int NOT_WOKEN = -2;

    private ParkedWaiters() {}

    /** A receiver blocked in {@code c.recv()}. */
    static Sudog receiver(Chan<?> c) {
        Sudog s = new Sudog("chan receive", c, null);
        enqueue(c, c.recvq, s);
        return s;
    }

    /** A sender blocked in {@code c.send(value)}. */
    static Sudog sender(Chan<?> c, Object value) {
        Sudog s = new Sudog("chan send", c, value);
        enqueue(c, c.sendq, s);
        return s;
    }

    /**
     * A select blocked in pass 2 on receive cases, one per channel, case i on {@code cs[i]};
     * the channels must be given in lock order (increasing {@link Chan#id}, i.e. creation
     * order). Returns the sudogs by case; the first is the leader, which carries the
     * select's claim and wake-up state.
     */
    static Sudog[] selectRecv(Chan<?>... cs) {
        Sudog[] sgs = new Sudog[cs.length];
        Sudog leader = null;
        long since = System.nanoTime();
        for (int i = 0; i < cs.length; i++) {
            Sudog sg = new Sudog(leader, since, cs[i], null, i);
            if (leader == null) {
                leader = sg;
            }
            sgs[i] = sg;
            enqueue(cs[i], cs[i].recvq, sg);
        }
        return sgs;
    }

    private static void enqueue(Chan<?> c, WaitQueue q, Sudog s) {
        c.lock.lock();
        try {
            q.enqueue(s);
        } finally {
            c.lock.unlock();
        }
    }

    /**
     * What the waiter (a plain one, or a select's leader) ended with, read after the race:
     * the Integer value it received (a receiver) or 1 (a sender whose value was taken) when
     * completed with success; 0 when woken by close; {@link #NOT_WOKEN} when still waiting.
     */
    static int outcome(Sudog s) {
        Sudog leader = s.leader;
        if (!leader.isWoken()) {
            return NOT_WOKEN;
        }
        Sudog w = leader.winner;
        if (!w.success) {
            return 0;
        }
        return w.elem == null ? 1 : (Integer) w.elem; // a sender's elem is cleared when taken
    }

    /** True if any sudog of the waiter (a select: any case) is still linked in a queue. */
    static boolean stillQueued(Sudog... sgs) {
        for (Sudog s : sgs) {
            if (s.queue != null) {
                return true;
            }
        }
        return false;
    }
}
