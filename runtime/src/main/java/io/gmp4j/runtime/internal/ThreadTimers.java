package io.gmp4j.runtime.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * The timers of a runtime whose scheduler has no processors of its own ({@code fifo},
 * {@code jdk}, or a user's): one {@link TimerHeap} and one platform daemon thread that sleeps
 * until the earliest timer. Started on first use.
 */
public final class ThreadTimers implements TimerService {
    private final TimerHeap heap = new TimerHeap();
    private final String threadName;
    private volatile Thread thread;
    private volatile boolean stopped;

    public ThreadTimers(String threadName) {
        this.threadName = threadName;
    }

    @Override
    public void add(RuntimeTimer t, long when, long period) {
        boolean earliest;
        Thread start = null;
        heap.lock.lock();
        try {
            if (stopped) {
                return;
            }
            earliest = heap.addLocked(t, when, period);
            if (thread == null) {
                start = new Thread(null, this::loop, threadName, 0, false);
                start.setDaemon(true);
                thread = start;
            }
        } finally {
            heap.lock.unlock();
        }
        if (start != null) {
            // Started outside the heap's lock (Rule M): Thread.start may block on JDK locks.
            // A shutdown in between joins an unstarted thread (returns at once); the loop then
            // sees stopped and ends.
            start.start();
        } else if (earliest) {
            LockSupport.unpark(thread);
        }
    }

    private void loop() {
        while (!stopped) {
            long now = RuntimeTimer.nanotime();
            heap.run(now);
            long next = heap.wakeTime();
            now = RuntimeTimer.nanotime();
            if (next == RuntimeTimer.NONE) {
                LockSupport.park(this);
            } else if (next > now) {
                LockSupport.parkNanos(this, next - now);
            }
        }
    }

    @Override
    public int pending() {
        return heap.size();
    }

    @Override
    public void shutdown() {
        Thread th;
        heap.lock.lock();
        try {
            stopped = true;
            th = thread;
        } finally {
            heap.lock.unlock();
        }
        if (th != null) {
            LockSupport.unpark(th);
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
