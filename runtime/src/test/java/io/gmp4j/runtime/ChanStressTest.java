package io.gmp4j.runtime;

import io.gmp4j.runtime.Blocking.Scope;
import io.gmp4j.runtime.Blocking.Task;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.gmp4j.runtime.Blocking.scope;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Conservation under contention: 4 senders and 4 receivers move 1,000,000 distinct values
 * through a channel (unbuffered, and buffered with capacity 64), mixing plain operations with
 * selects over a second channel and over cancel channels. Half of the receivers are cancelled
 * part way (a goroutine closes their {@code stop} channel); the others must drain the rest.
 * Every value must be received exactly once.
 */
@Timeout(value = 60, unit = SECONDS)
class ChanStressTest {
    private static final int TOTAL = 1_000_000;
    private static final int SENDERS = 4;
    private static final long RESULT_WAIT_SECONDS = 45;

    /** What one receiver got. */
    private static final class Tally {
        final BitSet seen = new BitSet(TOTAL);
        long count;
        long duplicates;
        String exit = "running";

        void record(Long v, AtomicLong received, long threshold, Chan<Boolean> trigger) {
            int i = Math.toIntExact(v);
            if (seen.get(i)) {
                duplicates++;
            }
            seen.set(i);
            count++;
            if (received.incrementAndGet() == threshold) {
                trigger.trySend(true);
            }
        }
    }

