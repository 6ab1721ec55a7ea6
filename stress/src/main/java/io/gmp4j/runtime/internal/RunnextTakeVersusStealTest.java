package io.gmp4j.runtime.internal;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The victim holds one goroutine, in runnext only. The owner takes it with runqget while a
 * thief steals with runqsteal(stealRunNext=true): exactly one of them gets it.
 */
@JCStressTest
@Description("runnext taken by the owner against a steal of runnext: exactly one wins.")
@Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "the owner took it")
@Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "the thief stole it")
@Outcome(id = "1, 1", expect = Expect.FORBIDDEN, desc = "taken twice")
@Outcome(id = "0, 0", expect = Expect.FORBIDDEN, desc = "lost")
@State
public class RunnextTakeVersusStealTest {
    final Processor victim = new Processor(0);
    final Processor thief = new Processor(1);
    final G g = RunqStress.token();

    public RunnextTakeVersusStealTest() {
        victim.status = Processor.IDLE;
        victim.runqput(g, true);
    }

    @Actor
    public void owner(II_Result r) {
        r.r1 = victim.runqget() == g ? 1 : 0;
    }

    @Actor
    public void stealer(II_Result r) {
        r.r2 = thief.runqsteal(victim, true) == g ? 1 : 0;
    }
}
