package io.gmp4j.runtime;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Chan's lock-free fast paths ({@link Chan#trySend}, {@link Chan#tryRecv}: an unlocked read
 * of full/empty, then of {@code closed}) and Select's claim, raced against close, against
 * each other, and against a second waker. Twelve scenarios in one jcstress test, since a test
 * costs about 45 s of {@code ./gmp4j stress quick} on 2 CPUs whatever it does: each sample
 * (each new state) draws one scenario at random, and the actors run only that scenario's
 * operations, so every sample is one clean two-thread race.
 *
 * <p>Result: {@code r1} = scenario, {@code r2..r4} = what the scenario observed (below).
 * Codes: a value received is itself (values are 1 and 2); {@code tryRecv} null is 0;
 * {@code trySend} is 1 (true), 0 (false) or -1 ({@link ChanClosedException}); a select with
 * {@code orElse} is the value, 0 (not ready: orElse ran) or -1 (closed and drained).
 * "A parked receiver/sender/select" is a sudog already queued on the channel when the sample
 * starts ({@link ParkedWaiters}); its outcome is the value it got, 0 if woken by close, -2 if
 * never woken.
 *
 * <pre>
 *  #  channel                 actor1              actor2              r2, r3, r4
 *  0  cap 1, empty            send(1); close()    select recv/orElse  select, len, 0
 *  1  cap 1, empty            send(1); close()    tryRecv()           tryRecv, len, 0
 *  2  cap 1, holds 1          close()             select recv/orElse  select, len, 0
 *  3  cap 1, holds 1          close()             tryRecv()           tryRecv, len, 0
 *  4  cap 1, empty            trySend(1)          close()             trySend, tryRecv, tryRecv (after both)
 *  5  cap 1, holds 1          trySend(2)          close()             trySend, tryRecv, tryRecv (after both)
 *  6  unbuffered, parked rcv  trySend(1)          close()             trySend, receiver, receiver still queued
 *  7  cap 1, empty            trySend(1)          tryRecv()           trySend, tryRecv, len
 *  8  cap 1, holds 1          trySend(2)          tryRecv()           trySend, tryRecv, tryRecv (after both)
 *  9  unbuffered, parked snd  close()             tryRecv()           tryRecv, sender, sender still queued
 * 10  A, B unbuffered, select parked on recv A | recv B:
 *                             A.trySend(1)        B.trySend(2)        trySend A, trySend B, select (-3: a case left queued)
 * 11  unbuffered, select parked on recv:
 *                             cancel (claim, as an interrupted select does)
 *                                                 trySend(1)          cancelled, trySend, select (-3: left queued)
 * </pre>
 *
 * <p>What the forbidden results catch: 0 and 2, a select that reports closed-and-drained while
 * a value sent before close is still buffered (the {@code closed} read trusted without
 * re-checking emptiness); 1, 4, 7, a value lost or duplicated; 3 and 8, a {@code tryRecv}
 * coming back empty from a channel that was never empty; 6, a {@code trySend} that reports
 * "no receiver" on an unbuffered channel whose receiver waited until close — what Chan's fast
 * path gives if it reads {@code closed} before the receiver queue; 10 and 11, two parties
 * both winning one select (a lost value).
 */
@JCStressTest
@Description("Chan.trySend/tryRecv fast paths and Select's claim against close, each other and a second waker: "
        + "no value lost or duplicated, closed reported only when closed and drained.")
