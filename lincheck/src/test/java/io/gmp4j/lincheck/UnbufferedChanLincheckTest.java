package io.gmp4j.lincheck;

import io.gmp4j.runtime.Chan;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static io.gmp4j.lincheck.Runs.scenario;
import static java.util.concurrent.TimeUnit.SECONDS;

/**
 * Linearizability of an unbuffered {@link Chan} ({@code make(chan int)}) against
 * {@link SequentialChan.Unbuffered}: the rendezvous, close, and the Java form of Go's panics.
 *
 * <p>What runs where, and why:
 * <ul>
 *   <li>Random scenarios use only {@code trySend}, {@code tryRecv}, {@code close} and
 *       {@code len}. Without a blocked partner these never succeed on an unbuffered channel, so
 *       they check close and its panics (send on closed, close of closed) and the lock-free fast
 *       paths racing with close — not the hand-over.</li>
 *   <li>The blocking {@code send}/{@code recv} run in hand-written scenarios in which every
 *       interleaving completes (each waiting operation has a partner, or a {@code close} releases
 *       it). Lincheck runs blocking Java operations only as long as they complete: one parked for
 *       good is reported as a hang, and only Kotlin suspend functions can be specified as
 *       "waiting" in a sequential model.</li>
 *   <li>Not tested here: {@code trySend}/{@code tryRecv} racing with a parked partner. Whether
 *       {@code trySend} succeeds then depends on whether the receiver has started waiting yet —
 *       state of an operation that has not completed, which a sequential specification of
 *       single-step operations cannot express (it would need Lincheck's suspension model).
 *       {@code SelectTest} and {@code ChanTest} in the runtime module and the jcstress
 *       {@code ChanFastPathTest} cover those paths.</li>
 * </ul>
 */
@Param(name = "v", gen = IntGen.class, conf = "1:4")
@Timeout(value = 120, unit = SECONDS)
public class UnbufferedChanLincheckTest {
    final Chan<Integer> c = Chan.make();

    /** The operations plus the blocking send and receive, for the hand-written scenarios only. */
    @Param(name = "v", gen = IntGen.class, conf = "1:4")
    public static class Blocking extends UnbufferedChanLincheckTest {
        @Operation(blocking = true)
        public void send(@Param(name = "v") int v) {
            c.send(v);
        }

        @Operation(blocking = true)
        public Integer recv() {
            return c.recv();
        }
    }

    @Operation
    public boolean trySend(@Param(name = "v") int v) {
        return c.trySend(v);
    }

    @Operation
    public Integer tryRecv() {
        return c.tryRecv();
    }

    @Operation
    public void close() {
        c.close();
    }

    @Operation
    public int len() {
        return c.len();
    }

    /** Scenarios with blocking operations in which every interleaving completes. */
    static List<ExecutionScenario> blockingScenarios() {
        Class<?> t = Blocking.class;
        return List.of(
                // Rendezvous, whichever side arrives first.
                scenario(t)
                        .thread("send", 1).then("send", 2)
                        .thread("recv").then("recv")
                        .post("tryRecv").build(),
                // Two senders, one receiver taking both: each value exactly once.
                scenario(t)
                        .thread("send", 1)
                        .thread("send", 2)
                        .thread("recv").then("recv")
                        .post("len").build(),
                // Close racing a rendezvous: either the value passes, or the sender throws and
                // the receiver gets null; a parked side is woken in both cases.
                scenario(t)
                        .thread("send", 1)
                        .thread("recv")
                        .thread("close")
                        .post("recv").build(),
                // Two parked receivers, one value, then close: one gets 1, the other null.
                scenario(t)
                        .thread("recv")
                        .thread("recv")
                        .thread("send", 1).then("close")
                        .post("tryRecv").build());
    }

    @Test
    void nonBlockingOperationsAreLinearizableUnderModelChecking() {
        Runs.modelChecking(3, 60)
                .sequentialSpecification(SequentialChan.Unbuffered.class)
                .check(UnbufferedChanLincheckTest.class);
    }

    @Test
    void nonBlockingOperationsAreLinearizableUnderStress() {
        Runs.stress(4, 200)
                .sequentialSpecification(SequentialChan.Unbuffered.class)
                .check(UnbufferedChanLincheckTest.class);
    }

    @Test
    void rendezvousAndCloseAreLinearizableUnderModelChecking() {
        Runs.modelCheckingOnly(blockingScenarios(), 100)
                .sequentialSpecification(SequentialChan.Unbuffered.class)
                .check(Blocking.class);
    }

    @Test
    void rendezvousAndCloseAreLinearizableUnderStress() {
        Runs.stressOnly(blockingScenarios(), 300)
                .sequentialSpecification(SequentialChan.Unbuffered.class)
                .check(Blocking.class);
    }
}
