package io.gmp4j.examples;

import io.gmp4j.netpoll.Listener;
import io.gmp4j.netpoll.Net;
import io.gmp4j.runtime.GoRuntime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** What the network examples share: running a call in a goroutine of a given runtime, parsing addresses. */
final class NetExamples {
    private NetExamples() {}

    /**
     * Runs {@code body} in a new goroutine of {@code rt} and waits for its result. Sockets belong
     * to the runtime of the goroutine that creates them, so this is how code outside a runtime
     * opens a socket on it.
     */
    static <T> T inGoroutine(GoRuntime rt, Callable<T> body) throws IOException {
        CompletableFuture<T> f = new CompletableFuture<>();
        rt.go(() -> {
            try {
                f.complete(body.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted waiting for a goroutine of " + rt);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new UncheckedIOException(new IOException(c));
        }
    }

    /** {@code Net.listen(address)} from a goroutine of {@code rt}: the listener (and what it accepts) belongs to rt. */
    static Listener listen(GoRuntime rt, SocketAddress address) throws IOException {
        return inGoroutine(rt, () -> Net.listen(address));
    }

    /**
     * Ends the program for a bad argument ({@link IllegalArgumentException}: prints the usage,
     * exit status 2) or a port that cannot be bound ({@link java.net.BindException}: exit
     * status 1), without a stack trace; rethrows anything else.
     */
    static void exitOn(Exception e, String program, String usage) throws Exception {
        if (e instanceof IllegalArgumentException) {
            System.err.println(program + ": " + e.getMessage());
            System.err.println("usage: " + usage);
            System.exit(2);
        }
        if (e instanceof java.net.BindException) {
            System.err.println(program + ": " + e.getMessage() + " (is another server on that port? pick another,"
                    + " or 0 for a free one)");
            System.exit(1);
        }
        throw e;
    }

    /**
     * Parses Go's {@code host:port} (or {@code [v6]:port}), resolving the host.
     *
     * @throws IllegalArgumentException if the text is not host:port
     */
    static InetSocketAddress parseHostPort(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not host:port (e.g. 127.0.0.1:9000)");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host, parsePort(text.substring(colon + 1)));
    }

    /**
     * Parses a TCP port number (0 = let the system pick a free one).
     *
     * @throws IllegalArgumentException if the text is not a number in 0..65535
     */
    static int parsePort(String text) {
        int port;
        try {
            port = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port '" + text + "' is not a number (expected 0..65535)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range (expected 0..65535)");
        }
        return port;
    }
}
