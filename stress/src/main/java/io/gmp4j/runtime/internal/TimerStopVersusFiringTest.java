package io.gmp4j.runtime.internal;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A due one-shot timer's firing ({@link TimerHeap#run}: pop, record the firing, unlink, then
 * fire with no heap lock held) against the owner's stop, with the real heap,
 * {@link TimerService#stop} and {@link RuntimeTimer#claimFiring}; the owner side is
 * {@code ChanTimer}'s protocol on a one-slot "channel" ({@code slot}): stop removes, claims an
 * in-flight firing, bumps {@code seq} and drains, under the owner lock; the firing sends under
 * the owner lock if {@code seq} is unchanged and then claims — with {@code tryLock}, or, when
 * the lock is busy, later with {@code lock()} (ChanTimer's delivery goroutine).
 *
 * <p>Nobody receives, so stop must always return true (Go 1.23: the value was not received),
 * and no value may be left once both are done. r1 = stop's result, r2 = values left.
 * The forbidden "0, 0" is the lost firing: stop said "already delivered", cancelled the
 * delivery with its {@code seq} bump, and {@code if (!t.stop()) t.c().recv()} would wait for ever.
 */
@JCStressTest
@Description("Timer stop racing the timer's firing: stop reports true unless the value was received, "
        + "and no value arrives after stop.")
@Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "stop removed the timer, cancelled the firing, or drained its value")
@Outcome(id = "0, 0", expect = Expect.FORBIDDEN, desc = "stop reported 'already delivered' but the value was lost")
@Outcome(id = "., 1", expect = Expect.FORBIDDEN, desc = "a value arrived after stop returned")
@State
public class TimerStopVersusFiringTest {
    final TimerHeap heap = new TimerHeap();
    final TimerService timers = new TimerService() {
        @Override
        public void add(RuntimeTimer t, long when, long period) {
            heap.lock.lock();
            try {
                heap.addLocked(t, when, period);
            } finally {
                heap.lock.unlock();
            }
        }

        @Override
        public int pending() {
            return heap.size();
        }

        @Override
        public void shutdown() {
        }
    };
    final ReentrantLock owner = new ReentrantLock();
    final AtomicInteger slot = new AtomicInteger();
    final RuntimeTimer timer = new RuntimeTimer() {
        @Override
        protected void fire(long firedSeq, long now) {
            if (owner.tryLock()) {
                try {
                    if (firedSeq == seq) {
                        slot.incrementAndGet();
                        claimFiring(firedSeq);
                    }
                    return;
                } finally {
                    owner.unlock();
                }
            }
            owner.lock(); // the delivery goroutine
            try {
                if (firedSeq == seq) {
                    claimFiring(firedSeq);
                    slot.incrementAndGet();
                }
            } finally {
                owner.unlock();
            }
        }
    };

    public TimerStopVersusFiringTest() {
        timer.seq = 1;
        timers.add(timer, 0, 0); // due at once
    }

    @Actor
    public void heapRuns() {
        heap.run(RuntimeTimer.NONE - 1);
    }

    @Actor
    public void ownerStops(II_Result r) {
        owner.lock();
        try {
            boolean stopped = timers.stop(timer);
            if (timer.claimFiring(timer.seq)) {
                stopped = true;
            }
            timer.seq++;
            if (slot.getAndSet(0) != 0) {
                stopped = true;
            }
            r.r1 = stopped ? 1 : 0;
        } finally {
            owner.unlock();
        }
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r2 = slot.get();
    }
}
