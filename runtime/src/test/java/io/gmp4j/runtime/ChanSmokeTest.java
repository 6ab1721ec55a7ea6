package io.gmp4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

@Timeout(value = 60, unit = SECONDS)
class ChanSmokeTest {
    @Test
    void pingPongBetweenGoroutinesDeliversEveryValueInOrder() throws Exception {
        for (int cap : new int[] {0, 1, 16}) {
            try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
                Chan<Integer> ping = Chan.make(cap);
                Chan<Integer> pong = Chan.make(cap);
                CompletableFuture<Long> sum = new CompletableFuture<>();
                rt.go(() -> {
                    for (Integer v : ping) {
                        pong.send(v + 1);
                    }
                    pong.close();
                });
                rt.go(() -> {
                    long s = 0;
                    for (int i = 0; i < 100_000; i++) {
                        ping.send(i);
                        s += pong.recv();
                    }
                    ping.close();
                    assertNull(pong.recv());
                    sum.complete(s);
                });
                long n = 100_000;
                assertEquals(n * (n - 1) / 2 + n, sum.get(30, SECONDS), "cap " + cap);
            }
        }
    }

    @Test
    void selectMovesValuesBetweenTwoChannels() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            Chan<Integer> a = Chan.make();
            Chan<Integer> b = Chan.make();
            AtomicLong got = new AtomicLong();
            CompletableFuture<Long> done = new CompletableFuture<>();
            rt.go(() -> { for (int i = 1; i <= 10_000; i++) a.send(i); });
            rt.go(() -> { for (int i = 1; i <= 10_000; i++) b.send(i); });
            rt.go(() -> {
                for (int i = 0; i < 20_000; i++) {
                    Select.builder().recv(a, v -> got.addAndGet(v)).recv(b, v -> got.addAndGet(v)).run();
                }
                done.complete(got.get());
            });
            assertEquals(2L * 10_000 * 10_001 / 2, done.get(30, SECONDS));
        }
    }
}
