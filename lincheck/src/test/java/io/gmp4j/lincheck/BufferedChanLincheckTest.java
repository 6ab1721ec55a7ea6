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
 * Linearizability of a buffered {@link Chan} ({@code make(chan int, 2)}) against
 * {@link SequentialChan}: Go's FIFO buffer, close, and the Java form of Go's panics.
 *
 * <p>Random scenarios use the non-blocking operations ({@code trySend}, {@code tryRecv},
 * {@code close}, {@code len}): Lincheck runs blocking Java operations only as long as they
 * complete — an operation parked for good is reported as a deadlock, and the sequential model
 * cannot express "waits forever" (Lincheck models waiting only for Kotlin suspend functions).
 * The blocking {@code send}/{@code recv} therefore run in hand-written scenarios in which every
 * interleaving completes (each waiting operation has a partner, or a {@code close} releases it):
 * a send parked on a full buffer and taken over by a receive (Go's recv-from-sender path that
 * keeps FIFO order), receives parked on an empty buffer, and close waking both kinds.
 */
@Param(name = "v", gen = IntGen.class, conf = "1:4")
@Timeout(value = 120, unit = SECONDS)
public class BufferedChanLincheckTest {
    static final int CAPACITY = 2;

    final Chan<Integer> c = Chan.make(CAPACITY);

    /** The operations plus the blocking send and receive, for the hand-written scenarios only. */
    @Param(name = "v", gen = IntGen.class, conf = "1:4")
    public static class Blocking extends BufferedChanLincheckTest {
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
                // A send parks on the full buffer; the receive takes the head and moves the
                // parked value to the tail: 1, 2, 3 in order.
                scenario(t).initial("send", 1).initial("send", 2)
                        .thread("send", 3)
                        .thread("recv").then("recv")
                        .post("recv").post("len").build(),
                // Two receivers park on the empty buffer; sends hand values over directly.
                scenario(t)
                        .thread("recv")
                        .thread("recv")
                        .thread("send", 1).then("trySend", 2).then("len")
                        .post("len").build(),
                // Close wakes a parked receiver (null) and a parked sender (throws); buffered
                // values are still received after the close.
                scenario(t).initial("send", 1).initial("send", 2)
                        .thread("send", 3)
                        .thread("close").then("len")
                        .post("recv").post("recv").post("recv").build(),
                scenario(t)
                        .thread("recv").then("recv")
                        .thread("send", 1).then("close")
                        .post("tryRecv").build());
    }

    @Test
    void nonBlockingOperationsAreLinearizableUnderModelChecking() {
        Runs.modelChecking(5, 100)
                .sequentialSpecification(SequentialChan.Buffered.class)
                .check(BufferedChanLincheckTest.class);
    }

    @Test
    void nonBlockingOperationsAreLinearizableUnderStress() {
        Runs.stress(6, 200)
                .sequentialSpecification(SequentialChan.Buffered.class)
                .check(BufferedChanLincheckTest.class);
    }

    @Test
    void blockingSendAndRecvAreLinearizableUnderModelChecking() {
        Runs.modelCheckingOnly(blockingScenarios(), 100)
                .sequentialSpecification(SequentialChan.Buffered.class)
                .check(Blocking.class);
    }

    @Test
    void blockingSendAndRecvAreLinearizableUnderStress() {
        Runs.stressOnly(blockingScenarios(), 300)
                .sequentialSpecification(SequentialChan.Buffered.class)
                .check(Blocking.class);
    }
}
