package io.gmp4j.runtime;

import io.gmp4j.runtime.internal.JdkSchedulerProvider;
import io.gmp4j.runtime.spi.Scheduler;
import io.gmp4j.runtime.spi.SchedulerConfig;
import io.gmp4j.runtime.spi.SchedulerProvider;
import io.gmp4j.runtime.spi.SchedulerStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * close() stops the scheduler's threads without holding what a stopping thread needs: a machine
 * (or the timer thread) that fires a timer while it is being stopped asks the closed runtime for
 * a goroutine, is refused, and must be able to finish so that close's wait for it ends.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CloseStopsThreadsTest {
    @Test
    void aThreadRefusedAGoroutineWhileItIsBeingStoppedDoesNotHangClose() throws Exception {
        AtomicReference<GoRuntime> runtime = new AtomicReference<>();
        AtomicReference<Throwable> refusal = new AtomicReference<>();
        SchedulerProvider provider = new SchedulerProvider() {
            @Override
            public String name() {
                return "straggler";
            }

            @Override
            public Scheduler create(SchedulerConfig config) {
                Scheduler jdk = new JdkSchedulerProvider().create(config);
                return new Scheduler() {
                    private Thread straggler;

                    @Override
                    public Thread newThread(Runnable body) {
                        return jdk.newThread(body);
                    }

                    @Override
                    public SchedulerStats stats() {
                        return jdk.stats();
                    }

                    @Override
                    public void shutdown() {
                        jdk.shutdown();
                        // A machine firing a timer as it stops: its goroutine is refused.
                        straggler = Thread.ofPlatform().start(() -> {
                            try {
                                runtime.get().go(() -> {});
                            } catch (Throwable t) {
                                refusal.set(t);
                            }
                        });
                    }

                    @Override
                    public boolean awaitTermination(Duration timeout) throws InterruptedException {
                        return straggler.join(timeout) && jdk.awaitTermination(timeout);
                    }
                };
            }
        };
        GoRuntime rt = GoRuntime.builder().scheduler(provider).monitor(false).build();
        runtime.set(rt);
        rt.run(() -> 1);
        assertTrue(rt.close(Duration.ofSeconds(10)), "close waited for a thread that waited for close");
        assertInstanceOf(RejectedExecutionException.class, refusal.get());
    }
}
