package io.gmp4j.netpoll.internal;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A reader publishes itself in the read slot (as {@code PollDesc.await} does before it parks)
 * while the poller reports the direction ready ({@code ioReady}). Either the reader is handed to
 * the poller's delivery, or its publication fails because readiness is recorded (it then consumes
 * READY and retries its read): a published reader is never left without a wake-up.
 * r1 = published, r2 = threads delivered, r3 = slot afterwards (0 empty, 1 READY, 2 a thread).
 */
@JCStressTest
@Description("Waiter publication against readiness: no lost wake-up, no double delivery.")
@Outcome(id = "1, 1, 1", expect = Expect.ACCEPTABLE, desc = "published first; the poller delivered it")
@Outcome(id = "0, 0, 1", expect = Expect.ACCEPTABLE, desc = "readiness first; publication failed, READY waits")
@Outcome(id = "1, 0, .*", expect = Expect.FORBIDDEN, desc = "published and never delivered: lost wake-up")
@Outcome(id = ".*", expect = Expect.FORBIDDEN, desc = "anything else")
@State
public class PublishVersusReadyTest {
    final PollDesc pd = PollDescStress.descriptor();
    final Thread waiter = PollDescStress.waiter();
    int delivered;

    @Actor
    public void reader(III_Result r) {
        r.r1 = pd.publish(PollDesc.READ, waiter) ? 1 : 0;
    }

    @Actor
    public void poller() {
        pd.ioReady(PollDesc.READ, t -> {
            if (t == waiter) {
                delivered++;
            }
        });
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r2 = delivered;
        r.r3 = pd.slotState(PollDesc.READ);
    }
}
