package io.gmp4j.examples;

import io.gmp4j.netpoll.Conn;
import io.gmp4j.netpoll.Net;
import io.gmp4j.runtime.GoRuntime;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The network examples: the echo client against its in-process server, the HTTP server's self-test, curl. */
@Timeout(value = 60, unit = SECONDS)
class NetExamplesTest {
    private static final Path CURL = Path.of("/usr/bin/curl");

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void echoClientAgainstItsInProcessServerGetsEveryByteBack() throws Exception {
        EchoClient.Result r = EchoClient.run(out, null, 100, 100);
        assertTrue(r.ok(), text());
        assertEquals(10_000, r.roundTrips(), text());
        assertEquals(640_000, r.bytes(), text());
        assertTrue(text().contains("server: 100 connections, 640000 bytes echoed, 0 failures"), text());
        assertTrue(text().contains("not a benchmark"), text());
    }

    @Test
    void echoServerStopsCleanlyWithConnectionsOpenAndClosesIdleOnes() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            EchoServer server = EchoServer.start(rt, new InetSocketAddress("127.0.0.1", 0), Duration.ofMillis(200),
                    null);
            // One connection goes idle (the deadline closes it), one stays busy until close() ends it.
            boolean idleClosed = NetExamples.inGoroutine(rt, () -> {
                try (Conn c = Net.dial(server.address(), Duration.ofSeconds(5))) {
                    c.setReadDeadline(Instant.now().plusSeconds(10));
                    return c.read(ByteBuffer.allocate(1)) == -1; // the server closes it after 200 ms
                }
            });
            assertTrue(idleClosed);
            Conn open = NetExamples.inGoroutine(rt, () -> Net.dial(server.address(), Duration.ofSeconds(5)));
            open.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            ByteBuffer back = ByteBuffer.allocate(3);
            while (back.hasRemaining()) {
                assertTrue(open.read(back) > 0);
            }
            server.close(); // closes the listener (accept fails with ClosedConnectionException) and the connection
            assertEquals(-1, open.read(ByteBuffer.allocate(1)));
            open.close();
            assertEquals(2, server.connections());
            assertEquals(1, server.idleTimeouts());
            assertEquals(0, server.failures());
        } // the runtime's close returns: no goroutine of the server is left
    }

    @Test
    void httpServerSelfTestPasses() throws Exception {
        assertTrue(HttpSelfTest.run(out), text());
        assertTrue(text().contains(" 0 failed"), text());
        assertTrue(text().contains("keep-alive: 10 requests were served on 1 connection(s)"), text());
        assertTrue(text().contains("keep-alive: HttpClient's 5 requests went over 1 connection(s)"), text());
    }

    @Test
    void curlGetsStatusAndBodyOnOneKeptAliveConnection() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CURL), "no " + CURL);
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build();
             HttpServer server = HttpServer.start(rt, new InetSocketAddress("127.0.0.1", 0),
                     HttpServer.DEFAULT_IDLE_TIMEOUT, out)) {
            String base = "http://" + Net.format(server.address());
            // Two URLs in one curl run: curl reuses the kept-alive connection for the second.
            String got = curl("-sS", "--max-time", "10", "-w", "|%{http_code}|%{num_connects}\n",
                    base + "/hello?name=curl", base + "/missing");
            assertEquals("hello, curl\n|200|1\n404 page not found\n|404|0\n", got);
            assertEquals(1, server.connections(), "curl kept its connection alive for the second request");
            assertEquals(2, server.requests());

            String head = curl("-sS", "--max-time", "10", "-I", base + "/");
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            assertTrue(head.contains("Content-Length: " + HttpServer.ROOT_BODY.length() + "\r\n"), head);

            String post = curl("-sS", "--max-time", "10", "-d", "x=1", "-w", "|%{http_code}", base + "/");
            assertEquals("405 method not allowed\n|405", post);
        }
    }

    /** Runs curl with {@code args}, returns its standard output; fails if it fails or takes over 20 s. */
    private static String curl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(CURL.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] stdout;
        try {
            stdout = p.getInputStream().readAllBytes(); // ends when curl exits (--max-time bounds it)
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                throw new AssertionError("curl did not finish: " + cmd);
            }
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), "curl's exit status: " + cmd);
        return new String(stdout, StandardCharsets.UTF_8);
    }
}
