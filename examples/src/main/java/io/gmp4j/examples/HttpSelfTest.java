package io.gmp4j.examples;

import io.gmp4j.examples.HttpServer.LineReader;
import io.gmp4j.netpoll.Conn;
import io.gmp4j.netpoll.Net;
import io.gmp4j.runtime.GoRuntime;

import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static io.gmp4j.examples.HttpServer.ROOT_BODY;

/**
 * {@code ./gmp4j example HttpServer --self-test}: starts an {@link HttpServer} on a free port of
 * 127.0.0.1 and checks its answers with two clients: raw HTTP/1.1 written and parsed over
 * {@link Net#dial} in a goroutine (keep-alive reuse of one connection for ten requests, HEAD,
 * 404, 405, pipelining, {@code Connection: close}, HTTP/1.0, 400 for a malformed request or a
 * missing Host), and the JDK's {@link HttpClient} (status, body, and that its requests share one
 * kept-alive connection); then that a second server with a 300 ms idle timeout closes an idle
 * keep-alive connection.
 */
final class HttpSelfTest {
    private static final int ROOT_LENGTH = ROOT_BODY.getBytes(StandardCharsets.UTF_8).length;

    private HttpSelfTest() {}

    /** Runs the self-test; returns whether every check passed. */
    static boolean run(PrintStream out) throws Exception {
        Checks ck = new Checks(out);
        try (GoRuntime rt = GoRuntime.builder().build();
             HttpServer server = HttpServer.start(rt, new InetSocketAddress("127.0.0.1", 0),
                     HttpServer.DEFAULT_IDLE_TIMEOUT, out)) {
            out.println("self-test: HTTP server on http://" + Net.format(server.address()) + "/ (runtime "
                    + rt.schedulerName() + ", maxProcs " + rt.maxProcs() + ")");
            out.println("== raw HTTP/1.1 over Net.dial, from a goroutine");
            ck.section(() -> NetExamples.inGoroutine(rt, () -> {
                raw(server, ck);
                return null;
            }));
            out.println("== java.net.http.HttpClient");
            ck.section(() -> jdkClient(server, ck));
            out.println("== idle keep-alive timeout (a second server, 300 ms)");
            try (HttpServer quick = HttpServer.start(rt, new InetSocketAddress("127.0.0.1", 0),
                    Duration.ofMillis(300), out)) {
                ck.section(() -> NetExamples.inGoroutine(rt, () -> {
                    idle(quick, ck);
                    return null;
                }));
            }
            ck.check(server.failures() == 0, "the server saw no unexpected connection failure");
        }
        out.println(ck.passed + " checks passed, " + ck.failed + " failed");
        return ck.failed == 0 && ck.passed > 0;
    }

