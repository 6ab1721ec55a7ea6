package io.gmp4j.runtime;

import io.gmp4j.runtime.spi.WaitReason;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Go's {@code select} statement: waits until one of several channel operations can proceed,
 * performs exactly that one, and runs its action.
 *
 * <pre>{@code
 * int taken = Select.builder()
 *         .recv(results, v -> handle(v))          // case v := <-results:
 *         .send(out, item, () -> sent++)          // case out <- item:
 *         .recv(ctx.done(), v -> stop = true)      // case <-ctx.Done():
 *         .orElse(() -> idle++)                   // default:
 *         .run();
 * }</pre>
 *
 * <p>As in Go ({@code runtime/select.go}):
 * <ul>
 *   <li>When several cases are ready, one is chosen uniformly at random.</li>
 *   <li>A case on a {@code null} channel never fires (Go's nil channel). A select whose cases
 *       are all on {@code null} channels and that has no {@code orElse} blocks forever, as
 *       Go's {@code select {}}.</li>
 *   <li>A receive case on a closed, drained channel is ready and passes {@code null} to its
 *       action (Go's {@code ok == false}).</li>
 *   <li>A send case on a closed channel throws {@link ChanClosedException} when chosen.</li>
 *   <li>The same channel may appear in several cases.</li>
 * </ul>
 * Cases are numbered in the order they were added to the builder, {@code orElse} included;
 * {@link Builder#run()} returns the number of the case taken. Actions run in the calling
 * thread after every channel lock is released. A builder may be run many times.
 *
 * <h2>Implementation notes</h2>
 * Go's selectgo: a random poll order (inside-out Fisher–Yates), a lock order by channel
 * {@code id} (Go: by address) so that two selects listing the same channels in opposite orders
 * cannot deadlock; pass 1 polls every case with all locks held; pass 2 queues one sudog per
 * case and parks; a waker must win the select's {@code claim} CAS (Go's {@code selectDone})
 * before it completes one of them; pass 3 relocks everything and unlinks the other sudogs,
 * so a finished select leaves nothing behind in any channel's queue.
 */
public final class Select {
    private Select() {}

    /**
     * Starts a select.
     *
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The cases of one select statement.
     */
    public static final class Builder {
        private final List<Case> cases = new ArrayList<>(4);
        private Runnable orElse;
        private int orElseIndex = -1;
        private int next;

        private Builder() {}

        /**
         * Adds {@code case v := <-ch: onValue(v)}.
         *
         * @param ch      the channel; null makes a case that never fires
         * @param onValue receives the value, or {@code null} if the channel is closed and drained
         * @param <T>     element type
         * @return this builder
         */
        public <T> Builder recv(Chan<T> ch, Consumer<? super T> onValue) {
            Objects.requireNonNull(onValue, "onValue");
            cases.add(new Case(next++, ch, false, null, onValue, null));
            return this;
        }

        /**
         * Adds {@code case ch <- value: onSent()}.
         *
         * @param ch     the channel; null makes a case that never fires
         * @param value  the value to send; not null
         * @param onSent runs after the value was sent
         * @param <T>    element type
         * @return this builder
         */
        public <T> Builder send(Chan<T> ch, T value, Runnable onSent) {
            Chan.requireElement(value);
            Objects.requireNonNull(onSent, "onSent");
            cases.add(new Case(next++, ch, true, value, null, onSent));
            return this;
        }

        /**
         * Adds Go's {@code default:} — runs when no other case is ready, so the select does not
         * block.
         *
         * @param action what to run
         * @return this builder
         * @throws IllegalStateException if orElse was already given
         */
        public Builder orElse(Runnable action) {
            Objects.requireNonNull(action, "action");
            if (orElse != null) {
                throw new IllegalStateException("orElse: a select has at most one default case (already case "
                        + orElseIndex + ")");
            }
            orElse = action;
            orElseIndex = next++;
            return this;
        }

        /**
         * Runs the select: performs one ready case (chosen at random among the ready ones),
         * waiting for one if none is ready and there is no {@code orElse}, then runs its action.
         *
         * @return the number of the case taken (cases count from 0 in the order added,
         *         {@code orElse} included)
         * @throws ChanClosedException    if a send case on a closed channel was chosen
         * @throws GoInterruptedException if the thread is interrupted while waiting (no case ran)
         */
        public int run() {
            PreemptPoints.check();
            return selectgo(this);
        }
    }

    private static final class Case {
        final int index;
        final Chan<?> c;
        final boolean isSend;
        final Object value;
        final Consumer<Object> onRecv;
        final Runnable onSend;

        @SuppressWarnings("unchecked")
        Case(int index, Chan<?> c, boolean isSend, Object value, Consumer<?> onRecv, Runnable onSend) {
            this.index = index;
            this.c = c;
            this.isSend = isSend;
            this.value = value;
            this.onRecv = (Consumer<Object>) onRecv;
            this.onSend = onSend;
        }
    }

    // Go: runtime.selectgo
    private static int selectgo(Builder b) {
        List<Case> all = b.cases;
        int n = all.size();
        // Poll order: a uniformly random permutation of the cases whose channel is non-null.
        Case[] poll = new Case[n];
        int np = 0;
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = 0; i < n; i++) {
            Case cs = all.get(i);
            if (cs.c == null) {
                continue;
            }
            int j = rnd.nextInt(np + 1);
            poll[np] = poll[j];
            poll[j] = cs;
            np++;
        }
        if (np == 0) {
            if (b.orElse != null) {
                b.orElse.run();
                return b.orElseIndex;
            }
            blockForever();
        }
        // Lock order: by channel id (insertion sort; selects are small).
        Case[] lockorder = new Case[np];
        for (int i = 0; i < np; i++) {
            Case cs = poll[i];
            int k = i;
            while (k > 0 && lockorder[k - 1].c.id > cs.c.id) {
                lockorder[k] = lockorder[k - 1];
                k--;
            }
            lockorder[k] = cs;
        }

        sellock(lockorder, np);
        // Pass 1: look for a case that can proceed now, in poll order.
        for (int k = 0; k < np; k++) {
            Case cs = poll[k];
            Chan<?> c = cs.c;
            if (cs.isSend) {
                if (c.isClosedLocked()) {
                    selunlock(lockorder, np);
                    throw new ChanClosedException("send on closed channel");
                }
                Sudog r = c.sendNowLocked(cs.value);
                if (r != null) {
                    selunlock(lockorder, np);
                    Chan.wake(r);
                    cs.onSend.run();
                    return cs.index;
                }
            } else {
                Sudog s = c.sendq.dequeue();
                if (s != null) {
                    Object v = c.recvFromSender(s);
                    selunlock(lockorder, np);
                    LockSupport.unpark(s.thread);
                    cs.onRecv.accept(v);
                    return cs.index;
                }
                if (c.qcountLocked() > 0) {
                    Object v = c.dequeueBuffered();
                    selunlock(lockorder, np);
                    cs.onRecv.accept(v);
                    return cs.index;
                }
                if (c.isClosedLocked()) {
                    selunlock(lockorder, np);
                    cs.onRecv.accept(null);
                    return cs.index;
                }
            }
        }
        if (b.orElse != null) {
            selunlock(lockorder, np);
            b.orElse.run();
            return b.orElseIndex;
        }

        // Pass 2: queue a sudog on every channel, in lock order, and park.
        Sudog[] sgs = new Sudog[np];
        Sudog leader = null;
        long since = WaitReason.UNSTAMPED; // stamped lazily by dumps, see WaitReason
        for (int i = 0; i < np; i++) {
            Case cs = lockorder[i];
            Sudog sg = new Sudog(leader, since, cs.c, cs.isSend ? cs.value : null, cs.index);
            if (leader == null) {
                leader = sg;
            }
            sgs[i] = sg;
            if (cs.isSend) {
                cs.c.sendq.enqueue(sg);
            } else {
                cs.c.recvq.enqueue(sg);
            }
        }
        selunlock(lockorder, np);

        boolean cancelled = false;
        while (!leader.isWoken()) {
            LockSupport.park(leader);
            if (!leader.isWoken() && Thread.currentThread().isInterrupted() && leader.claim()) {
                cancelled = true; // nobody can complete a case any more
                break;
            }
        }

        // Pass 3: unlink every sudog that did not fire.
        sellock(lockorder, np);
        Sudog winner = cancelled ? null : leader.winner;
        for (int i = 0; i < np; i++) {
            Sudog sg = sgs[i];
            if (sg != winner && sg.queue != null) {
                sg.queue.remove(sg);
            }
        }
        selunlock(lockorder, np);
        if (cancelled) {
            throw new GoInterruptedException("interrupted while blocked in select");
        }
        if (winner == null) {
            throw new InternalError("runtime: select woken without a winner");
        }
        Case cs = null;
        for (int i = 0; i < np; i++) {
            if (lockorder[i].index == winner.caseIndex) {
                cs = lockorder[i];
                break;
            }
        }
        if (cs == null) {
            throw new InternalError("runtime: bad select wakeup, case " + winner.caseIndex);
        }
        if (cs.isSend) {
            if (!winner.success) {
                throw new ChanClosedException("send on closed channel");
            }
            cs.onSend.run();
        } else {
            cs.onRecv.accept(winner.success ? winner.elem : null);
        }
        return cs.index;
    }

    /** Locks each distinct channel once, in lock order. Go: sellock. */
    private static void sellock(Case[] lockorder, int n) {
        Chan<?> last = null;
        for (int i = 0; i < n; i++) {
            Chan<?> c = lockorder[i].c;
            if (c != last) {
                c.lock.lock();
                last = c;
            }
        }
    }

    /** Unlocks in reverse lock order. Go: selunlock. */
    private static void selunlock(Case[] lockorder, int n) {
        for (int i = n - 1; i >= 0; i--) {
            Chan<?> c = lockorder[i].c;
            if (i == 0 || lockorder[i - 1].c != c) {
                c.lock.unlock();
            }
        }
    }

    /** Go's {@code select {}}: parks forever (until interrupted). */
    private static void blockForever() {
        Object why = WaitReason.now("select (no cases)");
        while (true) {
            LockSupport.park(why);
            if (Thread.currentThread().isInterrupted()) {
                throw new GoInterruptedException("interrupted while blocked in select (no cases)");
            }
        }
    }
}