    @ParameterizedTest(name = "capacity {0}, scheduler {1}")
    @CsvSource({"0, gmp", "64, gmp", "0, fifo", "64, jdk"})
    void everyValueIsReceivedExactlyOnceWithSelectsAndCancelledReceivers(int capacity, String scheduler)
            throws Exception {
        try (Scope s = scope(scheduler)) {
            Chan<Long> ch = Chan.make(capacity);
            Chan<Long> side = Chan.make(capacity);
            Chan<Boolean> done = Chan.make();   // senders' cancel channel: must never fire
            Chan<Boolean> stop = Chan.make();   // receivers 0 and 1's cancel channel, closed part way
            Chan<Boolean> trigger = Chan.make(1);
            AtomicLong received = new AtomicLong();
            long threshold = TOTAL / 4;

            // ---- senders: sender i sends i, i + 4, i + 8, ...
            List<Task<Long>> senders = new ArrayList<>();
            // 0: plain sends; half way it waits (plain receive) until the receivers' stop
            // channel is closed, so values are certainly sent after the cancellation.
            senders.add(s.call(() -> {
                long sent = 0;
                for (long v = 0; v < TOTAL; v += SENDERS) {
                    if (v == TOTAL / 2) {
                        assertNull(stop.recv(), "stop carries no values; it is only closed");
                    }
                    ch.send(v);
                    sent++;
                }
                return sent;
            }));
            // 1: select between the main and the side channel.
            senders.add(s.call(() -> {
                long sent = 0;
                for (long v = 1; v < TOTAL; v += SENDERS) {
                    Select.builder().send(ch, v, () -> {}).send(side, v, () -> {}).run();
                    sent++;
                }
                return sent;
            }));
            // 2: select between the main channel and the cancel channel.
            senders.add(s.call(() -> {
                long sent = 0;
                boolean[] cancelled = {false};
                for (long v = 2; v < TOTAL && !cancelled[0]; v += SENDERS) {
                    if (Select.builder().send(ch, v, () -> {}).recv(done, x -> cancelled[0] = true).run() == 0) {
                        sent++;
                    }
                }
                return sent;
            }));
            // 3: select over side, main and cancel.
            senders.add(s.call(() -> {
                long sent = 0;
                boolean[] cancelled = {false};
                for (long v = 3; v < TOTAL && !cancelled[0]; v += SENDERS) {
                    if (Select.builder().recv(done, x -> cancelled[0] = true)
                            .send(side, v, () -> {}).send(ch, v, () -> {}).run() != 0) {
                        sent++;
                    }
                }
                return sent;
            }));

            // ---- receivers
            List<Tally> tallies = new ArrayList<>();
            List<Task<Tally>> receivers = new ArrayList<>();
            // 0 and 1: select over main, side and stop; they leave when stop closes.
            for (int r = 0; r < 2; r++) {
                Tally t = new Tally();
                tallies.add(t);
                receivers.add(s.call(() -> {
                    List<Chan<Long>> in = new ArrayList<>(List.of(ch, side)); // a closed one becomes null
                    boolean[] stopped = {false};
                    while (!stopped[0]) {
                        Select.builder()
                                .recv(in.get(0), v -> {
                                    if (v == null) {
                                        in.set(0, null);
                                    } else {
                                        t.record(v, received, threshold, trigger);
                                    }
                                })
                                .recv(stop, x -> stopped[0] = true)
                                .recv(in.get(1), v -> {
                                    if (v == null) {
                                        in.set(1, null);
                                    } else {
                                        t.record(v, received, threshold, trigger);
                                    }
                                })
                                .run();
                    }
                    t.exit = "stop";
                    return t;
                }));
            }
            // 2: select over main and side until both are closed (a closed one becomes a null case).
            Tally t2 = new Tally();
            tallies.add(t2);
            receivers.add(s.call(() -> {
                List<Chan<Long>> in = new ArrayList<>(List.of(ch, side)); // a closed one becomes null
                while (in.get(0) != null || in.get(1) != null) {
                    Select.builder()
                            .recv(in.get(1), v -> {
                                if (v == null) {
                                    in.set(1, null);
                                } else {
                                    t2.record(v, received, threshold, trigger);
                                }
                            })
                            .recv(in.get(0), v -> {
                                if (v == null) {
                                    in.set(0, null);
                                } else {
                                    t2.record(v, received, threshold, trigger);
                                }
                            })
                            .run();
                }
                t2.exit = "closed";
                return t2;
            }));
            // 3: plain receives (range) over the main channel.
            Tally t3 = new Tally();
            tallies.add(t3);
            receivers.add(s.call(() -> {
                for (Long v : ch) {
                    t3.record(v, received, threshold, trigger);
                }
                t3.exit = "closed";
                return t3;
            }));

            // ---- the canceller: closes stop once a quarter of the values were received.
            Task<Long> canceller = s.call(() -> {
                assertTrue(trigger.recv());
                long at = received.get();
                stop.close();
                return at;
            });

            // ---- wait for the senders, then close the channels so that receivers 2 and 3 end.
            long sent = 0;
            try {
                for (Task<Long> t : senders) {
                    sent += t.get(RESULT_WAIT_SECONDS);
                }
            } finally {
                done.close(); // cancels the selecting senders if something went wrong
            }
            assertEquals(TOTAL, sent, "values sent (the done channel must never have fired)");
            ch.close();
            side.close();

            long receivedAtStop = canceller.get(RESULT_WAIT_SECONDS);
            for (Task<Tally> r : receivers) {
                r.get(RESULT_WAIT_SECONDS);
            }

            // ---- conservation: every value exactly once.
            BitSet union = new BitSet(TOTAL);
            long count = 0;
            for (int r = 0; r < tallies.size(); r++) {
                Tally t = tallies.get(r);
                assertEquals(0, t.duplicates, "receiver " + r + " got values twice");
                assertFalse(union.intersects(t.seen), "receiver " + r + " got a value another receiver also got");
                union.or(t.seen);
                count += t.count;
            }
            assertEquals(TOTAL, count, "values received, summed over receivers " + describe(tallies));
            assertEquals(TOTAL, union.cardinality(), "distinct values received");
            assertEquals(TOTAL, received.get());

            // ---- the cancellation really happened part way, and the others drained the rest.
            assertTrue(receivedAtStop >= threshold && receivedAtStop < TOTAL,
                    "stop closed after " + receivedAtStop + " values");
            assertEquals("stop", tallies.get(0).exit);
            assertEquals("stop", tallies.get(1).exit);
            assertTrue(t2.count + t3.count > 0, "receivers 2 and 3 drained what was left: " + describe(tallies));
            assertNull(ch.tryRecv());
            assertNull(side.tryRecv());
        }
    }

    private static String describe(List<Tally> tallies) {
        StringBuilder sb = new StringBuilder("[");
        for (Tally t : tallies) {
            sb.append(t.count).append(' ').append(t.exit).append("; ");
        }
        return sb.append(']').toString();
    }
}