    /** Raw HTTP over one kept-alive connection, then one connection per closing case. */
    private static void raw(HttpServer server, Checks ck) throws Exception {
        SocketAddress addr = server.address();
        String host = "Host: " + Net.format(addr) + "\r\n";
        long conns0 = server.connections();
        long reqs0 = server.requests();
        try (Conn c = dial(addr)) {
            LineReader in = new LineReader(c);
            RawResponse r = exchange(c, in, "GET / HTTP/1.1\r\n" + host + "\r\n", false);
            ck.expect("GET /", r.status, r.body, 200, ROOT_BODY);
            ck.check(String.valueOf(ROOT_LENGTH).equals(r.header("content-length")),
                    "Content-Length: " + r.header("content-length") + " is the body's length");
            r = exchange(c, in, "GET /hello?name=gopher HTTP/1.1\r\n" + host + "\r\n", false);
            ck.expect("GET /hello?name=gopher", r.status, r.body, 200, "hello, gopher\n");
            r = exchange(c, in, "GET /hello?name=J%C3%BCrgen+M HTTP/1.1\r\n" + host + "\r\n", false);
            ck.expect("GET /hello?name=J%C3%BCrgen+M (Content-Length counts UTF-8 bytes)", r.status, r.body, 200,
                    "hello, Jürgen M\n");
            r = exchange(c, in, "HEAD / HTTP/1.1\r\n" + host + "\r\n", true);
            ck.expect("HEAD /", r.status, r.body, 200, "");
            ck.check(String.valueOf(ROOT_LENGTH).equals(r.header("content-length")),
                    "HEAD / has GET's Content-Length (" + r.header("content-length") + ") and no body");
            r = exchange(c, in, "GET /missing HTTP/1.1\r\n" + host + "\r\n", false);
            ck.expect("GET /missing", r.status, r.body, 404, "404 page not found\n");
            r = exchange(c, in, "DELETE / HTTP/1.1\r\n" + host + "\r\n", false);
            ck.expect("DELETE /", r.status, r.body, 405, "405 method not allowed\n");
            ck.check("GET, HEAD".equals(r.header("allow")), "405 says Allow: " + r.header("allow"));
            r = exchange(c, in, "POST /hello HTTP/1.1\r\n" + host + "Content-Length: 5\r\n\r\nhello", false);
            ck.expect("POST /hello with a 5-byte body (discarded, connection kept)", r.status, r.body, 405,
                    "405 method not allowed\n");
            send(c, "GET /hello?name=first HTTP/1.1\r\n" + host + "\r\n"
                    + "GET /hello?name=second HTTP/1.1\r\n" + host + "\r\n"); // pipelined: one write, two requests
            RawResponse p1 = readResponse(in, false);
            RawResponse p2 = readResponse(in, false);
            ck.expect("pipelined GET /hello?name=first", p1.status, p1.body, 200, "hello, first\n");
            ck.expect("pipelined GET /hello?name=second", p2.status, p2.body, 200, "hello, second\n");
            r = exchange(c, in, "GET / HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n", false);
            ck.expect("GET / with Connection: close", r.status, r.body, 200, ROOT_BODY);
            ck.check("close".equals(r.header("connection")), "the response says Connection: " + r.header("connection"));
            ck.check(in.atEnd(), "the server closed the connection after it");
        }
        long conns = server.connections() - conns0;
        long reqs = server.requests() - reqs0;
        ck.check(conns == 1 && reqs == 10, "keep-alive: " + reqs + " requests were served on " + conns
                + " connection(s) (want 10 on 1)");

        try (Conn c = dial(addr)) {
            LineReader in = new LineReader(c);
            RawResponse r = exchange(c, in, "BROKEN\r\n\r\n", false);
            ck.expect("malformed request line", r.status, r.body, 400, "400 Bad Request\n");
            ck.check(in.atEnd(), "the server closed the connection after a 400");
        }
        try (Conn c = dial(addr)) {
            LineReader in = new LineReader(c);
            RawResponse r = exchange(c, in, "GET / HTTP/1.1\r\nHost example\r\n\r\n", false);
            ck.expect("header line without a colon", r.status, r.body, 400, "400 Bad Request\n");
        }
        try (Conn c = dial(addr)) {
            LineReader in = new LineReader(c);
            RawResponse r = exchange(c, in, "GET / HTTP/1.1\r\n\r\n", false);
            ck.expect("HTTP/1.1 without Host", r.status, r.body, 400, "400 Bad Request\n");
        }
        try (Conn c = dial(addr)) {
            LineReader in = new LineReader(c);
            RawResponse r = exchange(c, in, "GET /hello?name=http10 HTTP/1.0\r\n\r\n", false);
            ck.expect("HTTP/1.0 GET /hello?name=http10", r.status, r.body, 200, "hello, http10\n");
            ck.check(in.atEnd(), "HTTP/1.0 without keep-alive: the server closed the connection");
        }
        try (Conn c = dial(addr)) {
            LineReader in = new LineReader(c);
            RawResponse r = exchange(c, in, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", false);
            ck.expect("HTTP/1.0 with Connection: keep-alive", r.status, r.body, 200, ROOT_BODY);
            ck.check("keep-alive".equals(r.header("connection")), "the response confirms Connection: "
                    + r.header("connection"));
            r = exchange(c, in, "GET /hello HTTP/1.0\r\n\r\n", false);
            ck.expect("a second HTTP/1.0 request on it", r.status, r.body, 200, "hello, world\n");
            ck.check(in.atEnd(), "then closed (no keep-alive asked)");
        }
    }

    /** The JDK's client: status and body, and that it kept one connection for all its requests. */
    private static void jdkClient(HttpServer server, Checks ck) throws Exception {
        long conns0 = server.connections();
        URI base = URI.create("http://" + Net.format(server.address()));
        try (HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build()) {
            HttpResponse<String> r = get(client, base.resolve("/"), "GET");
            ck.expect("HttpClient GET /", r.statusCode(), r.body(), 200, ROOT_BODY);
            r = get(client, base.resolve("/hello?name=java.net.http"), "GET");
            ck.expect("HttpClient GET /hello?name=java.net.http", r.statusCode(), r.body(), 200,
                    "hello, java.net.http\n");
            r = get(client, base.resolve("/nope"), "GET");
            ck.expect("HttpClient GET /nope", r.statusCode(), r.body(), 404, "404 page not found\n");
            r = get(client, base.resolve("/"), "HEAD");
            ck.expect("HttpClient HEAD /", r.statusCode(), r.body(), 200, "");
            ck.check(r.headers().firstValueAsLong("content-length").orElse(-1) == ROOT_LENGTH,
                    "HttpClient HEAD / sees Content-Length " + r.headers().firstValue("content-length").orElse("none"));
            r = get(client, base.resolve("/"), "PUT");
            ck.expect("HttpClient PUT /", r.statusCode(), r.body(), 405, "405 method not allowed\n");
        }
        long conns = server.connections() - conns0;
        ck.check(conns == 1, "keep-alive: HttpClient's 5 requests went over " + conns + " connection(s) (want 1)");
    }

    private static HttpResponse<String> get(HttpClient client, URI uri, String method) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return client.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** A server with a 300 ms idle timeout closes a kept-alive connection that sends nothing more. */
    private static void idle(HttpServer quick, Checks ck) throws Exception {
        SocketAddress addr = quick.address();
        try (Conn c = dial(addr)) {
            LineReader in = new LineReader(c);
            RawResponse r = exchange(c, in, "GET / HTTP/1.1\r\nHost: " + Net.format(addr) + "\r\n\r\n", false);
            ck.expect("GET / (keep-alive)", r.status, r.body, 200, ROOT_BODY);
            long t0 = System.nanoTime();
            boolean closed = in.atEnd(); // parks on the poller until the server's deadline closes the connection
            long ms = (System.nanoTime() - t0) / 1_000_000;
            ck.check(closed && ms >= 150, "the idle connection was closed by the server after " + ms + " ms");
            ck.check(quick.idleClosed() == 1, "the server counted " + quick.idleClosed() + " idle close(s)");
        }
    }

    // ------------------------------------------------------------------ a raw HTTP client

    /** A response: status, headers (names in lower case), body decoded as UTF-8. */
    record RawResponse(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    private static Conn dial(SocketAddress addr) throws IOException {
        Conn c = Net.dial(addr, Duration.ofSeconds(5));
        c.setDeadline(Instant.now().plus(Duration.ofSeconds(20))); // nothing here may hang
        return c;
    }

    private static void send(Conn c, String request) throws IOException {
        c.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
    }

    private static RawResponse exchange(Conn c, LineReader in, String request, boolean head) throws Exception {
        send(c, request);
        return readResponse(in, head);
    }

    /** Reads a status line, headers and a Content-Length body (none for HEAD). */
    static RawResponse readResponse(LineReader in, boolean head) throws Exception {
        String status = in.readLine();
        if (status == null) {
            throw new EOFException("the server closed the connection instead of answering");
        }
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].equals("HTTP/1.1")) {
            throw new IOException("malformed status line: " + status);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        String body = head ? "" : new String(in.readFully(length), StandardCharsets.UTF_8);
        return new RawResponse(Integer.parseInt(parts[1]), headers, body);
    }

    /** Prints and counts checks. */
    private static final class Checks {
        private final PrintStream out;
        int passed;
        int failed;

        Checks(PrintStream out) {
            this.out = out;
        }

        synchronized void check(boolean ok, String what) {
            if (ok) {
                passed++;
            } else {
                failed++;
            }
            out.println((ok ? "  ok    " : "  FAIL  ") + what);
        }

        void expect(String what, int status, String body, int wantStatus, String wantBody) {
            check(status == wantStatus && body.equals(wantBody), what + " -> " + status + " " + quote(body)
                    + (status == wantStatus && body.equals(wantBody) ? "" : " (want " + wantStatus + " "
                    + quote(wantBody) + ")"));
        }

        /** Runs a section; an exception it throws is a failed check. */
        void section(Section s) {
            try {
                s.run();
            } catch (Exception e) {
                check(false, "threw " + e);
            }
        }

        private static String quote(String s) {
            return "\"" + s.replace("\n", "\\n") + "\"";
        }
    }

    /** A part of the self-test. */
    @FunctionalInterface
    private interface Section {
        void run() throws Exception;
    }
}
