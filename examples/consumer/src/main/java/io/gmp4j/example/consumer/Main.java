package io.gmp4j.example.consumer;

import io.gmp4j.netpoll.Conn;
import io.gmp4j.netpoll.Listener;
import io.gmp4j.netpoll.Net;
import io.gmp4j.patterns.ErrGroup;
import io.gmp4j.patterns.WorkerPool;
import io.gmp4j.runtime.GoRuntime;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static io.gmp4j.runtime.Go.go;

/**
 * Uses the three gmp4j libraries an application codes against: a {@link GoRuntime} runs the
 * program as its main goroutine; a {@link WorkerPool} (gmp4j-patterns) squares 1..100; an echo
 * server and a client ({@link Net#listen} and {@link Net#dial} on 127.0.0.1, gmp4j-netpoll) run
 * as two goroutines of an {@link ErrGroup}. Prints {@code consumer: ok} last when every check
 * holds, and exits with status 1 otherwise.
 */
public final class Main {
    private Main() {}

    /**
     * Runs the checks.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        String message = "hello from a gmp4j consumer";
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            System.out.println("runtime: " + rt + ", scheduler " + rt.schedulerName()
                    + ", monitor " + rt.monitorName().orElse("none") + ", "
                    + (Main.class.getModule().isNamed() ? "module path" : "class path"));

            long sumOfSquares = rt.run(() -> {
                WorkerPool<Integer, Integer> pool = WorkerPool.start(4, 16, (ctx, n) -> n * n);
                go(() -> {
                    for (int i = 1; i <= 100; i++) pool.submit(i);
                    pool.shutdown();
                });
                long total = 0;
                for (WorkerPool.Outcome<Integer, Integer> o : pool.results()) {
                    if (o.failed()) throw new IllegalStateException("job " + o.input() + " failed", o.error());
                    total += o.value();
                }
                return total;
            });
            System.out.println("worker pool: sum of squares 1..100 = " + sumOfSquares);

            String echoed = rt.run(() -> {
                try (Listener ln = Net.listen(new InetSocketAddress("127.0.0.1", 0))) {
                    ErrGroup g = new ErrGroup();
                    g.go(() -> { // the server: echo one connection until the client stops writing
                        try (Conn c = ln.accept()) {
                            ByteBuffer buf = ByteBuffer.allocate(64);
                            while (c.read(buf.clear()) >= 0) {
                                buf.flip();
                                while (buf.hasRemaining()) c.write(buf);
                            }
                        }
                    });
                    ByteArrayOutputStream got = new ByteArrayOutputStream();
                    g.go(() -> { // the client
                        try (Conn c = Net.dial(ln.address(), Duration.ofSeconds(5))) {
                            c.setDeadline(Instant.now().plusSeconds(10));
                            ByteBuffer out = ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8));
                            while (out.hasRemaining()) c.write(out);
                            c.closeWrite();
                            ByteBuffer buf = ByteBuffer.allocate(64);
                            while (c.read(buf.clear()) >= 0) got.write(buf.array(), 0, buf.position());
                        }
                    });
                    g.await();
                    System.out.println("netpoll: echo server on " + Net.format(ln.address()) + ", network poller "
                            + (rt.pollerIfCreated().isPresent() ? "running" : "missing"));
                    return got.toString(StandardCharsets.UTF_8);
                }
            });
            System.out.println("netpoll: echoed '" + echoed + "'");

            boolean ok = sumOfSquares == 338_350 && echoed.equals(message)
                    && rt.monitorName().isPresent() && rt.pollerIfCreated().isPresent();
            if (!ok) {
                System.out.println("consumer: FAILED");
                System.exit(1);
            }
        }
        System.out.println("consumer: ok");
    }
}
