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
 * The system monitor retires a held processor and moves its goroutines into the replacement
 * with the production {@link Processor#handOffTo} (what {@code GmpScheduler.handoffRetired}
 * calls), while the goroutine on the old machine, which never blocks, readies more goroutines
 * (as {@code GmpScheduler.ready()}: {@code runqput(g, next=true)} while the processor reads
 * RUNNING, its overflow batch to the global queue; the global queue once it reads RETIRED).
 * Afterwards the old machine drains what it pushed into the retired processor
 * ({@code dropRetired}). Every goroutine must be found exactly once: in the replacement, in
 * the global queue (hand-off overflow, owner overflow, owner after retirement) or in the
 * retired processor's leftovers.
 *
 * <p>Two starting points: {@link Partial} (a few goroutines queued) and {@link Full} (runnext
 * and all 256 queue slots taken: the state in which the hand-off used to throw
 * {@code InternalError("runtime: handoff overflowed a fresh local queue")} and drop what it had
 * drained). r1 = how many of the owner's pushes saw the processor retired (the interleaving),
 * r2 = verdict (0 = each goroutine
 * exactly once, 1 = one lost, 2 = one seen twice).
 *
 * <p>Sample result (quick mode): r1 from 0 (all pushes before the retirement) to the number
 * of pushes (all after) appears, r2 is always 0.
 */
public class RetireVersusOwnerTest {
    private RetireVersusOwnerTest() {}

    /** What both variants share: the old processor, the owner's pushes and the bookkeeping. */
    abstract static class Base {
        final Processor old = new Processor(0);
        final G[] all;
        final int queued;
        final List<G> global = new ArrayList<>();
        G[] handoffOverflow;
        /** The owner's pushes that saw the processor retired (went to the global queue). */
        int late;
        Processor fresh;

        Base(int queued, int pushes) {
            this.queued = queued;
            all = new G[queued + pushes];
            for (int i = 0; i < all.length; i++) {
                all[i] = RunqStress.token();
            }
            for (int i = 0; i < queued - 1; i++) {
                old.runqput(all[i], false);
            }
            old.runqput(all[queued - 1], true);
            old.status = Processor.RUNNING;
        }

        /** The old machine's goroutine readying the rest, as GmpScheduler.ready() does. */
        void ownerPushes() {
            for (int i = queued; i < all.length; i++) {
                if (old.status == Processor.RUNNING) {
                    G[] batch = old.runqput(all[i], true);
                    if (batch != null) {
                        global.addAll(List.of(batch)); // Go's runqputslow
                    }
                } else {
                    global.add(all[i]);
                    late++;
                }
            }
        }

        /** The monitor: retakeRunning's CAS, then the production hand-off. */
        void monitorRetires() {
            if (old.casStatus(Processor.RUNNING, Processor.RETIRED)) {
                Processor p = new Processor(old);
                handoffOverflow = old.handOffTo(p);
                fresh = p;
            }
        }

        void judge(II_Result r) {
            Map<G, Integer> seen = RunqStress.newSeen();
            for (G g : global) {
                RunqStress.count(g, seen);
            }
            if (handoffOverflow != null) {
                for (G g : handoffOverflow) {
                    RunqStress.count(g, seen);
                }
            }
            // The old machine's dropRetired or the monitor's sweepRetired (or, if not retired, the
            // owner itself) drains the old processor: both with the production drainAll.
            for (G g : old.drainAll()) {
                RunqStress.count(g, seen);
            }
            if (fresh != null) {
                RunqStress.drain(fresh, seen);
            }
            r.r1 = late;
            r.r2 = RunqStress.verdict(all, seen);
        }
    }

    @JCStressTest
    @Description("Retirement of a processor with a few goroutines queued against pushes by the old owner.")
    @Outcome(id = "[0-3], 0", expect = Expect.ACCEPTABLE, desc = "every goroutine accounted for exactly once")
    @Outcome(id = ".*, 1", expect = Expect.FORBIDDEN, desc = "a goroutine was lost")
    @Outcome(id = ".*, 2", expect = Expect.FORBIDDEN, desc = "a goroutine was seen twice")
    @State
    public static class Partial extends Base {
        public Partial() {
            super(3, 2);
        }

        @Actor
        public void owner() {
            ownerPushes();
        }

        @Actor
        public void monitor() {
            monitorRetires();
        }

        @Arbiter
        public void arbiter(II_Result r) {
            judge(r);
        }
    }

    @JCStressTest
    @Description("Retirement of a processor whose runnext and 256-slot queue are full against pushes by the old owner.")
    @Outcome(id = "[0-3], 0", expect = Expect.ACCEPTABLE, desc = "every goroutine accounted for exactly once")
    @Outcome(id = ".*, 1", expect = Expect.FORBIDDEN, desc = "a goroutine was lost")
    @Outcome(id = ".*, 2", expect = Expect.FORBIDDEN, desc = "a goroutine was seen twice")
    @State
    public static class Full extends Base {
        public Full() {
            super(Processor.RUNQ_SIZE + 1, 3);
        }

        @Actor
        public void owner() {
            ownerPushes();
        }

        @Actor
        public void monitor() {
            monitorRetires();
        }

        @Arbiter
        public void arbiter(II_Result r) {
            judge(r);
        }
    }
}
