package io.gmp4j.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A runtime's live goroutines and its goroutine counters: Go's {@code allgs} (minus the dead
 * ones, which Go keeps for reuse) and {@code sched.ngsys}-style counts, for dumps, the deadlock
 * check and {@link GoRuntime#numGoroutine()}.
 *
 * <h2>Implementation notes</h2>
 * Registering and unregistering are on the path of every goroutine (Go's {@code newproc} and
 * {@code goexit}), so they must cost little and share little: the registry is split into
 * {@value #STRIPES} stripes, chosen by the goroutine's thread id, which successive goroutines
 * get in sequence — a burst of spawns from one goroutine spreads over every stripe, and the
 * spawner and the goroutines ending on another processor rarely meet on one stripe's lock. A
 * stripe keeps its goroutines in an array slot the caller remembers (no hash, no node per
 * goroutine: a {@code ConcurrentHashMap} key set cost ~23 % of a spawn in a JFR profile
 * and ~40 bytes per live goroutine; a slot costs 8 bytes), a stack of free slots, and
 * its created and exited counts. Each stripe has its own monitor; nothing here blocks while
 * holding one. The arrays grow with the peak number of goroutines and do not shrink (Go's
 * {@code allgs} does not either).
 *
 * <p>Counts are exact per stripe. {@link #live()} sums the stripes one after another under
 * their monitors, so it is not a snapshot across stripes, but it reads 0 only when every
 * goroutine registered before the call has been removed. That is what
 * {@link GoRuntime#close()} needs: a goroutine removes itself and then reads the runtime's
 * closed flag; the closer sets the flag and then sums. The stripe monitor orders the two
 * sides, so either the closer's sum sees the removal or the remover sees the flag. Readers
 * that poll the counts while goroutines come and go (the system monitor, stats,
 * {@code numGoroutine}) use {@link #count()} instead, which takes no monitor.
 */
final class GoroutineRegistry implements Iterable<Thread> {
    /** Number of stripes: a power of two, a few per processor of a large machine. */
    static final int STRIPES = 32;

    private final Stripe[] stripes = new Stripe[STRIPES];

    GoroutineRegistry() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    /** One stripe; guarded by its own monitor. */
    private static final class Stripe {
        // Keep neighbouring stripes' hot fields apart (they are allocated one after another).
        @SuppressWarnings("unused")
        private long p0, p1, p2, p3, p4, p5, p6;
        private Thread[] slots = new Thread[16];
        private int[] free = new int[16];
        private int nfree;
        /** Slots below this were used at least once. */
        private int high;
        /**
         * Written under the monitor with volatile stores, so that {@link #count} can read them
         * without it, and so that of two goroutines ending at once in two stripes, the one
         * whose {@link #count} comes second sees both (the last one ending wakes close()).
         */
        private long created;
        private long exited;
        @SuppressWarnings("unused")
        private long q0, q1, q2, q3, q4, q5, q6;
    }

    private static final VarHandle CREATED;
    private static final VarHandle EXITED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(Stripe.class, MethodHandles.lookup());
            CREATED = l.findVarHandle(Stripe.class, "created", long.class);
            EXITED = l.findVarHandle(Stripe.class, "exited", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Stripe stripeOf(Thread t) {
        return stripes[(int) t.threadId() & (STRIPES - 1)];
    }

    /**
     * Registers a goroutine (counted as created and live).
     *
     * @return its slot, to give back to {@link #remove}
     */
    int add(Thread t) {
        Stripe s = stripeOf(t);
        synchronized (s) {
            int slot;
            if (s.nfree > 0) {
                slot = s.free[--s.nfree];
            } else {
                slot = s.high++;
                if (slot == s.slots.length) {
                    s.slots = java.util.Arrays.copyOf(s.slots, slot * 2);
                }
            }
            s.slots[slot] = t;
            CREATED.setVolatile(s, s.created + 1);
            return slot;
        }
    }

    /** Unregisters a goroutine {@link #add} registered in {@code slot} (counted as exited). */
    void remove(Thread t, int slot) {
        Stripe s = stripeOf(t);
        synchronized (s) {
            freeSlot(s, t, slot);
            EXITED.setVolatile(s, s.exited + 1);
        }
    }

    /** Takes back an {@link #add} whose goroutine never started: counted neither created nor exited. */
    void unregister(Thread t, int slot) {
        Stripe s = stripeOf(t);
        synchronized (s) {
            freeSlot(s, t, slot);
            CREATED.setVolatile(s, s.created - 1);
        }
    }

    private static void freeSlot(Stripe s, Thread t, int slot) {
        if (s.slots[slot] != t) {
            throw new IllegalStateException("runtime: goroutine registry: slot " + slot + " holds "
                    + s.slots[slot] + ", not " + t);
        }
        s.slots[slot] = null;
        if (s.nfree == s.free.length) {
            s.free = java.util.Arrays.copyOf(s.free, s.nfree * 2);
        }
        s.free[s.nfree++] = slot;
    }

    /** {@return the goroutines registered and not yet removed (see the class notes)} */
    long live() {
        long n = 0;
        for (Stripe s : stripes) {
            synchronized (s) {
                n += s.created - s.exited;
            }
        }
        return n;
    }

    /**
     * The counts without taking any stripe's monitor, for readers that poll them while
     * goroutines start and end — {@link GoRuntime#numGoroutine()}, stats, the system monitor's
     * deadlock check (a monitor per stripe on every monitor cycle made goroutines wait for the
     * monitor thread). Each stripe's exited count is read before its created count,
     * and a goroutine is counted created before exited in its one stripe, so the live count is
     * never negative; it may be stale by the goroutines that start or end during the call.
     *
     * @return {created, exited}
     */
    long[] count() {
        long created = 0;
        long exited = 0;
        for (Stripe s : stripes) {
            exited += (long) EXITED.getVolatile(s);
            created += (long) CREATED.getVolatile(s);
        }
        return new long[] {created, exited};
    }

    /** {@return the live count from {@link #count()}: no monitor taken, possibly stale} */
    long liveApprox() {
        long[] c = count();
        return c[0] - c[1];
    }

    /** {@return how many goroutines were ever registered (without a monitor, possibly stale)} */
    long created() {
        return count()[0];
    }

    /** {@return how many goroutines were removed (without a monitor, possibly stale)} */
    long exited() {
        return count()[1];
    }

    /** {@return the live goroutines, one stripe at a time (weakly consistent, as a dump is)} */
    List<Thread> snapshot() {
        List<Thread> out = new ArrayList<>();
        for (Stripe s : stripes) {
            synchronized (s) {
                Thread[] slots = s.slots;
                for (int i = 0, n = s.high; i < n; i++) {
                    Thread t = slots[i];
                    if (t != null) {
                        out.add(t);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Iterates over the live goroutines one stripe at a time: each stripe is copied under its
     * monitor when the iteration reaches it (weakly consistent, as a dump is; an early exit,
     * as the deadlock check's census makes, copies only the stripes it reached).
     */
    @Override
    public Iterator<Thread> iterator() {
        return new Iterator<>() {
            private int stripe;
            private Thread[] chunk = new Thread[0];
            private int n;
            private int i;

            @Override
            public boolean hasNext() {
                while (true) {
                    while (i < n) {
                        if (chunk[i] != null) {
                            return true;
                        }
                        i++;
                    }
                    if (stripe == STRIPES) {
                        return false;
                    }
                    Stripe s = stripes[stripe++];
                    synchronized (s) {
                        n = s.high;
                        if (chunk.length < n) {
                            chunk = new Thread[n];
                        }
                        System.arraycopy(s.slots, 0, chunk, 0, n);
                    }
                    i = 0;
                }
            }

            @Override
            public Thread next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return chunk[i++];
            }
        };
    }
}
