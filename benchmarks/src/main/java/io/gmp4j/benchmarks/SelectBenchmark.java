package io.gmp4j.benchmarks;

import com.softwaremill.jox.Channel;
import com.softwaremill.jox.SelectClause;
import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Select;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * A two-case receive select: two producers each send 50,000 items on their own channel (of
 * {@code capacity}; 0 = unbuffered), one consumer receives all 100,000 with
 * {@code select { case v := <-a: … case v := <-b: … }}. Score: time per received item.
 *
 * <p>Contenders ({@code impl}): gmp4j {@link Select} over {@code Chan}s on the {@code gmp}
 * and {@code jdk} schedulers, and jox's {@code Select.select(a.receiveClause(..),
 * b.receiveClause(..))} between plain virtual threads; all with 2 processors/carriers. Each
 * select is built once per invocation and run 100,000 times (both libraries allow reuse).
 * Note that jox's select is biased to the first ready clause, gmp4j's (like Go's) picks a
 * ready case at random.
 *
 * <p>The JDK-queue baseline of the other channel benchmarks ({@code queue}) is left out on
 * purpose: {@code java.util.concurrent} has no blocking select over several queues, and a
 * {@code poll} loop would measure spinning, not a select.
 *
 * <p>The consumer counts and sums per case; a wrong count or sum fails the run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Schedulers.OPENS})
public class SelectBenchmark {
    static final int PER_PRODUCER = 50_000;
    static final int MAX_PROCS = 2;

    @Param({Pipes.GMP, Pipes.JDK, Pipes.JOX})
    public String impl;

    @Param({"0", "16"})
    public int capacity;

    private Schedulers schedulers;
    private Long[] itemsA;
    private Long[] itemsB;
    private long expectedA;
    private long expectedB;
    private volatile Tally result;

    /** What the consumer saw, per case. */
    static final class Tally {
        long sumA;
        long sumB;
        int nA;
        int nB;

        void a(Long v) {
            sumA += v;
            nA++;
        }

        void b(Long v) {
            sumB += v;
            nB++;
        }
    }

    @Setup
    public void setup() {
        if (impl.equals(Pipes.QUEUE)) {
            throw new IllegalArgumentException("SelectBenchmark has no queue contender (no select over queues)");
        }
        schedulers = Pipes.schedulers(impl, MAX_PROCS);
        itemsA = new Long[PER_PRODUCER];
        itemsB = new Long[PER_PRODUCER];
        expectedA = 0;
        expectedB = 0;
        for (int i = 0; i < PER_PRODUCER; i++) {
            itemsA[i] = (long) i + 1;
            itemsB[i] = (long) (i + 1) * 1_000_003L;
            expectedA += itemsA[i];
            expectedB += itemsB[i];
        }
    }

    @TearDown
    public void tearDown() {
        schedulers.close();
    }

    @Benchmark
    @OperationsPerInvocation(2 * PER_PRODUCER)
    public long select() throws InterruptedException {
        Crew crew = new Crew(schedulers, "select on " + impl + " cap " + capacity);
        result = null;
        if (impl.equals(Pipes.JOX)) {
            runJox(crew);
        } else {
            runGmp4j(crew);
        }
        crew.join();
        Tally t = result;
        if (t == null || t.nA != PER_PRODUCER || t.nB != PER_PRODUCER || t.sumA != expectedA || t.sumB != expectedB) {
            throw new IllegalStateException("select on " + impl + " cap " + capacity + ": got "
                    + (t == null ? "nothing" : t.nA + " items summing to " + t.sumA + " from a, " + t.nB
                    + " summing to " + t.sumB + " from b") + "; expected " + PER_PRODUCER + " summing to "
                    + expectedA + " and " + expectedB);
        }
        return t.sumA + t.sumB;
    }

    private void runGmp4j(Crew crew) {
        Chan<Long> a = Chan.make(capacity);
        Chan<Long> b = Chan.make(capacity);
        Long[] ia = itemsA;
        Long[] ib = itemsB;
        crew.go(() -> {
            for (Long v : ia) {
                a.send(v);
            }
        });
        crew.go(() -> {
            for (Long v : ib) {
                b.send(v);
            }
        });
        crew.go(() -> {
            Tally t = new Tally();
            Select.Builder sel = Select.builder()
                    .recv(a, v -> t.a(v))
                    .recv(b, v -> t.b(v));
            for (int i = 0; i < 2 * PER_PRODUCER; i++) {
                sel.run();
            }
            result = t;
        });
    }

    private void runJox(Crew crew) {
        Channel<Long> a = capacity == 0 ? Channel.newRendezvousChannel() : Channel.newBufferedChannel(capacity);
        Channel<Long> b = capacity == 0 ? Channel.newRendezvousChannel() : Channel.newBufferedChannel(capacity);
        Long[] ia = itemsA;
        Long[] ib = itemsB;
        crew.go(() -> {
            try {
                for (Long v : ia) {
                    a.send(v);
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        crew.go(() -> {
            try {
                for (Long v : ib) {
                    b.send(v);
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        crew.go(() -> {
            Tally t = new Tally();
            SelectClause<Long> ca = a.receiveClause(v -> {
                t.a(v);
                return v;
            });
            SelectClause<Long> cb = b.receiveClause(v -> {
                t.b(v);
                return v;
            });
            try {
                for (int i = 0; i < 2 * PER_PRODUCER; i++) {
                    com.softwaremill.jox.Select.select(ca, cb);
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            result = t;
        });
    }
}
