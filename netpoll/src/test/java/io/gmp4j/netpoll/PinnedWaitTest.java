package io.gmp4j.netpoll;

import io.gmp4j.runtime.GoRuntime;
import io.gmp4j.tck.fixtures.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.gmp4j.netpoll.NetTesting.STEP;
import static io.gmp4j.netpoll.NetTesting.awaitWaiters;
import static io.gmp4j.netpoll.NetTesting.poller;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A goroutine that waits on a socket while a native frame is on its stack (here: inside a
 * {@code qsort} comparator upcall) cannot unmount: its park pins the machine, so the machine
 * never applies the goroutine's request to watch the socket. If another machine already blocks
 * in the poller, nobody polls afresh either; the system monitor's tick wakes that poll.
 */
class PinnedWaitTest {
    /** What the comparator upcall runs (one test at a time). */
    private static volatile Runnable inUpcall;

    /** The qsort comparator: runs {@link #inUpcall} once; must not throw (an upcall that throws ends the JVM). */
    @SuppressWarnings("unused") // called from native code
    private static int compare(MemorySegment a, MemorySegment b) {
        Runnable r = inUpcall;
        inUpcall = null;
        if (r != null) {
            try {
                r.run();
            } catch (Throwable t) {
                // reported through the future the body completes
            }
        }
        return Integer.compare(a.get(ValueLayout.JAVA_INT, 0), b.get(ValueLayout.JAVA_INT, 0));
    }

    /** Runs {@code body} inside a qsort comparator upcall, on the calling thread. */
    private static void inNativeFrame(Runnable body) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle qsort = linker.downcallHandle(linker.defaultLookup().find("qsort").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                        ValueLayout.ADDRESS));
        MethodHandle cmp = MethodHandles.lookup().findStatic(PinnedWaitTest.class, "compare",
                MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stub = linker.upcallStub(cmp, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS.withTargetLayout(ValueLayout.JAVA_INT),
                    ValueLayout.ADDRESS.withTargetLayout(ValueLayout.JAVA_INT)), arena);
            MemorySegment array = arena.allocateFrom(ValueLayout.JAVA_INT, 2, 1);
            inUpcall = body;
            qsort.invokeExact(array, 2L, 4L, stub);
        }
    }

    @Test
    @Timeout(60)
    void theMonitorWakesAPollThatAPinnedGoroutinesRequestWaitsFor() throws Throwable {
        assertEquals(7, pinnedRead(true, STEP.toMillis()));
    }

    /** The control: without the monitor the blocked poll never learns of the pinned reader's socket. */
    @Test
    @Timeout(60)
    void withoutTheMonitorThePinnedReaderIsNotWoken() throws Throwable {
        assertThrows(TimeoutException.class, () -> pinnedRead(false, 500));
    }

    /**
     * One goroutine waits in accept, so that a machine blocks in the poller; then another reads
     * a connection inside a native frame, and the peer sends a byte. Returns the byte read, or
     * throws TimeoutException if none arrived within {@code waitMillis}.
     */
    private static int pinnedRead(boolean monitor, long waitMillis) throws Throwable {
        try (NetTesting.TestRuntime tr = new NetTesting.TestRuntime(GoRuntime.builder().maxProcs(2).monitor(monitor))) {
            GoRuntime rt = tr.rt();
            Listener ln = NetTesting.inGo(rt, () -> Net.listen(new InetSocketAddress("127.0.0.1", 0)));
            try (Socket peer = new Socket()) {
                CompletableFuture<Conn> accepted = NetTesting.async(rt, ln::accept);
                peer.connect(ln.address());
                Conn s = NetTesting.await(rt, accepted, STEP);
                NetTesting.async(rt, ln::accept); // a second accept: waits until the listener closes
                awaitWaiters(rt, 1);
                Await.until(() -> poller(rt).isSelecting(), STEP, "a machine blocks in the poller");
                CompletableFuture<Integer> read = new CompletableFuture<>();
                rt.go(() -> {
                    try {
                        inNativeFrame(() -> {
                            try {
                                ByteBuffer b = ByteBuffer.allocate(1);
                                s.read(b); // parks pinned: the request to watch s stays queued
                                read.complete((int) b.get(0));
                            } catch (Throwable t) {
                                read.completeExceptionally(t);
                            }
                        });
                    } catch (Throwable t) {
                        read.completeExceptionally(t);
                    }
                });
                awaitWaiters(rt, 2);
                peer.getOutputStream().write(7);
                try {
                    return read.get(waitMillis, TimeUnit.MILLISECONDS);
                } finally {
                    s.close(); // wakes a reader still parked (the control) before the runtime closes
                    ln.close();
                    try {
                        read.get(STEP.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (Exception ignored) {
                        // the control's reader fails with a closed connection
                    }
                }
            }
        }
    }
}
