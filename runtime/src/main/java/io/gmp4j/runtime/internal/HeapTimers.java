package io.gmp4j.runtime.internal;

import io.gmp4j.runtime.spi.SchedulerTimers;
import io.gmp4j.runtime.spi.TimerHeaps;

/**
 * The timers of a runtime whose scheduler keeps them per processor ({@link SchedulerTimers},
 * Go's {@code p.timers}): the runtime owns one {@link TimerHeap} per processor, the scheduler
 * says which heap a timer armed by the calling thread goes into and runs due timers from its
 * own loop through the {@link TimerHeaps} view.
 */
public final class HeapTimers implements TimerService, TimerHeaps {
    private final SchedulerTimers placement;
    private final TimerHeap[] heaps;

    /**
     * Makes the heaps and hands them to the scheduler ({@link SchedulerTimers#attach}).
     *
     * @param placement the scheduler's timer part
     */
    public HeapTimers(SchedulerTimers placement) {
        int n = placement.heaps();
        if (n <= 0) {
            throw new IllegalStateException("SchedulerTimers.heaps() returned " + n
                    + ": a scheduler that keeps timers needs at least one heap");
        }
        this.placement = placement;
        this.heaps = new TimerHeap[n];
        for (int i = 0; i < n; i++) {
            heaps[i] = new TimerHeap();
        }
        placement.attach(this);
    }

    @Override
    public void add(RuntimeTimer t, long when, long period) {
        int i = placement.heapForCaller();
        if (i < 0 || i >= heaps.length) {
            throw new IllegalStateException("SchedulerTimers.heapForCaller() returned " + i + ", outside [0, "
                    + heaps.length + ")");
        }
        TimerHeap h = heaps[i];
        boolean earliest;
        h.lock.lock();
        try {
            earliest = h.addLocked(t, when, period);
        } finally {
            h.lock.unlock();
        }
        if (earliest) {
            placement.earliestChanged(when);
        }
    }

    @Override
    public int pending() {
        int n = 0;
        for (TimerHeap h : heaps) {
            n += h.size();
        }
        return n;
    }

    @Override
    public void shutdown() {
        // The scheduler's threads stop with it; pending timers never fire.
    }

    @Override
    public long now() {
        return RuntimeTimer.nanotime();
    }

    @Override
    public long wakeTime(int heap) {
        return heaps[heap].wakeTime();
    }

    @Override
    public int run(int heap, long now) {
        return heaps[heap].run(now);
    }

    @Override
    public int size(int heap) {
        return heaps[heap].size();
    }
}
