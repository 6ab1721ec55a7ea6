package io.gmp4j.netpoll;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.Go;
import io.gmp4j.runtime.GoRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the scheduler and the system monitor drive the poller (Go's findRunnable and sysmon netpoll). */
class SchedulerNetpollTest {

    /**
     * One processor kept busy by a goroutine that yields in a loop (always runnable, so its
     * machine never runs dry, never polls, and no machine blocks in the poller): only the
     * monitor's 10 ms network check can find the reader's data.
     */
    @Test
    @Timeout(30)
    void theMonitorPollsWhenNoMachineDoes() throws Exception {
        assertEquals(1, readWhileBusy(true), "with the monitor the reader gets its byte while the processor is busy");
    }

    /** The control: without the monitor the reader waits until the busy goroutine stops. */
    @Test
    @Timeout(30)
    void withoutTheMonitorABusyProcessorNeverPolls() throws Exception {
        assertEquals(0, readWhileBusy(false), "without the monitor nobody polls while the processor is busy");
    }

    /** Returns 1 if the reader got its byte while the busy goroutine was still looping, else 0. */
    private static int readWhileBusy(boolean monitor) throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(1).monitor(monitor).build()) {
            Chan<Listener> listeners = Chan.make(1);
            Chan<Conn> conns = Chan.make(1);
            CountDownLatch readerParked = new CountDownLatch(1);
            CountDownLatch gotByte = new CountDownLatch(1);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicBoolean gotWhileBusy = new AtomicBoolean();
            rt.go(() -> {
                try {
                    listeners.send(Net.listen(new InetSocketAddress("127.0.0.1", 0)));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            Listener ln = listeners.recv();
            try (Socket peer = new Socket()) {
                rt.go(() -> {
                    try {
                        conns.send(ln.accept());
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                peer.connect(ln.address());
                Conn c = conns.recv();
                // First the busy goroutine, then the reader: the reader's machine never goes idle
                // (the busy goroutine is always in the global queue), so no machine blocks in
                // the poller either.
                CountDownLatch busy = new CountDownLatch(1);
                rt.go(() -> {
                    busy.countDown();
                    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
                    while (!stop.get() && System.nanoTime() < end) {
                        Go.gosched();
                    }
                    stop.set(true);
                });
                assertTrue(busy.await(10, TimeUnit.SECONDS));
                rt.go(() -> {
                    try {
                        ByteBuffer b = ByteBuffer.allocate(1);
                        readerParked.countDown();
                        int n = c.read(b);
                        assertEquals(1, n);
                        gotWhileBusy.set(!stop.get());
                        gotByte.countDown();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                assertTrue(readerParked.await(10, TimeUnit.SECONDS));
                NetTesting.awaitWaiters(rt, 1); // the reader parks on the poller
                OutputStream out = peer.getOutputStream();
                out.write(7);
                out.flush();
                boolean got = gotByte.await(700, TimeUnit.MILLISECONDS);
                stop.set(true);
                assertTrue(gotByte.await(10, TimeUnit.SECONDS), "the reader never got its byte");
                c.close();
                ln.close();
                return got && gotWhileBusy.get() ? 1 : 0;
            }
        }
    }

    /** Readiness found by the poller is injected: goroutines parked on sockets run again. */
    @Test
    @Timeout(30)
    void aGoroutineBlockedOnlyOnTheNetworkIsNotADeadlock() throws Exception {
        CountDownLatch reported = new CountDownLatch(1);
        // Go's rule (no platform thread counts as a waker), or this test thread's timed awaits
        // would keep the report away whatever the poller does.
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).deadlockWakers(t -> false)
                .deadlockHandler((r, report) -> reported.countDown()).build()) {
            Chan<Listener> listeners = Chan.make(1);
            CountDownLatch accepted = new CountDownLatch(1);
            rt.go(() -> {
                try {
                    Listener ln = Net.listen(new InetSocketAddress("127.0.0.1", 0));
                    listeners.send(ln);
                    try (Conn c = ln.accept()) {
                        accepted.countDown();
                        c.read(ByteBuffer.allocate(1)); // waits for the peer's close: -1
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            Listener ln = listeners.recv();
            try (Socket peer = new Socket()) {
                peer.connect(ln.address());
                assertTrue(accepted.await(10, TimeUnit.SECONDS));
                assertFalse(reported.await(1200, TimeUnit.MILLISECONDS),
                        "a goroutine waiting on a socket must not be reported as deadlocked");
            }
            ln.close();
        }
    }
}