// 0: cap 1, send(1); close() vs select recv/orElse
@Outcome(id = "0, 1, 0, 0", expect = Expect.ACCEPTABLE, desc = "0: select took the value sent before close")
@Outcome(id = "0, 0, 1, 0", expect = Expect.ACCEPTABLE, desc = "0: select ran before the send: not ready; the value stays buffered")
@Outcome(id = "0, -1, 1, 0", expect = Expect.FORBIDDEN, desc = "0: select saw closed-and-drained while the value sent before close was buffered")
// 1: cap 1, send(1); close() vs tryRecv
@Outcome(id = "1, 1, 0, 0", expect = Expect.ACCEPTABLE, desc = "1: tryRecv took the value")
@Outcome(id = "1, 0, 1, 0", expect = Expect.ACCEPTABLE, desc = "1: tryRecv ran before the send (null); the value stays buffered")
@Outcome(id = "1, 0, 0, 0", expect = Expect.FORBIDDEN, desc = "1: the value sent before close was lost")
// 2: cap 1 holding 1, close() vs select recv/orElse
@Outcome(id = "2, 1, 0, 0", expect = Expect.ACCEPTABLE, desc = "2: select took the buffered value")
@Outcome(id = "2, -1, 1, 0", expect = Expect.FORBIDDEN, desc = "2: select saw closed-and-drained on a channel holding a value")
@Outcome(id = "2, 0, 1, 0", expect = Expect.FORBIDDEN, desc = "2: select saw not-ready on a channel that was never empty")
// 3: cap 1 holding 1, close() vs tryRecv
@Outcome(id = "3, 1, 0, 0", expect = Expect.ACCEPTABLE, desc = "3: tryRecv took the buffered value")
@Outcome(id = "3, 0, 1, 0", expect = Expect.FORBIDDEN, desc = "3: tryRecv returned null from a channel that was never empty")
// 4: cap 1, trySend(1) vs close()
@Outcome(id = "4, 1, 1, 0", expect = Expect.ACCEPTABLE, desc = "4: sent before close; still received after close, then drained")
@Outcome(id = "4, -1, 0, 0", expect = Expect.ACCEPTABLE, desc = "4: closed first: trySend threw")
@Outcome(id = "4, 1, 0, 0", expect = Expect.FORBIDDEN, desc = "4: trySend returned true but the value is gone")
@Outcome(id = "4, 0, 0, 0", expect = Expect.FORBIDDEN, desc = "4: trySend returned false on an open empty cap-1 channel")
// 5: cap 1 holding 1, trySend(2) vs close()
@Outcome(id = "5, 0, 1, 0", expect = Expect.ACCEPTABLE, desc = "5: full and open: trySend false (fast path)")
@Outcome(id = "5, -1, 1, 0", expect = Expect.ACCEPTABLE, desc = "5: closed first: trySend threw; the buffered value survives close")
// 6: unbuffered with a parked receiver, trySend(1) vs close()
@Outcome(id = "6, 1, 1, 0", expect = Expect.ACCEPTABLE, desc = "6: handed to the parked receiver before close")
@Outcome(id = "6, -1, 0, 0", expect = Expect.ACCEPTABLE, desc = "6: closed first: receiver woken with null, trySend threw")
@Outcome(id = "6, 0, 0, 0", expect = Expect.FORBIDDEN, desc = "6: trySend saw open-and-no-receiver, but a receiver waited until close "
        + "(closed read before the receiver-queue read)")
