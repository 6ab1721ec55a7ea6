package io.gmp4j.runtime;

import io.gmp4j.tck.fixtures.Await;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The channel lock: a bounded spin, then a plain ReentrantLock wait. */
class ChanLockTest {

    @Test
    void aContenderOfALongHoldStopsSpinningAndParks() throws InterruptedException {
        ChanLock lock = new ChanLock();
        lock.lock();
        AtomicBoolean got = new AtomicBoolean();
        Thread contender = Thread.ofPlatform().start(() -> {
            lock.lock();
            got.set(true);
            lock.unlock();
        });
        try {
            // Spinning is bounded: the contender ends up parked in the ReentrantLock, not burning a CPU.
            Await.state(contender, Duration.ofSeconds(10), "the contender parks after its spin", Thread.State.WAITING);
            assertTrue(lock.hasQueuedThread(contender), "the contender waits in the lock's queue");
            assertFalse(got.get());
        } finally {
            lock.unlock();
        }
        assertTrue(contender.join(Duration.ofSeconds(10)), "the contender got the lock once it was free");
        assertTrue(got.get());
    }

    @Test
    void staysReentrantAndExclusive() throws InterruptedException {
        ChanLock lock = new ChanLock();
        lock.lock();
        lock.lock();
        assertTrue(lock.isHeldByCurrentThread());
        Thread other = Thread.ofPlatform().start(() -> assertFalse(lock.tryLock(), "held by the test thread"));
        assertTrue(other.join(Duration.ofSeconds(10)));
        lock.unlock();
        lock.unlock();
        assertFalse(lock.isLocked());
    }
}
