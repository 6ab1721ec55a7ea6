package io.gmp4j.netpoll.internal;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A reader waits in the read slot; the poller reports readiness ({@code ioReady}) while a close
 * or an expired deadline takes the waiter off the slot ({@code unblock}, as {@code evict} and the
 * deadline timer do). Exactly one of them wakes the reader (and counts it off the poller's
 * waiters). r1 = delivered by the poller, r2 = woken by the close.
 */
@JCStressTest
@Description("Readiness against close/deadline for a parked waiter: exactly one wake-up.")
@Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "the poller woke it")
@Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "the close woke it")
@Outcome(id = "1, 1", expect = Expect.FORBIDDEN, desc = "woken twice")
@Outcome(id = "0, 0", expect = Expect.FORBIDDEN, desc = "never woken")
@State
public class CloseVersusReadyTest {
    final PollDesc pd = PollDescStress.descriptor();
    final Thread waiter = PollDescStress.waiter();
    int delivered;

    public CloseVersusReadyTest() {
        if (!pd.publish(PollDesc.READ, waiter)) {
            throw new IllegalStateException("publication failed on a fresh descriptor");
        }
    }

    @Actor
    public void poller() {
        pd.ioReady(PollDesc.READ, t -> {
            if (t == waiter) {
                delivered++;
            }
        });
    }

    @Actor
    public void closer(II_Result r) {
        r.r2 = pd.unblock(PollDesc.READ) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r1 = delivered;
    }
}