// 7: cap 1, trySend(1) vs tryRecv
@Outcome(id = "7, 1, 1, 0", expect = Expect.ACCEPTABLE, desc = "7: send, then tryRecv took it")
@Outcome(id = "7, 1, 0, 1", expect = Expect.ACCEPTABLE, desc = "7: tryRecv first (null), the value stays buffered")
@Outcome(id = "7, 1, 0, 0", expect = Expect.FORBIDDEN, desc = "7: the value was lost")
@Outcome(id = "7, 1, 1, 1", expect = Expect.FORBIDDEN, desc = "7: the value was duplicated")
@Outcome(id = "7, 0, 0, 0", expect = Expect.FORBIDDEN, desc = "7: trySend returned false on an open empty cap-1 channel")
// 8: cap 1 holding 1, trySend(2) vs tryRecv
@Outcome(id = "8, 0, 1, 0", expect = Expect.ACCEPTABLE, desc = "8: trySend first: full, false; tryRecv took 1")
@Outcome(id = "8, 1, 1, 2", expect = Expect.ACCEPTABLE, desc = "8: tryRecv took 1, then trySend buffered 2")
@Outcome(id = "8, .*, 0, .*", expect = Expect.FORBIDDEN, desc = "8: tryRecv returned null from a channel that was never empty")
// 9: unbuffered with a parked sender of 1, close() vs tryRecv
@Outcome(id = "9, 1, 1, 0", expect = Expect.ACCEPTABLE, desc = "9: tryRecv took the parked sender's value before close")
@Outcome(id = "9, 0, 0, 0", expect = Expect.ACCEPTABLE, desc = "9: closed first: sender woken to throw, tryRecv saw closed-and-drained")
@Outcome(id = "9, 0, 1, 0", expect = Expect.FORBIDDEN, desc = "9: the sender's value was taken but nobody received it")
// 10: select parked on recv A | recv B, A.trySend(1) vs B.trySend(2)
@Outcome(id = "10, 1, 0, 1", expect = Expect.ACCEPTABLE, desc = "10: A's sender won the select; B's found only a claimed case: false")
@Outcome(id = "10, 0, 1, 2", expect = Expect.ACCEPTABLE, desc = "10: B's sender won the select; A's found only a claimed case: false")
@Outcome(id = "10, 1, 1, .*", expect = Expect.FORBIDDEN, desc = "10: both senders completed the same select: a value is lost")
// 11: select parked on recv, cancel vs trySend(1)
@Outcome(id = "11, 1, 0, -2", expect = Expect.ACCEPTABLE, desc = "11: cancelled first; the sender found only a claimed case: false")
@Outcome(id = "11, 0, 1, 1", expect = Expect.ACCEPTABLE, desc = "11: the sender won; the cancel failed and the select returns 1")
@Outcome(id = "11, 1, 1, .*", expect = Expect.FORBIDDEN, desc = "11: cancelled and sent both: the value is lost")
@Outcome(expect = Expect.FORBIDDEN, desc = "anything else")
@State
public class ChanFastPathTest {
    static final int SEND_CLOSE_VS_SELECT = 0;
    static final int SEND_CLOSE_VS_TRYRECV = 1;
    static final int CLOSE_VS_SELECT_FULL = 2;
    static final int CLOSE_VS_TRYRECV_FULL = 3;
    static final int TRYSEND_VS_CLOSE = 4;
    static final int TRYSEND_FULL_VS_CLOSE = 5;
    static final int TRYSEND_TO_RECEIVER_VS_CLOSE = 6;
    static final int TRYSEND_VS_TRYRECV = 7;
    static final int TRYSEND_VS_TRYRECV_FULL = 8;
    static final int CLOSE_VS_TRYRECV_FROM_SENDER = 9;
    static final int SELECT_TWO_WAKERS = 10;
    static final int SELECT_CANCEL_VS_WAKER = 11;
    static final int SCENARIOS = 12;

    static final int NOT_READY = 0;
    static final int CLOSED = -1;
    /** r4 when a parked select's case is still queued after both wakers ran. */
    static final int LEFT_QUEUED = -3;

    final int kind;
    final Chan<Integer> a;
    final Chan<Integer> b;
    /** The parked receiver or sender (6, 9). */
    final Sudog waiter;
    /** The parked select's sudogs by case (10, 11). */
    final Sudog[] select;
    int x1;
    int x2;

    public ChanFastPathTest() {
        kind = ThreadLocalRandom.current().nextInt(SCENARIOS);
        Sudog w = null;
        Sudog[] sel = null;
        Chan<Integer> other = null;
        switch (kind) {
            case TRYSEND_TO_RECEIVER_VS_CLOSE -> {
                a = Chan.make();
                w = ParkedWaiters.receiver(a);
            }
            case CLOSE_VS_TRYRECV_FROM_SENDER -> {
                a = Chan.make();
                w = ParkedWaiters.sender(a, 1);
            }
            case SELECT_TWO_WAKERS -> {
                a = Chan.make();
                other = Chan.make(); // made after a: lock order a, b
                sel = ParkedWaiters.selectRecv(a, other);
            }
            case SELECT_CANCEL_VS_WAKER -> {
                a = Chan.make();
                sel = ParkedWaiters.selectRecv(a);
            }
            case CLOSE_VS_SELECT_FULL, CLOSE_VS_TRYRECV_FULL, TRYSEND_FULL_VS_CLOSE, TRYSEND_VS_TRYRECV_FULL -> {
                a = Chan.make(1);
                a.send(1);
            }
            default -> a = Chan.make(1);
        }
        b = other;
        waiter = w;
        select = sel;
    }

