package io.gmp4j.benchmarks;

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
 * Unbuffered round trip: goroutine A sends on {@code ping}, B receives it and sends it back
 * on {@code pong}, A receives it; 10,000 round trips per invocation. Score: time per round
 * trip (two rendezvous hand-offs). Go: {@code ping <- v; v = <-pong} against
 * {@code v := <-ping; pong <- v}.
 *
 * <p>Contenders ({@code impl}, see {@link Pipes}): gmp4j {@code Chan.make()} on the
 * {@code gmp} and {@code jdk} schedulers, {@code SynchronousQueue} and jox's rendezvous
 * channel between plain virtual threads, all with 2 processors/carriers. A checks that it gets
 * back the very object it sent; a mismatch or stall fails the run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Schedulers.OPENS})
public class ChanPingPongBenchmark {
    static final int ROUND_TRIPS = 10_000;
    @Param({Pipes.GMP, Pipes.JDK, Pipes.QUEUE, Pipes.JOX})
    public String impl;

    /** Processors (carriers for the JDK contenders); {@code -p maxProcs=1} shows the one-processor case. */
    @Param({"2"})
    public int maxProcs;

    private Schedulers schedulers;
    /** Distinct boxed tokens, so that a stale or duplicated value is noticed. */
    private final Integer[] tokens = new Integer[1024];
    private volatile long checked;

    @Setup
    public void setup() {
        schedulers = Pipes.schedulers(impl, maxProcs);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = Integer.valueOf(1_000_000 + i); // outside the Integer cache: distinct objects
        }
    }

    @TearDown
    public void tearDown() {
        schedulers.close();
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public long roundTrip() throws InterruptedException {
        Pipes.Pipe<Integer> ping = Pipes.make(impl, 0);
        Pipes.Pipe<Integer> pong = Pipes.make(impl, 0);
        Integer[] tk = tokens;
        Crew crew = new Crew(schedulers, "ping-pong on " + impl);
        checked = 0;
        crew.go(() -> {
            long ok = 0;
            for (int i = 0; i < ROUND_TRIPS; i++) {
                Integer sent = tk[i & (tk.length - 1)];
                ping.send(sent);
                Integer back = pong.recv();
                if (back != sent) {
                    throw new IllegalStateException("round trip " + i + ": sent " + sent + ", got back " + back);
                }
                ok++;
            }
            checked = ok;
        });
        crew.go(() -> {
            for (int i = 0; i < ROUND_TRIPS; i++) {
                Integer v = ping.recv();
                if (v == null) {
                    throw new IllegalStateException("ping closed at round trip " + i);
                }
                pong.send(v);
            }
        });
        crew.join();
        if (checked != ROUND_TRIPS) {
            throw new IllegalStateException("ping-pong on " + impl + ": " + checked + " of " + ROUND_TRIPS + " round trips checked");
        }
        return checked;
    }
}
