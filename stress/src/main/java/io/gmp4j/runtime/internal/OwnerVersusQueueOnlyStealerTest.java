package io.gmp4j.runtime.internal;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.Map;

/**
 * The owner pushes (to runnext, kicking the old one to the queue, and to the tail) and pops
 * while a thief with an empty queue steals half of the victim's queue, runnext excluded.
 * r1 = how many the thief's steal returned or queued, r2 = 1 if the owner's pop got one,
 * r3 = verdict (0 = every goroutine accounted for exactly once).
 */
@JCStressTest
@Description("Processor.runqput/runqget by the owner against runqsteal(stealRunNext=false) by a thief: "
        + "no goroutine lost, none taken twice.")
@Outcome(id = "[0-9]+, [01], 0", expect = Expect.ACCEPTABLE, desc = "every goroutine taken exactly once")
@Outcome(id = ".*, .*, 1", expect = Expect.FORBIDDEN, desc = "a goroutine was lost")
@Outcome(id = ".*, .*, 2", expect = Expect.FORBIDDEN, desc = "a goroutine was taken twice")
@State
public class OwnerVersusQueueOnlyStealerTest {
    final Processor victim = new Processor(0);
    final Processor thief = new Processor(1);
    final G[] all = {RunqStress.token(), RunqStress.token(), RunqStress.token(), RunqStress.token()};
    G ownerGot;
    G thiefGot;

    public OwnerVersusQueueOnlyStealerTest() {
        victim.status = Processor.IDLE; // no 3 µs back-off: keeps iterations short
        victim.runqput(all[0], false);
        victim.runqput(all[1], true);
    }

    @Actor
    public void owner() {
        victim.runqput(all[2], true); // all[1] kicked to the tail
        victim.runqput(all[3], false);
        ownerGot = victim.runqget();
    }

    @Actor
    public void stealer() {
        thiefGot = thief.runqsteal(victim, false);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        Map<G, Integer> seen = RunqStress.newSeen();
        RunqStress.count(ownerGot, seen);
        RunqStress.count(thiefGot, seen);
        int thiefQueued = thief.runq.size();
        RunqStress.drain(victim, seen);
        RunqStress.drain(thief, seen);
        r.r1 = (thiefGot == null ? 0 : 1) + thiefQueued;
        r.r2 = ownerGot == null ? 0 : 1;
        r.r3 = RunqStress.verdict(all, seen);
    }
}
