package io.gmp4j.examples;

import io.gmp4j.netpoll.ClosedConnectionException;
import io.gmp4j.netpoll.Conn;
import io.gmp4j.netpoll.ConnectionResetException;
import io.gmp4j.netpoll.Listener;
import io.gmp4j.netpoll.Net;
import io.gmp4j.netpoll.NetTimeoutException;
import io.gmp4j.runtime.GoRuntime;

import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;


/**
 * A tiny HTTP/1.1 server written directly on {@link Conn}, the way Go's {@code net/http} serves:
 * an accept loop goroutine, one goroutine per connection that reads a request (request line and
 * headers, parsed from the byte stream), writes the response and loops for the next one on the
 * same connection. Connections are kept alive by default for HTTP/1.1 ({@code Connection: close}
 * is honoured; HTTP/1.0 keeps alive only with {@code Connection: keep-alive}), pipelined requests
 * are answered in order, and a read deadline closes keep-alive connections idle for 30 s.
 *
 * <p>Routes: {@code GET /} answers a short text; {@code GET /hello?name=x} answers
 * {@code "hello, x\n"} ({@code name} defaults to {@code world}); any other path is 404 (Go's
 * {@code "404 page not found"}). {@code HEAD} is served like {@code GET} without the body; other
 * methods get 405 with {@code Allow: GET, HEAD}; a malformed request gets 400 and the connection
 * is closed (431 for a request head over 16 KiB, 505 for a version other than 1.0/1.1, 501 for a
 * {@code Transfer-Encoding}). Every response has a correct {@code Content-Length}.
 *
 * <p>Run: {@code ./gmp4j example HttpServer [port]} (default 8080; 0 picks a free one) serves
 * on 127.0.0.1 until killed; try {@code curl -i http://127.0.0.1:8080/hello?name=gopher} or
 * {@code wrk -c 100 -d 10s http://127.0.0.1:8080/}. {@code ./gmp4j example HttpServer --self-test}
 * starts it on a free port, talks to it with raw HTTP over {@link Net#dial} and with the JDK's
 * {@code java.net.http.HttpClient}, and ends with {@code checksum: ok} when every answer was
 * right (see {@link HttpSelfTest}).
 */
