package io.gmp4j.runtime;

import io.gmp4j.tck.fixtures.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default rule for platform threads in the deadlock check
 * ({@link DeadlockHandler#mayWakeGoroutines}): a non-daemon platform thread that runs Java code
 * or waits with a timeout may still wake a goroutine; one that waits without a timeout, is
 * blocked, or is a daemon thread does not count.
 */
@Timeout(value = 60, unit = SECONDS)
class DeadlockWakersTest {
    /** How long a thread may take to reach the state a test waits for. */
    private static final Duration STEP = Duration.ofSeconds(10);

    @Test
    void aSleepingThreadMayWakeAGoroutine() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread t = start(false, () -> {
            while (release.getCount() > 0) {
                Thread.sleep(5); // the state under test: a thread in Thread.sleep
            }
        });
        try {
            Await.state(t, STEP, "the thread waits with a timeout", Thread.State.TIMED_WAITING);
            assertTrue(DeadlockHandler.mayWakeGoroutines(t));
        } finally {
            release.countDown();
            join(t);
        }
    }

    @Test
    void aThreadWaitingWithATimeoutMayWakeAGoroutine() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread t = start(false, () -> release.await(60, SECONDS));
        try {
            Await.state(t, STEP, "the thread waits with a timeout", Thread.State.TIMED_WAITING);
            assertTrue(DeadlockHandler.mayWakeGoroutines(t));
        } finally {
            release.countDown();
            join(t);
        }
    }

    @Test
    void aRunningThreadMayWakeAGoroutine() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch running = new CountDownLatch(1);
        Thread t = start(false, () -> {
            running.countDown();
            while (!stop.get()) {
                Thread.onSpinWait();
            }
        });
        try {
            assertTrue(running.await(10, SECONDS));
            assertTrue(DeadlockHandler.mayWakeGoroutines(t));
        } finally {
            stop.set(true);
            join(t);
        }
    }

    @Test
    void aThreadWaitingWithoutATimeoutCannotWakeAGoroutine() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread t = start(false, release::await);
        try {
            Await.state(t, STEP, "the thread waits without a timeout", Thread.State.WAITING);
            assertFalse(DeadlockHandler.mayWakeGoroutines(t));
        } finally {
            release.countDown();
            join(t);
        }
    }

    @Test
    void aThreadJoiningAGoroutineCannotWakeIt() throws Exception {
        Chan<Integer> never = Chan.make();
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            Thread g = rt.go(never::recv);
            Thread t = start(false, g::join);
            try {
                Await.state(t, STEP, "the thread waits without a timeout", Thread.State.WAITING);
                assertFalse(DeadlockHandler.mayWakeGoroutines(t));
            } finally {
                never.close();
                join(t);
            }
        }
    }

    @Test
    void aThreadInAChannelReceiveCannotWakeAGoroutine() throws Exception {
        Chan<Integer> ch = Chan.make();
        Thread t = start(false, ch::recv);
        try {
            Blocking.awaitBlocked(t, "chan receive");
            assertFalse(DeadlockHandler.mayWakeGoroutines(t));
        } finally {
            ch.close();
            join(t);
        }
    }

    @Test
    void aThreadBlockedOnAMonitorCannotWakeAGoroutine() throws Exception {
        Object lock = new Object();
        Thread t;
        synchronized (lock) {
            t = start(false, () -> {
                synchronized (lock) {
                    lock.notifyAll(); // something to do while holding it
                }
            });
            Await.state(t, STEP, "the thread is blocked on the monitor", Thread.State.BLOCKED);
            assertFalse(DeadlockHandler.mayWakeGoroutines(t));
        }
        join(t);
    }

    @Test
    void aDaemonThreadNeverCounts() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread t = start(true, () -> release.await(60, SECONDS));
        try {
            Await.state(t, STEP, "the thread waits with a timeout", Thread.State.TIMED_WAITING);
            assertFalse(DeadlockHandler.mayWakeGoroutines(t));
        } finally {
            release.countDown();
            join(t);
        }
    }

    @Test
    void theRuntimesOwnThreadsAreDaemonThreads() {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            rt.go(() -> {}); // machines start
            for (Thread t : Checkdead.platformThreads()) {
                if (t.getName().startsWith("gmp4j-")) {
                    assertTrue(t.isDaemon(), t + " is a runtime thread but not a daemon");
                }
            }
        }
    }

    @Test
    void platformThreadsListsThisThreadAndNoVirtualThread() throws Exception {
        Thread[] all = Checkdead.platformThreads();
        boolean self = false;
        for (Thread t : all) {
            assertFalse(t.isVirtual(), t.toString());
            self |= t == Thread.currentThread();
        }
        assertTrue(self, "the calling thread is not listed");
    }

    private interface Body {
        void run() throws Exception;
    }

    private static Thread start(boolean daemon, Body body) {
        return Thread.ofPlatform().daemon(daemon).start(() -> {
            try {
                body.run();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private static void join(Thread t) throws InterruptedException {
        assertTrue(t.join(Duration.ofSeconds(10)), t + " did not end");
    }
}
