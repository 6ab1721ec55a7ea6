package io.gmp4j.runtime;

import io.gmp4j.tck.fixtures.EveryScheduler;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link GoRuntime#run}: Go's main goroutine, waited for, its result or failure returned. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RunTest {
    @EveryScheduler
    void returnsWhatTheGoroutineReturnedAfterItsChannelWork(String scheduler) {
        try (GoRuntime rt = GoRuntime.builder().scheduler(scheduler).maxProcs(2).build()) {
            long sum = rt.run(() -> {
                Chan<Integer> ch = Chan.make();
                Go.go(() -> {
                    for (int i = 1; i <= 100; i++) {
                        ch.send(i);
                    }
                    ch.close();
                });
                long s = 0;
                for (Integer v : ch) {
                    s += v;
                }
                return s;
            });
            assertEquals(5050, sum);
            assertTrue(rt.stats().goroutinesCreated() >= 2);
        }
    }

    @EveryScheduler(except = "fifo")
    void anUncheckedExceptionIsRethrownAsItIs(String scheduler) {
        IllegalStateException thrown = new IllegalStateException("boom");
        try (GoRuntime rt = GoRuntime.builder().scheduler(scheduler).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> rt.run(() -> {
                throw thrown;
            }));
            assertSame(thrown, e);
            assertTrue(e.getSuppressed().length == 1 && e.getSuppressed()[0].getMessage().contains("GoRuntime.run"),
                    "the suppressed exception shows where run was called");
        }
    }

    @EveryScheduler(except = "fifo")
    void aCheckedExceptionIsWrappedOnce(String scheduler) {
        IOException io = new IOException("disk gone");
        try (GoRuntime rt = GoRuntime.builder().scheduler(scheduler).build()) {
            GoroutineException e = assertThrows(GoroutineException.class, () -> rt.run(() -> {
                throw io;
            }));
            assertSame(io, e.getCause());
            assertTrue(e.getMessage().contains("disk gone"), e.getMessage());
        }
    }

    @EveryScheduler(except = "fifo")
    void anInterruptedCallerInterruptsTheGoroutineAndStillWaitsForIt(String scheduler) throws Exception {
        try (GoRuntime rt = GoRuntime.builder().scheduler(scheduler).build()) {
            CountDownLatch blocked = new CountDownLatch(1);
            AtomicReference<Object> outcome = new AtomicReference<>();
            AtomicReference<Boolean> flagAfter = new AtomicReference<>();
            Thread caller = Thread.ofPlatform().start(() -> {
                try {
                    outcome.set(rt.run(() -> {
                        Chan<Integer> never = Chan.make();
                        blocked.countDown();
                        try {
                            return never.recv();
                        } catch (GoInterruptedException e) {
                            return "interrupted";
                        }
                    }));
                } catch (Throwable t) {
                    outcome.set(t);
                }
                flagAfter.set(Thread.currentThread().isInterrupted());
            });
            assertTrue(blocked.await(10, TimeUnit.SECONDS));
            caller.interrupt();
            caller.join(TimeUnit.SECONDS.toMillis(20));
            assertEquals("interrupted", outcome.get());
            assertEquals(Boolean.TRUE, flagAfter.get(), "the caller's interrupt status is set again");
        }
    }

    @EveryScheduler(except = "fifo")
    void runFromAGoroutineOfTheSameRuntimeIsRefusedAndAClosedRuntimeRejects(String scheduler) {
        GoRuntime rt = GoRuntime.builder().scheduler(scheduler).build();
        try (rt) {
            Object got = rt.run(() -> {
                try {
                    return rt.run(() -> 1);
                } catch (IllegalStateException e) {
                    return e;
                }
            });
            assertInstanceOf(IllegalStateException.class, got);
        }
        assertThrows(RejectedExecutionException.class, () -> rt.run(() -> 1));
    }

    @EveryScheduler
    void goroutinesAreNamedLikeGoUnlessTurnedOff(String scheduler) {
        try (GoRuntime rt = GoRuntime.builder().scheduler(scheduler).build();
             GoRuntime unnamed = GoRuntime.builder().scheduler(scheduler).goroutineNames(false).build()) {
            String[] seen = rt.run(() -> new String[] {Thread.currentThread().getName(),
                    Long.toString(Thread.currentThread().threadId())});
            assertEquals("goroutine-" + seen[1], seen[0]);
            assertEquals("", unnamed.run(() -> Thread.currentThread().getName()));
        }
    }

    @EveryScheduler(except = "fifo")
    void syscallTakesAVoidCallThatMayThrowAnyThrowable(String scheduler) {
        class Odd extends Throwable {
            Odd() {
                super("not an Exception");
            }
        }
        try (GoRuntime rt = GoRuntime.builder().scheduler(scheduler).build()) {
            Object got = rt.run(() -> {
                int[] ran = {0};
                try {
                    Go.syscall(() -> {
                        ran[0]++; // a block body that completes normally: the void form
                    });
                    Go.syscall((Go.BlockingCall) () -> {
                        throw new Odd(); // a throw-only lambda fits Callable too: say which
                    });
                    return "nothing thrown";
                } catch (Odd e) {
                    return ran[0] + " " + e.getMessage();
                } catch (Throwable t) {
                    return t;
                }
            });
            assertEquals("1 not an Exception", got);
        }
    }
}
