package io.gmp4j.runtime;

import io.gmp4j.runtime.internal.GmpScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code PollerTarget.runAfterPark} (Go's gopark unlock function): on the gmp scheduler the
 * action runs on the goroutine's machine, a platform thread, after the goroutine has unmounted;
 * elsewhere the caller is told to run it itself.
 */
class RunAfterParkTest {

    @Test
    @Timeout(20)
    void theActionRunsOnThePlatformMachineAfterTheGoroutineParked() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(1).build()) {
            CompletableFuture<String> seen = new CompletableFuture<>();
            CompletableFuture<Boolean> accepted = new CompletableFuture<>();
            AtomicInteger runs = new AtomicInteger();
            rt.go(() -> {
                Thread self = Thread.currentThread();
                boolean ok = GmpScheduler.runAfterPark(() -> {
                    runs.incrementAndGet();
                    Thread t = Thread.currentThread();
                    // the goroutine has unmounted: it is parked, and we are its carrier
                    seen.complete(t.isVirtual() + " " + self.getState() + " " + t.getName().matches(".*-m\\d+"));
                    LockSupport.unpark(self);
                });
                while (!seen.isDone()) {
                    LockSupport.park(); // woken by the action (or spuriously: park again)
                }
                accepted.complete(ok);
            });
            assertTrue(accepted.get(10, TimeUnit.SECONDS));
            assertEquals("false WAITING true", seen.get(10, TimeUnit.SECONDS));
            assertEquals(1, runs.get());
        }
    }

    @Test
    @Timeout(20)
    void twoActionsLeftBeforeOneParkBothRun() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(1).build()) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            AtomicInteger first = new AtomicInteger();
            AtomicInteger second = new AtomicInteger();
            rt.go(() -> {
                Thread self = Thread.currentThread();
                GmpScheduler.runAfterPark(first::incrementAndGet);
                GmpScheduler.runAfterPark(() -> {
                    second.incrementAndGet();
                    LockSupport.unpark(self);
                });
                while (second.get() == 0) {
                    LockSupport.park();
                }
                done.complete(null);
            });
            done.get(10, TimeUnit.SECONDS);
            assertEquals(1, first.get());
            assertEquals(1, second.get());
        }
    }

    @Test
    @Timeout(20)
    void notAGmpGoroutineMeansRunItYourself() throws Exception {
        assertFalse(GmpScheduler.runAfterPark(() -> { }), "a platform thread has no machine to leave work to");
        try (GoRuntime rt = GoRuntime.builder().maxProcs(1).scheduler("jdk").build()) {
            CompletableFuture<Boolean> r = new CompletableFuture<>();
            rt.go(() -> r.complete(GmpScheduler.runAfterPark(() -> { })));
            assertFalse(r.get(10, TimeUnit.SECONDS), "a goroutine on the JDK's scheduler has no gmp machine");
        }
    }
}