public final class HttpServer extends TcpServer {
    /** How long a keep-alive connection may wait for its next request (and a request for its head). */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** The body of {@code GET /}. */
    static final String ROOT_BODY = "hello from gmp4j: one goroutine per connection, parked on the network poller\n";
    /** The most bytes a request line plus headers may take (Go's default is 1 MiB; this server is smaller). */
    static final int MAX_HEADER_BYTES = 16 * 1024;
    /** The most header lines a request may have. */
    static final int MAX_HEADERS = 100;
    /** The largest request body the server reads and discards to keep the connection (it serves no bodies). */
    static final long MAX_DISCARD = 64 * 1024;
    /** How long writing one response may take. */
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);
    /** How long a closing connection waits for the client to close after the last response (Go: 500 ms). */
    static final Duration LINGER = Duration.ofMillis(500);

    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static volatile CachedDate cachedDate = new CachedDate(-1, "");

    private final Duration idleTimeout;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong idleClosed = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    private HttpServer(Listener ln, Duration idleTimeout, PrintStream log) {
        super("http server", "http: ", ln, log);
        this.idleTimeout = idleTimeout;
    }

    /**
     * Listens on {@code address} from a goroutine of {@code rt} and serves there.
     *
     * @param rt          the runtime whose goroutines serve
     * @param address     where to listen (port 0: a free port, see {@link #address()})
     * @param idleTimeout how long a keep-alive connection may wait for its next request
     * @param log         where to print unexpected connection failures, or null for nowhere
     * @return the running server
     * @throws IOException if listening fails (such as the port being in use)
     */
    public static HttpServer start(GoRuntime rt, SocketAddress address, Duration idleTimeout, PrintStream log)
            throws IOException {
        return serve(rt, NetExamples.listen(rt, address), idleTimeout, log);
    }

    /**
     * Serves HTTP on connections accepted from {@code ln}, with an accept loop goroutine of
     * {@code rt}. The server owns the listener from now on; {@link #close()} closes it.
     *
     * @param rt          the runtime whose goroutines serve
     * @param ln          the listener
     * @param idleTimeout how long a keep-alive connection may wait for its next request
     * @param log         where to print unexpected connection failures, or null for nowhere
     * @return the running server
     */
    public static HttpServer serve(GoRuntime rt, Listener ln, Duration idleTimeout, PrintStream log) {
        HttpServer s = new HttpServer(ln, TcpServer.positive(idleTimeout, "idleTimeout"), log);
        s.start(rt);
        return s;
    }

    // ------------------------------------------------------------------ accept loop, connections

    /** One connection: requests and responses in turn until one side closes, the idle timeout, or an error. */
    @Override
    void handle(Conn c) {
        boolean graceful = false; // whether to half-close and linger so the client reads the last response
        try {
            LineReader in = new LineReader(c);
            while (!stopping()) {
                // The idle timeout of a keep-alive connection, and the time a request's head may take.
                c.setReadDeadline(Instant.now().plus(idleTimeout));
                Exchange ex;
                try {
                    Request req = readRequest(in);
                    if (req == null) {
                        return; // the client closed between requests
                    }
                    requests.incrementAndGet();
                    ex = handle(req, in);
                } catch (HttpError e) {
                    // malformed: answer and close (what follows on the connection cannot be trusted)
                    ex = new Exchange(Response.text(e.status, e.status + " " + reason(e.status) + "\n"), false, false,
                            false);
                }
                c.setWriteDeadline(Instant.now().plus(WRITE_TIMEOUT));
                c.write(ex.response.encode(ex.head, ex.keepAlive && !stopping(), ex.http10));
                if (!ex.keepAlive) {
                    graceful = true;
                    return;
                }
            }
        } catch (NetTimeoutException e) {
            idleClosed.incrementAndGet(); // idle keep-alive connection, or a client too slow with its request
        } catch (ClosedConnectionException e) {
            if (!stopping()) {
                failures.incrementAndGet();
                logf("%s", e.getMessage());
            }
        } catch (EOFException | ConnectionResetException e) {
            // the client went away in the middle of a request
        } catch (IOException | RuntimeException e) {
            failures.incrementAndGet();
            logf("%s: %s", Net.format(c.remoteAddress()), e);
        } finally {
            if (graceful) {
                lingeringClose(c);
            } else {
                TcpServer.closeQuietly(c);
            }
        }
    }

    /**
     * Go's closeWriteAndWait: after the last response, shut down the writing side (the client
     * reads the response, then end of stream) and give the client a moment to close first, so
     * the close does not reset a connection with unread request bytes and destroy the response.
     */
    private static void lingeringClose(Conn c) {
        try {
            c.closeWrite();
            c.setReadDeadline(Instant.now().plus(LINGER));
            ByteBuffer sink = ByteBuffer.allocate(4096);
            long drained = 0;
            int n;
            while (drained < MAX_DISCARD && (n = c.read(sink)) >= 0) {
                drained += n;
                sink.clear();
            }
        } catch (IOException ignored) {
            // timeout, reset or already closed: close anyway
        } finally {
            TcpServer.closeQuietly(c);
        }
    }

    // ------------------------------------------------------------------ requests

    /** A request's head. Header names are lower case; repeated headers are joined with ", ". */
    record Request(String method, String target, String version, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name);
        }
    }

    /**
     * A response to write, whether it answers a HEAD, whether the connection stays open after
     * it, and whether the request was HTTP/1.0 (which keeps alive only when told so).
     */
    private record Exchange(Response response, boolean head, boolean keepAlive, boolean http10) {}

    /**
     * Reads a request line and headers.
     *
     * @return the request, or null if the connection ended cleanly before one
     * @throws HttpError    if the request is malformed (the status to answer)
     * @throws EOFException if the connection ended in the middle of the request
     */
    static Request readRequest(LineReader in) throws IOException, HttpError {
        in.budget(MAX_HEADER_BYTES);
        String line = in.readLine();
        if (line != null && line.isEmpty()) {
            line = in.readLine(); // RFC 9112 §2.2: ignore an empty line before the request line
        }
        if (line == null) {
            return null;
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || !isToken(parts[0]) || parts[1].isEmpty()
                || !parts[2].matches("HTTP/[0-9]\\.[0-9]")) {
            throw new HttpError(400, "malformed request line");
        }
        String version = parts[2];
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new HttpError(505, version);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        int count = 0;
        while (true) {
            String h = in.readLine();
            if (h == null) {
                throw new EOFException("the connection ended in the middle of the request's headers");
            }
            if (h.isEmpty()) {
                break;
            }
            if (++count > MAX_HEADERS) {
                throw new HttpError(431, "more than " + MAX_HEADERS + " headers");
            }
            int colon = h.indexOf(':');
            if (colon <= 0 || !isToken(h.substring(0, colon))) { // also rejects obsolete line folding
                throw new HttpError(400, "malformed header line");
            }
            String name = h.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = trimOws(h.substring(colon + 1));
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        if (version.equals("HTTP/1.1") && !headers.containsKey("host")) {
            throw new HttpError(400, "missing Host header"); // RFC 9112 §3.2, as Go's server
        }
        return new Request(parts[0], parts[1], version, headers);
    }

    /** Answers one well-formed request; reads and discards its body, if small, to keep the connection. */
    private Exchange handle(Request req, LineReader in) throws IOException, HttpError {
        if (req.header("transfer-encoding") != null) {
            throw new HttpError(501, "Transfer-Encoding"); // this server takes no request bodies
        }
        long length = contentLength(req.header("content-length"));
        Set<String> connection = tokens(req.header("connection"));
        boolean keepAlive = req.version().equals("HTTP/1.1") ? !connection.contains("close")
                : connection.contains("keep-alive");
        if (length > MAX_DISCARD || (length > 0 && req.header("expect") != null)) {
            // answer without reading the body, then close (a client that sent "Expect: 100-continue"
            // waits for a 100 before sending it; Go's server likewise closes rather than ask for it)
            keepAlive = false;
        } else if (length > 0) {
            in.skip(length);
        }
        boolean head = req.method().equals("HEAD");
        Response r = route(req);
        return new Exchange(r, head, keepAlive, req.version().equals("HTTP/1.0"));
    }

    /** The routes. */
    private static Response route(Request req) throws HttpError {
        if (!req.method().equals("GET") && !req.method().equals("HEAD")) {
            return Response.text(405, "405 method not allowed\n").header("Allow", "GET, HEAD");
        }
        String target = req.target();
        if (target.startsWith("http://") || target.startsWith("https://")) { // absolute form: keep the path
            int slash = target.indexOf('/', target.indexOf("//") + 2);
            target = slash < 0 ? "/" : target.substring(slash);
        }
        if (!target.startsWith("/")) {
            throw new HttpError(400, "request target " + target);
        }
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? "" : target.substring(q + 1);
        return switch (path) {
            case "/" -> Response.text(200, ROOT_BODY);
            case "/hello" -> Response.text(200, "hello, " + queryParam(query, "name", "world") + "\n");
            default -> Response.text(404, "404 page not found\n");
        };
    }

    /** The first value of {@code name} in a query string, percent-decoded; {@code otherwise} if absent. */
    static String queryParam(String query, String name, String otherwise) throws HttpError {
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                if (URLDecoder.decode(k, StandardCharsets.UTF_8).equals(name)) {
                    return URLDecoder.decode(v, StandardCharsets.UTF_8);
                }
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, "malformed query escape");
            }
        }
        return otherwise;
    }

    private static long contentLength(String value) throws HttpError {
        if (value == null) {
            return 0;
        }
        long n = -1;
        for (String v : value.split(",")) { // repeated headers were joined: they must agree
            String t = trimOws(v);
            if (t.isEmpty() || t.length() > 18 || !t.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                throw new HttpError(400, "bad Content-Length");
            }
            long m = Long.parseLong(t);
            if (n >= 0 && m != n) {
                throw new HttpError(400, "conflicting Content-Length");
            }
            n = m;
        }
        return n;
    }

    private static Set<String> tokens(String value) {
        Set<String> out = new HashSet<>();
        if (value != null) {
            for (String t : value.split(",")) {
                out.add(trimOws(t).toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    private static String trimOws(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && (s.charAt(a) == ' ' || s.charAt(a) == '\t')) {
            a++;
        }
        while (b > a && (s.charAt(b - 1) == ' ' || s.charAt(b - 1) == '\t')) {
            b--;
        }
        return s.substring(a, b);
    }

    /** RFC 9110's token: the characters of a method or header name. */
    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            boolean ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(ch) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ responses

    /** A response: status, extra headers, a UTF-8 text body. */
    static final class Response {
        final int status;
        final byte[] body;
        private final Map<String, String> headers = new LinkedHashMap<>();

        private Response(int status, byte[] body) {
            this.status = status;
            this.body = body;
        }

        static Response text(int status, String body) {
            return new Response(status, body.getBytes(StandardCharsets.UTF_8));
        }

        Response header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** The bytes on the wire: status line, headers, blank line, body (none for HEAD). */
        ByteBuffer encode(boolean head, boolean keepAlive, boolean http10) {
            StringBuilder sb = new StringBuilder(160);
            sb.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
            sb.append("Date: ").append(httpDate()).append("\r\n");
            sb.append("Server: gmp4j\r\n");
            sb.append("Content-Type: text/plain; charset=utf-8\r\n");
            sb.append("Content-Length: ").append(body.length).append("\r\n");
            headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
            if (!keepAlive) {
                sb.append("Connection: close\r\n");
            } else if (http10) {
                sb.append("Connection: keep-alive\r\n"); // HTTP/1.1 assumes it; HTTP/1.0 must be told
            }
            sb.append("\r\n");
            byte[] headBytes = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
            ByteBuffer b = ByteBuffer.allocate(headBytes.length + (head ? 0 : body.length));
            b.put(headBytes);
            if (!head) {
                b.put(body);
            }
            return b.flip();
        }
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status " + status;
        };
    }

    private record CachedDate(long second, String text) {}

    /** The Date header's IMF-fixdate, formatted once per second. */
    private static String httpDate() {
        long now = System.currentTimeMillis() / 1000;
        CachedDate d = cachedDate;
        if (d.second != now) {
            d = new CachedDate(now, HTTP_DATE.format(Instant.ofEpochSecond(now)));
            cachedDate = d;
        }
        return d.text;
    }

    /** A request that cannot be served: the status to answer before closing. */
    static final class HttpError extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        HttpError(int status, String detail) {
            super(status + " " + reason(status) + ": " + detail, null, false, false);
            this.status = status;
        }
    }

    /**
     * Reads CRLF-terminated lines (and raw bytes) from a {@link Conn} through a buffer; bytes read
     * past a request's head stay buffered for the next request (pipelining). Used by the server
     * for requests and by {@link HttpSelfTest} for responses.
     */
    static final class LineReader {
        private final Conn c;
        private final byte[] buf = new byte[8192];
        private int pos;
        private int lim;
        private long budget = Long.MAX_VALUE;

        LineReader(Conn c) {
            this.c = c;
        }

        /** How many more bytes {@link #readLine()} may consume before failing with 431. */
        void budget(long bytes) {
            budget = bytes;
        }

        /**
         * The next line, without its LF or CRLF, decoded as ISO-8859-1.
         *
         * @return the line, or null if the stream ended before its first byte
         * @throws EOFException if the stream ended in the middle of the line
         * @throws HttpError    (431) if the budget ran out
         */
        String readLine() throws IOException, HttpError {
            StringBuilder sb = new StringBuilder(64);
            boolean any = false;
            while (true) {
                if (pos == lim && !fill()) {
                    if (!any) {
                        return null;
                    }
                    throw new EOFException("the connection ended in the middle of a line");
                }
                any = true;
                while (pos < lim) {
                    byte b = buf[pos++];
                    if (--budget < 0) {
                        throw new HttpError(431, "request head over " + MAX_HEADER_BYTES + " bytes");
                    }
                    if (b == '\n') {
                        int n = sb.length();
                        if (n > 0 && sb.charAt(n - 1) == '\r') {
                            sb.setLength(n - 1);
                        }
                        return sb.toString();
                    }
                    sb.append((char) (b & 0xff));
                }
            }
        }

        /** Reads and drops {@code n} bytes. */
        void skip(long n) throws IOException {
            while (n > 0) {
                if (pos == lim && !fill()) {
                    throw new EOFException("the connection ended in the middle of a body");
                }
                int k = (int) Math.min(n, lim - pos);
                pos += k;
                n -= k;
            }
        }

        /** Reads exactly {@code n} bytes. */
        byte[] readFully(int n) throws IOException {
            byte[] out = new byte[n];
            int off = 0;
            while (off < n) {
                if (pos == lim && !fill()) {
                    throw new EOFException("the connection ended after " + off + " of " + n + " bytes");
                }
                int k = Math.min(n - off, lim - pos);
                System.arraycopy(buf, pos, out, off, k);
                pos += k;
                off += k;
            }
            return out;
        }

        /** Whether the stream has ended with nothing left to read (waits for a byte or the end). */
        boolean atEnd() throws IOException {
            return pos == lim && !fill();
        }

        private boolean fill() throws IOException {
            pos = 0;
            lim = 0;
            int n = c.read(ByteBuffer.wrap(buf));
            if (n < 0) {
                return false;
            }
            lim = n;
            return true;
        }
    }

    // ------------------------------------------------------------------ lifecycle





    /** How many well-formed requests the server has read. */
    public long requests() {
        return requests.get();
    }

    /** How many connections the read deadline closed (idle keep-alive, or a request too slow). */
    public long idleClosed() {
        return idleClosed.get();
    }

    /** How many connections ended with an unexpected error. */
    public long failures() {
        return failures.get();
    }


    /**
     * Entry point.
     *
     * @param args {@code [port]} (default 8080; 0 picks a free port) to serve on 127.0.0.1
     *             until killed, or {@code --self-test}
     * @throws Exception if listening or the self-test fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("--self-test") || args[0].equals("test"))) {
            Examples.check(HttpSelfTest.run(System.out));
            return;
        }
        HttpServer server;
        GoRuntime rt = GoRuntime.builder().build(); // lives as long as the process
        try {
            int port = args.length > 0 ? NetExamples.parsePort(args[0]) : 8080;
            server = start(rt, new InetSocketAddress("127.0.0.1", port), DEFAULT_IDLE_TIMEOUT, System.out);
        } catch (IllegalArgumentException | IOException e) {
            NetExamples.exitOn(e, "HttpServer", "./gmp4j example HttpServer [port | --self-test]");
            return;
        }
        String base = "http://" + Net.format(server.address()) + "/";
        System.out.println("HTTP server listening on " + base + " (runtime " + rt.schedulerName() + ", maxProcs "
                + rt.maxProcs() + "; idle keep-alive connections closed after " + DEFAULT_IDLE_TIMEOUT.toSeconds()
                + " s)");
        System.out.println("try: curl -i '" + base + "hello?name=gopher'   or: wrk -c 100 -d 10s " + base
                + "   stop: Ctrl-C");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (IOException e) {
                System.out.println("http server: " + e.getMessage());
            }
            System.out.println("HTTP server stopped: " + server.requests() + " requests on " + server.connections()
                    + " connections");
        }, "http-server-shutdown"));
        server.awaitStopped();
    }
}