    @Actor
    public void actor1() {
        switch (kind) {
            case SEND_CLOSE_VS_SELECT, SEND_CLOSE_VS_TRYRECV -> {
                a.send(1);
                a.close();
            }
            case CLOSE_VS_SELECT_FULL, CLOSE_VS_TRYRECV_FULL, CLOSE_VS_TRYRECV_FROM_SENDER -> a.close();
            case TRYSEND_FULL_VS_CLOSE, TRYSEND_VS_TRYRECV_FULL -> x1 = trySend(a, 2);
            case SELECT_CANCEL_VS_WAKER -> x1 = select[0].claim() ? 1 : 0; // Select's interrupt path
            default -> x1 = trySend(a, 1); // 4, 6, 7, 10
        }
    }

    @Actor
    public void actor2() {
        switch (kind) {
            case SEND_CLOSE_VS_SELECT, CLOSE_VS_SELECT_FULL -> Select.builder()
                    .recv(a, v -> x2 = v == null ? CLOSED : v)
                    .orElse(() -> x2 = NOT_READY)
                    .run();
            case TRYSEND_VS_CLOSE, TRYSEND_FULL_VS_CLOSE, TRYSEND_TO_RECEIVER_VS_CLOSE -> a.close();
            case SELECT_TWO_WAKERS -> x2 = trySend(b, 2);
            case SELECT_CANCEL_VS_WAKER -> x2 = trySend(a, 1);
            default -> x2 = tryRecv(a); // 1, 3, 7, 8, 9
        }
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = kind;
        switch (kind) {
            case SEND_CLOSE_VS_SELECT, SEND_CLOSE_VS_TRYRECV, CLOSE_VS_SELECT_FULL, CLOSE_VS_TRYRECV_FULL -> {
                r.r2 = x2;
                r.r3 = a.len();
            }
            case TRYSEND_VS_CLOSE, TRYSEND_FULL_VS_CLOSE -> {
                r.r2 = x1;
                r.r3 = tryRecv(a);
                r.r4 = tryRecv(a);
            }
            case TRYSEND_TO_RECEIVER_VS_CLOSE -> {
                r.r2 = x1;
                r.r3 = ParkedWaiters.outcome(waiter);
                r.r4 = ParkedWaiters.stillQueued(waiter) ? 1 : 0;
            }
            case TRYSEND_VS_TRYRECV -> {
                r.r2 = x1;
                r.r3 = x2;
                r.r4 = a.len();
            }
            case TRYSEND_VS_TRYRECV_FULL -> {
                r.r2 = x1;
                r.r3 = x2;
                r.r4 = tryRecv(a);
            }
            case CLOSE_VS_TRYRECV_FROM_SENDER -> {
                r.r2 = x2;
                r.r3 = ParkedWaiters.outcome(waiter);
                r.r4 = ParkedWaiters.stillQueued(waiter) ? 1 : 0;
            }
            case SELECT_TWO_WAKERS, SELECT_CANCEL_VS_WAKER -> {
                r.r2 = x1;
                r.r3 = x2;
                r.r4 = ParkedWaiters.stillQueued(select) ? LEFT_QUEUED : ParkedWaiters.outcome(select[0]);
            }
            default -> throw new IllegalStateException("scenario " + kind);
        }
    }

    /** 1 = sent, 0 = not ready, -1 = closed. */
    static int trySend(Chan<Integer> c, int v) {
        try {
            return c.trySend(v) ? 1 : 0;
        } catch (ChanClosedException e) {
            return CLOSED;
        }
    }

    /** The value, or 0 for null. */
    static int tryRecv(Chan<Integer> c) {
        Integer v = c.tryRecv();
        return v == null ? 0 : v;
    }
}
