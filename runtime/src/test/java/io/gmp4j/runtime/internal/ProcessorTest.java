package io.gmp4j.runtime.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The processor's queue operations that move goroutines between processors, called directly. */
class ProcessorTest {
    private static G[] tokens(int n) {
        G[] gs = new G[n];
        for (int i = 0; i < n; i++) {
            gs[i] = new G(null);
        }
        return gs;
    }

    private static List<G> drainInOrder(Processor p) {
        List<G> out = new ArrayList<>();
        G g;
        while ((g = p.runqget()) != null) {
            out.add(g);
        }
        return out;
    }

    @Test
    void handOffMovesRunnextAndAFullQueueInOrderWithoutOverflow() {
        Processor old = new Processor(0);
        G[] gs = tokens(Processor.RUNQ_SIZE + 1);
        for (int i = 0; i < Processor.RUNQ_SIZE; i++) {
            assertNull(old.runqput(gs[i], false));
        }
        assertNull(old.runqput(gs[Processor.RUNQ_SIZE], true));
        Processor fresh = new Processor(old);
        G[] overflow = old.handOffTo(fresh);
        assertEquals(0, overflow.length, "runnext goes to runnext: a full processor fits its replacement");
        assertEquals(0, old.drainAll().length);
        List<G> moved = drainInOrder(fresh);
        assertEquals(Processor.RUNQ_SIZE + 1, moved.size());
        assertSame(gs[Processor.RUNQ_SIZE], moved.get(0), "runnext first");
        for (int i = 0; i < Processor.RUNQ_SIZE; i++) {
            assertSame(gs[i], moved.get(i + 1), "queue order kept at " + i);
        }
    }

    @Test
    void handOffReturnsWhatDoesNotFitInOrder() {
        Processor old = new Processor(0);
        G[] gs = tokens(10);
        for (G g : gs) {
            old.runqput(g, false);
        }
        Processor fresh = new Processor(old);
        G[] filler = tokens(Processor.RUNQ_SIZE - 4); // the replacement has room for 4 only
        for (G g : filler) {
            fresh.runq.offer(g);
        }
        G[] overflow = old.handOffTo(fresh);
        assertEquals(6, overflow.length);
        for (int i = 0; i < 6; i++) {
            assertSame(gs[4 + i], overflow[i]);
        }
    }

    @Test
    void aStealIntoANearlyFullQueueTakesOnlyWhatFits() {
        Processor victim = new Processor(0);
        Processor thief = new Processor(1);
        victim.status = Processor.RUNNING;
        for (G g : tokens(200)) {
            victim.runqput(g, false);
        }
        for (G g : tokens(Processor.RUNQ_SIZE - 3)) {
            thief.runq.offer(g);
        }
        G got = thief.runqsteal(victim, false); // half of 200 would not fit: capped, no InternalError
        assertNotNull(got);
        assertEquals(Processor.RUNQ_SIZE, thief.runq.size());
        assertEquals(200 - 4, victim.runq.size());
    }
}
