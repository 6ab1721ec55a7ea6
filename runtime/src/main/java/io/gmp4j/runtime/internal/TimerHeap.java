package io.gmp4j.runtime.internal;

import java.lang.System.Logger.Level;
import java.util.Arrays;

/**
 * A 4-ary min-heap of timers ordered by {@code when}, with its lock: Go's per-P
 * {@code timers} ({@code runtime/time.go}, {@code timerHeapN = 4}).
 *
 * <p>Removal is eager (each timer knows its index), where Go marks stopped timers as zombies
 * and cleans them lazily; with an index the removal is O(log n) under the lock and the heap
 * never holds dead entries. {@link #wakeTime()} is readable without the lock, so a machine can
 * skip the heap (and the clock read) when nothing is due.
 */
public final class TimerHeap {
    private static final System.Logger LOG = System.getLogger("io.gmp4j.runtime");

    final RuntimeLock lock = new RuntimeLock();
    private RuntimeTimer[] heap = new RuntimeTimer[16];
    private int size;
    /** heap[0].when or NONE. Written under lock; read without it. */
    private volatile long minWhen = RuntimeTimer.NONE;

    /** The earliest {@code when} in the heap, or {@link RuntimeTimer#NONE}. Lock-free. */
    public long wakeTime() {
        return minWhen;
    }

    /** Number of timers in the heap (racy read for stats). */
    public int size() {
        return size;
    }

    /** Adds t (not in any heap). Returns true when t became the earliest. Lock held. */
    boolean addLocked(RuntimeTimer t, long when, long period) {
        assert lock.isHeldByCurrentThread();
        t.when = when;
        t.period = period;
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = t;
        t.index = size;
        size++;
        siftUp(t.index);
        t.heap(this);
        return updateMin() && heap[0] == t;
    }

    /** Removes t if it is in this heap. Lock held. */
    boolean removeLocked(RuntimeTimer t) {
        assert lock.isHeldByCurrentThread();
        if (t.heap() != this) {
            return false;
        }
        removeAt(t.index);
        updateMin();
        return true;
    }

    private void removeAt(int i) {
        RuntimeTimer t = heap[i];
        int last = --size;
        if (i != last) {
            heap[i] = heap[last];
            heap[i].index = i;
            heap[last] = null;
            siftDown(i);
            siftUp(i);
        } else {
            heap[last] = null;
        }
        t.index = -1;
        t.heap(null);
    }

    /** Recomputes minWhen; true when it changed. */
    private boolean updateMin() {
        long m = size == 0 ? RuntimeTimer.NONE : heap[0].when;
        if (m != minWhen) {
            minWhen = m;
            return true;
        }
        return false;
    }

    /**
     * Runs every timer due at {@code now}: Go's {@code timers.check}/{@code run}. Periodic
     * timers are re-armed at {@code when + period * (1 + (now - when) / period)} (missed ticks
     * are dropped, as Go does); one-shot timers leave the heap. Each fires with the lock released.
     *
     * @return how many timers fired
     */
    public int run(long now) {
        int fired = 0;
        while (minWhen <= now) {
            RuntimeTimer t;
            long seq;
            lock.lock();
            try {
                if (size == 0 || heap[0].when > now) {
                    return fired;
                }
                t = heap[0];
                seq = t.seq;
                if (t.period > 0) {
                    long delta = now - t.when;
                    t.when = t.when + t.period * (1 + delta / t.period);
                    if (t.when < 0) {
                        t.when = RuntimeTimer.NONE - 1;
                    }
                    siftDown(0);
                } else {
                    t.firingPopped(seq); // before removeAt publishes heap = null: see RuntimeTimer
                    removeAt(0);
                }
                updateMin();
            } finally {
                lock.unlock();
            }
            fired++;
            try {
                t.fire(seq, now);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "runtime: timer callback threw", e);
            }
        }
        return fired;
    }

    private void siftUp(int i) {
        RuntimeTimer t = heap[i];
        long when = t.when;
        while (i > 0) {
            int p = (i - 1) >> 2;
            RuntimeTimer pt = heap[p];
            if (when >= pt.when) {
                break;
            }
            heap[i] = pt;
            pt.index = i;
            i = p;
        }
        heap[i] = t;
        t.index = i;
    }

    private void siftDown(int i) {
        RuntimeTimer t = heap[i];
        long when = t.when;
        while (true) {
            int c = 4 * i + 1;
            if (c >= size) {
                break;
            }
            int best = c;
            long bw = heap[c].when;
            int end = Math.min(c + 4, size);
            for (int k = c + 1; k < end; k++) {
                if (heap[k].when < bw) {
                    best = k;
                    bw = heap[k].when;
                }
            }
            if (bw >= when) {
                break;
            }
            heap[i] = heap[best];
            heap[i].index = i;
            i = best;
        }
        heap[i] = t;
        t.index = i;
    }
}
