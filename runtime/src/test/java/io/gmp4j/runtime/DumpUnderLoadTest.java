package io.gmp4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Goroutine dumps taken while goroutines run: {@code Thread.getStackTrace()} on a runnable but
 * unmounted virtual thread makes the JDK submit its continuation a second time, which must not
 * corrupt a run queue or lose a goroutine.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DumpUnderLoadTest {

    @Test
    void dumpingContinuouslyWhileGoroutinesPingPongLosesNothing() throws Exception {
        int pairs = 8;
        int rounds = 20_000;
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            CountDownLatch done = new CountDownLatch(pairs);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger dumps = new AtomicInteger();
            Thread dumper = Thread.ofPlatform().start(() -> {
                StringBuilder sb = new StringBuilder();
                while (!stop.get()) {
                    sb.setLength(0);
                    rt.dumpGoroutines(sb);
                    dumps.incrementAndGet();
                }
            });
            try {
                for (int p = 0; p < pairs; p++) {
                    Chan<Integer> ping = Chan.make();
                    Chan<Integer> pong = Chan.make();
                    rt.go(() -> {
                        for (int i = 0; i < rounds; i++) {
                            pong.send(ping.recv() + 1);
                        }
                    });
                    rt.go(() -> {
                        for (int i = 0; i < rounds; i++) {
                            ping.send(i);
                            pong.recv();
                        }
                        done.countDown();
                    });
                }
                assertTrue(done.await(90, TimeUnit.SECONDS), "pairs left: " + done.getCount() + ", dumps: "
                        + dumps.get() + ", " + rt.stats());
            } finally {
                stop.set(true);
                dumper.join();
            }
            assertTrue(dumps.get() > 10, "dumps taken: " + dumps.get());
        }
    }
}
