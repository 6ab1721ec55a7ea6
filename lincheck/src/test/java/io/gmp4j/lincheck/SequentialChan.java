package io.gmp4j.lincheck;

import io.gmp4j.runtime.ChanClosedException;

import java.util.ArrayDeque;

/**
 * The sequential specification of a Go channel of {@code Integer}s that the Lincheck tests hold
 * {@link io.gmp4j.runtime.Chan} to: a bounded FIFO plus a closed flag, with Go's rules — send on
 * a closed channel and closing twice throw {@link ChanClosedException} (Go panics); a receive on
 * a closed channel takes what is still buffered, then returns {@code null} at once (Go's
 * {@code ok == false}); {@code len} is the number buffered.
 *
 * <p>A blocking operation is linearized where it completes. Where the real operation would have
 * to wait, the model throws {@link WouldBlock}, a result no real operation ever produces, so the
 * verifier only accepts orders that put the operation after whatever released it (a receive
 * after the send it got, a send after the receive that made room, either after a close).
 *
 * <p>Unbuffered ({@code cap == 0}): a rendezvous is linearized as the send immediately followed
 * by the receive that takes its value. Between the two the value sits in {@link #handoff}, and
 * while it does every operation other than {@code recv} "would block", so nothing can be ordered
 * between the two halves. A non-blocking {@code trySend} on an unbuffered channel succeeds only
 * when a receiver is already waiting — a state the sequential model cannot see — so the model
 * answers {@code false} (nobody waits) and the tests use {@code trySend} on unbuffered channels
 * only in scenarios without blocking receivers.
 */
public class SequentialChan {
    /** The model's answer where the real operation would wait at this point. */
    static final class WouldBlock extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WouldBlock() {
            super("would block", null, false, false);
        }
    }

    private final int cap;
    private final ArrayDeque<Integer> buf = new ArrayDeque<>();
    private boolean closed;
    /** Unbuffered only: the value of a send whose receive has not been linearized yet. */
    private Integer handoff;

    SequentialChan(int cap) {
        this.cap = cap;
    }

    /** Go's {@code c <- v}. */
    public void send(int v) {
        requireNoHandoff();
        if (closed) {
            throw new ChanClosedException("send on closed channel");
        }
        if (cap == 0) {
            handoff = v;
        } else if (buf.size() == cap) {
            throw new WouldBlock();
        } else {
            buf.addLast(v);
        }
    }

    /** Go's {@code v, ok := <-c}: null for {@code ok == false}. */
    public Integer recv() {
        if (handoff != null) {
            Integer v = handoff;
            handoff = null;
            return v;
        }
        if (!buf.isEmpty()) {
            return buf.pollFirst();
        }
        if (closed) {
            return null;
        }
        throw new WouldBlock();
    }

    /** Go's {@code select { case c <- v: default: }}. */
    public boolean trySend(int v) {
        requireNoHandoff();
        if (closed) {
            throw new ChanClosedException("send on closed channel");
        }
        if (buf.size() == cap) {
            return false; // full; for cap 0: no receiver waits (see the class comment)
        }
        buf.addLast(v);
        return true;
    }

    /** Go's {@code select { case v := <-c: default: }}: null when nothing is ready or closed and drained. */
    public Integer tryRecv() {
        requireNoHandoff();
        return buf.pollFirst();
    }

    /** Go's {@code close(c)}. */
    public void close() {
        requireNoHandoff();
        if (closed) {
            throw new ChanClosedException("close of closed channel");
        }
        closed = true;
    }

    /** Go's {@code len(c)}. */
    public int len() {
        requireNoHandoff();
        return buf.size();
    }

    private void requireNoHandoff() {
        if (handoff != null) {
            throw new WouldBlock(); // only the receive of the rendezvous may come next
        }
    }

    /** The specification of {@code make(chan int)}. */
    public static final class Unbuffered extends SequentialChan {
        public Unbuffered() {
            super(0);
        }
    }

    /** The specification of {@code make(chan int, 2)}. */
    public static final class Buffered extends SequentialChan {
        public Buffered() {
            super(BufferedChanLincheckTest.CAPACITY);
        }
    }
}
