package io.gmp4j.runtime.internal;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The system monitor retires a held processor (CAS RUNNING to RETIRED, then moves its runnext
 * and queue into a fresh processor, as {@code GmpScheduler.handoffRetired}) while the goroutine
 * on the old machine readies two more goroutines (as {@code ready()}: into runnext if the
 * processor is still RUNNING, else to the global queue). Afterwards the old machine drains what
 * it pushed into the retired processor ({@code dropRetired}). r1 = 1 if the monitor retired
 * it, r2 = verdict (0 = each goroutine exactly once).
 */
@JCStressTest
@Description("Processor retirement by the monitor against pushes by the old owner: nothing lost or duplicated.")
@Outcome(id = "[01], 0", expect = Expect.ACCEPTABLE, desc = "every goroutine accounted for exactly once")
@Outcome(id = ".*, 1", expect = Expect.FORBIDDEN, desc = "a goroutine was lost")
@Outcome(id = ".*, 2", expect = Expect.FORBIDDEN, desc = "a goroutine was seen twice")
@State
public class RetireVersusOwnerTest {
    final Processor old = new Processor(0);
    final G[] all = new G[5];
    final List<G> global = new ArrayList<>();
    Processor fresh;

    public RetireVersusOwnerTest() {
        for (int i = 0; i < all.length; i++) {
            all[i] = RunqStress.token();
        }
        old.runqput(all[0], false);
        old.runqput(all[1], false);
        old.runqput(all[2], true);
        old.status = Processor.RUNNING;
    }

    @Actor
    public void owner() {
        for (int i = 3; i < 5; i++) {
            if (old.status == Processor.RUNNING) {
                G[] batch = old.runqput(all[i], true);
                if (batch != null) {
                    throw new IllegalStateException("overflow");
                }
            } else {
                global.add(all[i]);
            }
        }
    }

    @Actor
    public void monitor() {
        if (old.casStatus(Processor.RUNNING, Processor.RETIRED)) {
            Processor p = new Processor(old);
            for (G g : old.drainAll()) {
                p.runqput(g, false);
            }
            fresh = p;
        }
    }

    @Arbiter
    public void arbiter(II_Result r) {
        Map<G, Integer> seen = RunqStress.newSeen();
        for (G g : global) {
            RunqStress.count(g, seen);
        }
        // The old machine's dropRetired (or, if not retired, the owner itself) drains the old processor.
        for (G g : old.drainAll()) {
            RunqStress.count(g, seen);
        }
        if (fresh != null) {
            RunqStress.drain(fresh, seen);
        }
        r.r1 = fresh == null ? 0 : 1;
        r.r2 = RunqStress.verdict(all, seen);
    }
}
