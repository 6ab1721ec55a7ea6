package io.gmp4j.soak;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.ChanClosedException;
import io.gmp4j.runtime.Select;
import io.gmp4j.runtime.Timer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.random.RandomGenerator;

/**
 * A mesh of 1-5 channels (unbuffered and buffered) between 1-4 producers and 1-4 consumers,
 * with a closer that closes the channels one by one at random moments — while producers are
 * blocked sending on them — and the rest once every producer is done. Producers send sequence
 * numbers with plain sends, multi-channel selects with a timeout case, {@code trySend} and
 * select-with-default; a value counts as sent only when the send returned (a send refused by a
 * close is retried elsewhere). Consumers receive with multi-channel selects with a timer case,
 * plain receives, {@code tryRecv} and select-with-default until every channel is closed and
 * drained. Each value must be received exactly once.
 */
final class ChannelTraffic extends Episode {
    private static final int[] CAPACITIES = {0, 0, 1, 4, 16, 64};

    private final List<Chan<Long>> chans = new ArrayList<>();
    /** 1 once the closer has decided to close channel i (set before the close). */
    private final AtomicIntegerArray closing;
    private final int producers;
    private final int consumers;
    private final int[] quota;
    /** Values each producer has sent; written by the producer, read after it ended. */
    private final AtomicIntegerArray sent;
    private final AtomicLongArray[] received;
    private final AtomicInteger producersLeft;
    private final Chan<Boolean> producersDone = Chan.make();

    ChannelTraffic(Phase phase, int number, long seed) {
        super(phase, "channels", number, seed);
        int k = 1 + rng.nextInt(5);
        for (int i = 0; i < k; i++) {
            chans.add(Chan.make(CAPACITIES[rng.nextInt(CAPACITIES.length)]));
        }
        closing = new AtomicIntegerArray(k);
        producers = 1 + rng.nextInt(4);
        consumers = 1 + rng.nextInt(4);
        quota = new int[producers];
        sent = new AtomicIntegerArray(producers);
        received = new AtomicLongArray[producers];
        for (int p = 0; p < producers; p++) {
            quota[p] = 200 + rng.nextInt(3001);
            received[p] = new AtomicLongArray((quota[p] + 63) / 64);
        }
        producersLeft = new AtomicInteger(producers);
    }

    @Override
    void launch() {
        for (int p = 0; p < producers; p++) {
            int id = p;
            long s = rng.nextLong();
            go(() -> produce(id, s));
        }
        for (int c = 0; c < consumers; c++) {
            long s = rng.nextLong();
            go(() -> consume(s));
        }
        long s = rng.nextLong();
        go(() -> closer(s));
    }

    private int randomLive(RandomGenerator r, boolean[] dead, int alive) {
        int skip = r.nextInt(alive);
        for (int i = 0; i < dead.length; i++) {
            if (!dead[i] && skip-- == 0) {
                return i;
            }
        }
        throw new IllegalStateException("no live channel");
    }

    private void produce(int p, long s) {
        RandomGenerator r = Diag.rng(s);
        int k = chans.size();
        boolean[] dead = new boolean[k];
        int alive = k;
        int seq = 0;
        try {
            while (seq < quota[p] && alive > 0) {
                long v = ((long) p << 32) | seq;
                int mode = r.nextInt(10);
                try {
                    if (mode < 4) {
                        chans.get(randomLive(r, dead, alive)).send(v);
                        seq++;
                    } else if (mode < 8) {
                        boolean[] ok = {false};
                        Select.Builder b = Select.builder();
                        int cases = Math.min(alive, 1 + r.nextInt(3));
                        boolean[] used = new boolean[k];
                        for (int c = 0; c < cases; c++) {
                            int i = randomLive(r, dead, alive);
                            if (!used[i]) {
                                used[i] = true;
                                b.send(chans.get(i), v, () -> ok[0] = true);
                            }
                        }
                        Timer t = Timer.newTimer(Duration.ofNanos(50_000 + r.nextInt(5_000_000)));
                        b.recv(t.c(), x -> { });
                        b.run();
                        t.stop();
                        if (ok[0]) {
                            seq++;
                        }
                    } else if (mode < 9) {
                        if (chans.get(randomLive(r, dead, alive)).trySend(v)) {
                            seq++;
                        }
                    } else {
                        boolean[] ok = {false};
                        Select.builder().send(chans.get(randomLive(r, dead, alive)), v, () -> ok[0] = true)
                                .orElse(() -> { })
                                .run();
                        if (ok[0]) {
                            seq++;
                        }
                    }
                    step();
                } catch (ChanClosedException e) {
                    alive = 0;
                    for (int i = 0; i < k; i++) {
                        dead[i] = closing.get(i) == 1;
                        if (!dead[i]) {
                            alive++;
                        }
                    }
                }
            }
        } finally {
            sent.set(p, seq);
            counters.add(Counter.VALUES_SENT, seq);
            if (producersLeft.decrementAndGet() == 0) {
                producersDone.close();
            }
        }
    }

