package io.gmp4j.runtime;

import io.gmp4j.runtime.internal.GmpScheduler;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Child-JVM program: the JVM's first blocking socket operations happen inside goroutines;
 * prints how many continuations of threads not started by gmp4j (the JDK's poller threads,
 * if they inherited a goroutine's scheduler) the gmp scheduler had to run.
 */
public final class PollerProbe {
    private PollerProbe() {}

    public static void main(String[] args) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        AtomicReference<Throwable> error = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            rt.go(() -> {
                try (ServerSocket server = new ServerSocket(0, 1, loopback)) {
                    int port = server.getLocalPort();
                    Go.go(() -> {
                        try (Socket c = new Socket(loopback, port)) {
                            c.getOutputStream().write(42);
                        } catch (Throwable e) {
                            error.set(e);
                        }
                    });
                    try (Socket s = server.accept()) { // parks on the JDK poller
                        int b = s.getInputStream().read();
                        if (b != 42) {
                            throw new IllegalStateException("read " + b);
                        }
                    }
                } catch (Throwable e) {
                    error.set(e);
                }
                done.countDown();
            });
            if (!done.await(30, TimeUnit.SECONDS)) {
                System.out.println("timeout");
                System.exit(3);
            }
            if (error.get() != null) {
                error.get().printStackTrace(System.out);
                System.exit(4);
            }
            System.out.println("foreign=" + ((GmpScheduler) rt.scheduler()).foreignSubmissions());
            System.out.flush();
            // Do not close: with poller threads stranded on this runtime close() would still
            // return, but later socket I/O in the JVM would hang. Exit is enough here.
            System.exit(0);
        }
    }
}
