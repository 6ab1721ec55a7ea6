package io.gmp4j.runtime;

import io.gmp4j.runtime.internal.JdkAccess;
import io.gmp4j.runtime.spi.Carrier;
import io.gmp4j.runtime.spi.Poller;
import io.gmp4j.runtime.spi.PollerProvider;
import io.gmp4j.runtime.spi.PollerTarget;
import io.gmp4j.runtime.spi.Scheduler;

import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * The network poller's side of one runtime (Go's {@code netpollinit} hook-up): makes the
 * runtime's {@link Poller} on first use, offers it to the scheduler
 * ({@link Scheduler#attachPoller}) or serves it with a thread of its own, stops it on close,
 * and is the {@link PollerTarget} through which the poller asks for timers, for a polling
 * machine and for work after a park — each served through the scheduler SPI's optional parts,
 * the same way for every scheduler.
 */
final class PollerHost implements PollerTarget {
    private final GoRuntime rt;
    private final Scheduler scheduler;
    private final ModuleLayer layer;
    /** The poller, made by {@link #create()}; written under the runtime's close lock. */
    private volatile Poller poller;
    /** The thread serving the poller when the scheduler does not drive it, or null. */
    private Thread thread;
    private volatile boolean stopping;

    PollerHost(GoRuntime rt, Scheduler scheduler, ModuleLayer layer) {
        this.rt = rt;
        this.scheduler = scheduler;
        this.layer = layer;
    }

    /** {@return the poller, or null before the first {@link #create()}} */
    Poller poller() {
        return poller;
    }

    /**
     * Makes the poller; the caller holds the runtime's close lock, has checked that the runtime
     * is open and that no poller exists yet.
     */
    Poller create() {
        PollerProvider pp = RuntimeConfig.pollerProvider(layer);
        if (pp == null) {
            throw new IllegalStateException("no network poller: put the io.gmp4j.netpoll module (a "
                    + PollerProvider.class.getName() + ") on the module path");
        }
        Poller np = Objects.requireNonNull(pp.create(this),
                () -> "poller provider '" + pp.name() + "' returned no poller");
        if (!scheduler.attachPoller(np)) {
            thread = Thread.ofPlatform().daemon().name(rt.name() + "-netpoll").unstarted(() -> serve(np));
            thread.start();
        }
        poller = np;
        return np;
    }

    /** The poller thread of a scheduler that does not drive the poller: block, unpark, repeat. */
    private void serve(Poller np) {
        while (!stopping) {
            np.poll(-1, LockSupport::unpark);
        }
    }

    /**
     * Closes the poller and waits for its thread, after the scheduler's threads have ended.
     *
     * @return whether the caller was interrupted while waiting (the interrupt is to be re-asserted)
     */
    boolean stop() {
        Poller np = poller;
        if (np == null) {
            return false;
        }
        stopping = true;
        np.close();
        if (thread == null) {
            return false;
        }
        np.wakeup();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                return interrupted;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
    }

    @Override
    public String name() {
        return rt.name();
    }

    @Override
    public InlineTimer newTimer(Runnable action) {
        return new InlineRuntimeTimer(rt.timers(), action);
    }

    @Override
    public void pollerNeeded() {
        scheduler.pollerNeeded();
    }

    @Override
    public boolean runAfterPark(Runnable action) {
        // Only a carrier of this runtime's scheduler that implements Carrier runs such actions;
        // the jdk provider may run without the JVM flag, where the carrier cannot be asked for.
        return Thread.currentThread().isVirtual() && JdkAccess.available()
                && JdkAccess.currentCarrierThread() instanceof Carrier c && c.scheduler() == scheduler
                && c.runAfterPark(action);
    }
}