    private void consume(long s) {
        RandomGenerator r = Diag.rng(s);
        int k = chans.size();
        boolean[] gone = new boolean[k];
        int left = k;
        while (left > 0) {
            int mode = r.nextInt(10);
            int[] which = {-1};
            Long[] got = {null};
            if (mode < 6 || mode == 9) {
                Select.Builder b = Select.builder();
                for (int i = 0; i < k; i++) {
                    if (!gone[i]) {
                        int ii = i;
                        b.recv(chans.get(i), v -> {
                            which[0] = ii;
                            got[0] = v;
                        });
                    }
                }
                Timer t = null;
                if (mode == 9) {
                    b.orElse(() -> { });
                } else {
                    t = Timer.newTimer(Duration.ofNanos(100_000 + r.nextInt(20_000_000)));
                    b.recv(t.c(), x -> { });
                }
                b.run();
                if (t != null) {
                    t.stop();
                }
            } else if (mode < 7) {
                int i = randomLive(r, gone, left);
                which[0] = i;
                got[0] = chans.get(i).recv();
            } else {
                int i = randomLive(r, gone, left);
                Long v = chans.get(i).tryRecv();
                if (v != null) {
                    which[0] = i;
                    got[0] = v;
                }
            }
            if (which[0] < 0) {
                continue;
            }
            if (got[0] == null) {
                gone[which[0]] = true;
                left--;
                if (closing.get(which[0]) != 1) {
                    fail("a receive on channel " + which[0] + " reported it closed before anyone closed it");
                }
            } else {
                record(got[0]);
            }
        }
    }

    private void record(long v) {
        int p = (int) (v >>> 32);
        int seq = (int) v;
        if (p < 0 || p >= producers || seq < 0 || seq >= quota[p]) {
            fail("received a value nobody sends: " + Long.toHexString(v));
            return;
        }
        if (!Diag.setBit(received[p], seq)) {
            fail("value " + seq + " of producer " + p + " received twice");
        }
        counters.inc(Counter.VALUES_RECEIVED);
        step();
    }

    private void closer(long s) {
        RandomGenerator r = Diag.rng(s);
        int k = chans.size();
        int[] order = new int[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        for (int i = k - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int x = order[i];
            order[i] = order[j];
            order[j] = x;
        }
        boolean[] done = {false};
        for (int i : order) {
            if (!done[0]) {
                Timer t = Timer.newTimer(Duration.ofMillis(5 + r.nextInt(200)));
                Select.builder()
                        .recv(producersDone, x -> done[0] = true)
                        .recv(t.c(), x -> { })
                        .run();
                t.stop();
            }
            closing.set(i, 1);
            chans.get(i).close();
            counters.inc(Counter.CHANNELS_CLOSED);
            step();
            if (r.nextInt(8) == 0) {
                try {
                    chans.get(i).close();
                    fail("closing channel " + i + " twice did not throw");
                } catch (ChanClosedException expected) {
                    // Go: close of closed channel
                }
            }
        }
    }

    @Override
    void verify() {
        for (int p = 0; p < producers; p++) {
            int n = sent.get(p);
            int missing = 0;
            int extra = 0;
            for (int seq = 0; seq < quota[p]; seq++) {
                boolean got = (received[p].get(seq >>> 6) & (1L << seq)) != 0;
                if (seq < n && !got) {
                    missing++;
                } else if (seq >= n && got) {
                    extra++;
                }
            }
            if (missing != 0 || extra != 0) {
                fail("producer " + p + " sent " + n + " values: " + missing + " never received, " + extra
                        + " received but never sent (channels " + chans + ")");
            }
        }
    }

    @Override
    String state() {
        StringBuilder sb = new StringBuilder("producers left ").append(producersLeft.get()).append(", channels");
        for (int i = 0; i < chans.size(); i++) {
            sb.append(' ').append(chans.get(i)).append(closing.get(i) == 1 ? "(closed)" : "");
        }
        return sb.toString();
    }
}
