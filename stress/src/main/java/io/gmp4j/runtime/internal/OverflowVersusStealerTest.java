package io.gmp4j.runtime.internal;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.Map;

/**
 * The victim's queue is full (256) with one more goroutine in runnext; the owner puts another
 * with next=true, which kicks the old runnext into a full queue: half of the queue plus it
 * come back as an overflow batch for the global queue. Meanwhile a thief steals half.
 * r1 = 1 if the overflow batch was produced, r2 = verdict (0 = each goroutine exactly once).
 */
@JCStressTest
@Description("Local-queue overflow (Go's runqputslow) against a concurrent steal: nothing lost or duplicated.")
@Outcome(id = "[01], 0", expect = Expect.ACCEPTABLE, desc = "every goroutine accounted for exactly once")
@Outcome(id = ".*, 1", expect = Expect.FORBIDDEN, desc = "a goroutine was lost")
@Outcome(id = ".*, 2", expect = Expect.FORBIDDEN, desc = "a goroutine was seen twice")
@State
public class OverflowVersusStealerTest {
    final Processor victim = new Processor(0);
    final Processor thief = new Processor(1);
    final G[] all = new G[Processor.RUNQ_SIZE + 2];
    G[] batch;
    G thiefGot;

    public OverflowVersusStealerTest() {
        victim.status = Processor.IDLE;
        for (int i = 0; i < all.length; i++) {
            all[i] = RunqStress.token();
        }
        for (int i = 0; i < Processor.RUNQ_SIZE; i++) {
            victim.runqput(all[i], false);
        }
        victim.runqput(all[Processor.RUNQ_SIZE], true);
    }

    @Actor
    public void owner() {
        batch = victim.runqput(all[Processor.RUNQ_SIZE + 1], true);
    }

    @Actor
    public void stealer() {
        thiefGot = thief.runqsteal(victim, false);
    }

    @Arbiter
    public void arbiter(II_Result r) {
        Map<G, Integer> seen = RunqStress.newSeen();
        if (batch != null) {
            for (G g : batch) {
                RunqStress.count(g, seen);
            }
        }
        RunqStress.count(thiefGot, seen);
        RunqStress.drain(victim, seen);
        RunqStress.drain(thief, seen);
        r.r1 = batch == null ? 0 : 1;
        r.r2 = RunqStress.verdict(all, seen);
    }
}
