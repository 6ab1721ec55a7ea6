package io.gmp4j.benchmarks;

import io.gmp4j.netpoll.Conn;
import io.gmp4j.netpoll.Listener;
import io.gmp4j.netpoll.Net;
import io.gmp4j.runtime.Go;
import io.gmp4j.runtime.GoRuntime;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * TCP echo load test (not JMH): round trips per second and latency percentiles of an echo
 * server on loopback, with the same closed-loop client for every server.
 *
 * <p><b>Servers</b> ({@code --modes}), each in its own JVM, started by this program as a child
 * process (same {@code java}, class path and JVM flags as this one, plus {@code --server-jvm}):
 * <ul>
 *   <li>{@code netpoll}: gmp4j's network poller on the {@code gmp} scheduler ({@code maxProcs}
 *       = cores): {@link Net#listen} and {@link Listener#accept()} in a goroutine, a goroutine
 *       per connection reading and writing a {@link Conn} — Go's net server;</li>
 *   <li>{@code vthreads}: a {@link ServerSocket} and blocking {@link Socket}s in virtual threads
 *       ({@code Thread.ofVirtual()}) of the JDK's default scheduler, parallelism = cores;</li>
 *   <li>{@code gmp-blocking}: the same {@code ServerSocket}/{@code Socket} code, its threads
 *       goroutines of a {@code gmp} runtime (the accept loop and each handler start with
 *       {@code go}): the JDK's own poller wakes them, gmp4j schedules them.</li>
 * </ul>
 * Each handler loops: read exactly {@code --size} bytes (64), write them back.
 *
 * <p><b>Client</b> (this JVM, identical for every server): {@code C} connections, each a JDK
 * virtual thread with a blocking {@link Socket} ({@code TCP_NODELAY}), in a closed loop: write
 * the message (its first bytes a sequence number and the connection number), read it back,
 * check it, record the latency ({@code System.nanoTime}) in the thread's own log-linear
 * histogram (128 sub-buckets per power of two, under 0.8% error; no allocation per round
 * trip). After {@code --warmup} seconds the histograms start recording for {@code --duration}
 * seconds; they are merged at the end. A read that waits longer than {@code --timeout}
 * seconds counts as an error (a stalled server shows up as errors, not a hang).
 *
 * <p><b>Output</b>: per run (mode, connections, round), one line for people and one
 * machine-readable {@code RESULT mode=netpoll conns=1000 round=1 rps=... p50_us=... p99_us=...
 * p999_us=... max_us=... errors=0 server_cpu_s=... ...} line; then a summary per (mode,
 * connections) (the median over rounds) with ratios against {@code vthreads}. {@code min1s_rps}
 * is the slowest one-second interval of the measurement (stalls show there). The server's CPU
 * time is read from {@link ProcessHandle.Info#totalCpuDuration()} at the start and end of the
 * measurement ({@code srv_cpu_us_per_rt}: server CPU microseconds per round trip;
 * {@code cores_used}: server plus client CPU per second — below the core count, something else
 * ran on the machine or the pair idled). Further lines per run: round trips per connection
 * (min, 1st percentile, median, max: fairness), 10 ms intervals without or with few round trips
 * (stalls shorter than a second), and the server's counters over the measurement. When a
 * connection fails or hangs, the driver asks the server for a diagnosis file (schedtrace with
 * detail, goroutine dump, platform thread stacks) and runs {@code jcmd PID Thread.print -l} on
 * it, and prints both paths.
 *
 * <p><b>Usage</b>: {@code benchmarks/echo-bench.sh [options]} builds the shaded jar
 * ({@code ./gmp4j bench -h}), raises the open-file limit and runs this class with the flags of
 * {@code benchmarks/gmp4j-bench.args}:
 * <pre>
 * benchmarks/echo-bench.sh --modes netpoll,vthreads,gmp-blocking --conns 100,1000 --warmup 2 --duration 8 --rounds 2
 * </pre>
 * or by hand:
 * <pre>
 * mvn -q -DskipTests install -pl runtime,sysmon,netpoll,patterns &amp;&amp; mvn -q -DskipTests package -pl benchmarks
 * java --add-opens=java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
 *      -cp benchmarks/target/gmp4j-benchmarks.jar io.gmp4j.benchmarks.EchoLoad \
 *      --modes netpoll,vthreads,gmp-blocking --conns 100,1000 --warmup 2 --duration 8 --rounds 1
 * </pre>
 * Options:
 * <ul>
 *   <li>{@code --modes netpoll,vthreads,gmp-blocking} — servers to run;</li>
 *   <li>{@code --conns 100,1000} — concurrent connections;</li>
 *   <li>{@code --warmup 2}, {@code --duration 8} — seconds (fractions allowed);</li>
 *   <li>{@code --rounds 1} — repeats everything; each round rotates the order of the modes;</li>
 *   <li>{@code --size 64} — message bytes (at least 16);</li>
 *   <li>{@code --procs N} — server processors / JDK carriers (default: cores);</li>
 *   <li>{@code --server-jvm "ARGS"} — extra JVM flags for the server (space-separated,
 *       repeatable), e.g. {@code "-Dgmp4j.schedtrace=1000"};</li>
 *   <li>{@code --timeout 10} — client read timeout in seconds;</li>
 *   <li>{@code --target host:port} — no child server: load a server already running (label
 *       {@code external}), e.g. a Go echo server, for a reference with the same client;</li>
 *   <li>{@code --progress} — prints the round trips of every second of the measurement.</li>
 *   <li>{@code --go-server PATH} — the Go reference server for mode {@code go} (default
 *       {@code benchmarks/target/go-echoserver}, which {@code benchmarks/echo-bench.sh} builds
 *       from {@code benchmarks/go/echoserver.go} when {@code go} is installed); it runs with
 *       {@code GOMAXPROCS} set to {@code --procs}.</li>
 * </ul>
 * {@code --server MODE [--size N] [--procs N]} runs just a server: it prints {@code PORT n},
 * serves until its standard input closes, prints {@code SERVER ...} statistics and exits; a
 * {@code MARK} line on its standard input makes it print its counters (echoes; on gmp runtimes
 * steals, hand-offs, preemption requests, and the netpoll poller's polls, wake-ups and
 * goroutines readied), which the driver reads at the start and end of the measurement.
 * {@code --server-jvm -Dechoload.monitor=false} runs the gmp servers without the system
 * monitor (diagnosis).
 *
 * <p>1,000 connections need 2,000+ descriptors on each side ({@code ulimit -n}) and a listen
 * backlog of at least 1,000 (both servers ask for 4,096; Linux caps it at
 * {@code net.core.somaxconn}); the program warns when either is too small.
 */
public final class EchoLoad {
    private EchoLoad() {}

    static final List<String> ALL_MODES = List.of("netpoll", "vthreads", "gmp-blocking");
    /** Modes that may be asked for: the default ones and Go's {@code net} server (a Go program). */
    static final List<String> KNOWN_MODES = List.of("netpoll", "vthreads", "gmp-blocking", "go");

    // ============================================================== options

    static final class Options {
        List<String> modes = ALL_MODES;
        List<Integer> conns = List.of(100, 1000);
        double warmup = 2;
        double duration = 8;
        int rounds = 1;
        int size = 64;
        int procs = Runtime.getRuntime().availableProcessors();
        List<String> serverJvm = new ArrayList<>();
        double timeout = 10;
        String target;
        String goServer = "benchmarks/target/go-echoserver";
        boolean progress;
        String serverMode;
    }

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                v = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            if (a.equals("--progress")) {
                o.progress = true;
                continue;
            }
            if (a.equals("-h") || a.equals("--help")) {
                usage(null);
            }
            if (v == null) {
                if (i + 1 >= args.length) {
                    usage("missing value for " + a);
                }
                v = args[++i];
            }
            switch (a) {
                case "--modes" -> {
                    o.modes = List.of(v.split(","));
                    for (String m : o.modes) {
                        if (!KNOWN_MODES.contains(m)) {
                            usage("unknown mode " + m + " (expected: " + String.join(", ", KNOWN_MODES) + ")");
                        }
                    }
                }
                case "--conns" -> o.conns = Arrays.stream(v.split(",")).map(Integer::parseInt).toList();
                case "--warmup" -> o.warmup = Double.parseDouble(v);
                case "--duration" -> o.duration = Double.parseDouble(v);
                case "--rounds" -> o.rounds = Integer.parseInt(v);
                case "--size" -> o.size = Integer.parseInt(v);
                case "--procs" -> o.procs = Integer.parseInt(v);
                case "--server-jvm" -> o.serverJvm.addAll(Arrays.stream(v.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList());
                case "--timeout" -> o.timeout = Double.parseDouble(v);
                case "--target" -> o.target = v;
                case "--server" -> o.serverMode = v;
                case "--go-server" -> o.goServer = v;
                default -> usage("unknown option " + a);
            }
        }
        if (o.size < 16) {
            usage("--size must be at least 16");
        }
        if (o.duration <= 0 || o.warmup < 0 || o.rounds < 1 || o.procs < 1) {
            usage("--duration must be > 0, --warmup >= 0, --rounds >= 1, --procs >= 1");
        }
        return o;
    }

    static void usage(String error) {
        PrintStream out = error == null ? System.out : System.err;
        if (error != null) {
            out.println("EchoLoad: " + error);
        }
        out.println("""
                usage: EchoLoad [--modes netpoll,vthreads,gmp-blocking] [--conns 100,1000] [--warmup 2] [--duration 8]
                                [--rounds 1] [--size 64] [--procs CORES] [--server-jvm "FLAGS"] [--timeout 10]
                                [--target host:port] [--progress] [--go-server PATH]
                       EchoLoad --server MODE [--size 64] [--procs CORES]""");
        System.exit(error == null ? 0 : 2);
    }

    /**
     * Entry point: the driver (client plus child servers), or with {@code --server MODE} a server.
     *
     * @param args see the class description
     * @throws Exception if the load test cannot run
     */
    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        if (o.serverMode != null) {
            serve(o.serverMode, o.size, o.procs);
        } else {
            drive(o);
        }
    }

    // ============================================================== server (child JVM)

    static final AtomicLong ACCEPTED = new AtomicLong();
    static final AtomicLong HANDLER_ERRORS = new AtomicLong();
    static final AtomicLong ACTIVE = new AtomicLong();
    static final LongAdder ECHOES = new LongAdder();
    static volatile String firstHandlerError;

    static void serve(String mode, int size, int procs) throws Exception {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        GoRuntime rt = null;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        switch (mode) {
            case "netpoll" -> {
                rt = gmpRuntime(procs);
                rt.go(() -> {
                    Listener ln;
                    try {
                        // created inside a goroutine: the socket belongs to this runtime's poller
                        ln = Net.listen(new InetSocketAddress(loopback, 0));
                    } catch (Throwable t) {
                        port.completeExceptionally(t);
                        return;
                    }
                    port.complete(((InetSocketAddress) ln.address()).getPort());
                    while (true) {
                        Conn c;
                        try {
                            c = ln.accept();
                        } catch (Throwable t) {
                            handlerError(t);
                            return;
                        }
                        ACCEPTED.incrementAndGet();
                        ACTIVE.incrementAndGet();
                        Go.go(() -> echoNetpoll(c, size));
                    }
                });
            }
            case "vthreads", "gmp-blocking" -> {
                Function<Runnable, Thread> spawn;
                if (mode.equals("vthreads")) {
                    // read once, when the JVM's first virtual thread is created: none exists yet
                    System.setProperty("jdk.virtualThreadScheduler.parallelism", Integer.toString(procs));
                    Thread.Builder.OfVirtual vb = Thread.ofVirtual();
                    spawn = vb::start;
                } else {
                    GoRuntime r = gmpRuntime(procs);
                    rt = r;
                    spawn = r::go;
                }
                spawn.apply(() -> {
                    ServerSocket ss;
                    try {
                        ss = new ServerSocket(0, Net.DEFAULT_BACKLOG, loopback);
                    } catch (Throwable t) {
                        port.completeExceptionally(t);
                        return;
                    }
                    port.complete(ss.getLocalPort());
                    while (true) {
                        Socket s;
                        try {
                            s = ss.accept();
                        } catch (Throwable t) {
                            handlerError(t);
                            return;
                        }
                        ACCEPTED.incrementAndGet();
                        ACTIVE.incrementAndGet();
                        // a goroutine of the same runtime in gmp-blocking (Go.go from a goroutine)
                        spawn.apply(() -> echoBlocking(s, size));
                    }
                });
            }
            default -> throw new IllegalArgumentException("mode " + mode);
        }
        int p = port.get(30, TimeUnit.SECONDS);
        System.out.println("PORT " + p);
        System.out.flush();
        // serve until the driver closes our standard input (or dies); "MARK" prints counters
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.trim().equals("MARK")) {
                System.out.println(mark(rt));
                System.out.flush();
            } else if (line.trim().equals("DUMP")) {
                System.out.println("DUMPED " + dump(mode, rt));
                System.out.flush();
            }
        }
        // the client has closed every connection: wait for the handlers to see EOF and exit
        long t0 = System.nanoTime();
        while (ACTIVE.get() > 0 && System.nanoTime() - t0 < 5_000_000_000L) {
            Thread.sleep(1);
        }
        StringBuilder sb = new StringBuilder("SERVER mode=").append(mode)
                .append(" accepted=").append(ACCEPTED.get())
                .append(" open_handlers=").append(ACTIVE.get())
                .append(" drain_ms=").append((System.nanoTime() - t0) / 1_000_000)
                .append(" handler_errors=").append(HANDLER_ERRORS.get());
        if (firstHandlerError != null) {
            sb.append(" first_error=\"").append(firstHandlerError).append('"');
        }
        if (rt != null) {
            var st = rt.stats();
            sb.append(" goroutines=").append(rt.numGoroutine()).append(" threads=").append(st.threads())
                    .append(" steals=").append(st.steals()).append(" handoffs=").append(st.handoffs())
                    .append(" preempt_requests=").append(st.preemptRequests())
                    .append(" global_runq=").append(st.globalRunQueue());
        }
        System.out.println(sb);
        System.out.flush();
        // not rt.close(): it would wait for the accept loop. exit, not halt: shutdown hooks run
        // (a flight recording started with -XX:StartFlightRecording is written), bounded by a watchdog
        Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException ignored) {
                // halt anyway
            }
            Runtime.getRuntime().halt(3);
        });
        System.exit(0);
    }

    /**
     * The server's counters, for the driver's deltas over the measurement: echoes, and on gmp
     * runtimes the scheduler's steals, hand-offs, preemption requests, and the netpoll
     * poller's polls, wake-ups and goroutines readied (read reflectively: diagnostics only).
     */
    static String mark(GoRuntime rt) {
        StringBuilder sb = new StringBuilder("MARK echoes=").append(ECHOES.sum());
        if (rt != null) {
            var st = rt.stats();
            sb.append(" steals=").append(st.steals()).append(" handoffs=").append(st.handoffs())
                    .append(" preempts=").append(st.preemptRequests());
            rt.pollerIfCreated().ifPresent(p -> {
                try {
                    long[] c = (long[]) p.getClass().getMethod("counters").invoke(p);
                    sb.append(" polls=").append(c[0]).append(" wakeups=").append(c[1]).append(" readied=").append(c[2]);
                    if (c.length > 3) {
                        sb.append(" requests=").append(c[3]);
                    }
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // another poller: no counters
                }
            });
        }
        return sb.toString();
    }

    /**
     * The server's gmp runtime; {@code -Dechoload.monitor=false} (through {@code --server-jvm})
     * builds it without the system monitor, for diagnosis.
     */
    static GoRuntime gmpRuntime(int procs) {
        GoRuntime.Builder b = GoRuntime.builder().scheduler("gmp").maxProcs(procs);
        String monitor = System.getProperty("echoload.monitor");
        if (monitor != null) {
            b.monitor(Boolean.parseBoolean(monitor));
        }
        return b.build();
    }

    /**
     * Writes a diagnosis file (temporary directory) and returns its path: counters, on gmp
     * runtimes the schedtrace with detail and the goroutine dump, the netpoll poller's
     * {@code toString}, then every platform thread's stack (machines, monitor, JDK pollers).
     */
    static String dump(String mode, GoRuntime rt) {
        try {
            Path f = Files.createTempFile("echoload-" + mode + "-" + ProcessHandle.current().pid() + "-", ".txt");
            StringBuilder sb = new StringBuilder();
            sb.append(mark(rt)).append(" active_handlers=").append(ACTIVE.get()).append("\n\n");
            if (rt != null) {
                sb.append(rt.schedtraceDetail()).append("\n\n");
                rt.pollerIfCreated().ifPresent(p -> sb.append("poller: ").append(p).append(" waiters=")
                        .append(p.waiters()).append(" hasWaiters=").append(p.hasWaiters()).append("\n\n"));
                sb.append("=== goroutines\n");
                rt.dumpGoroutines(sb);
            }
            sb.append("=== platform threads\n");
            for (var e : Thread.getAllStackTraces().entrySet()) {
                Thread t = e.getKey();
                sb.append('"').append(t.getName()).append("\" #").append(t.threadId()).append(' ').append(t.getState());
                Object blocker = java.util.concurrent.locks.LockSupport.getBlocker(t);
                if (blocker != null) {
                    sb.append(" blocker=").append(blocker.getClass().getName());
                }
                sb.append('\n');
                for (StackTraceElement el : e.getValue()) {
                    sb.append("\tat ").append(el).append('\n');
                }
                sb.append('\n');
            }
            Files.writeString(f, sb);
            return f.toString();
        } catch (IOException | RuntimeException e) {
            return "(failed: " + e + ")";
        }
    }

    static void handlerError(Throwable t) {
        HANDLER_ERRORS.incrementAndGet();
        if (firstHandlerError == null) {
            firstHandlerError = t.toString();
        }
    }

    static void echoNetpoll(Conn c, int size) {
        ByteBuffer buf = ByteBuffer.allocateDirect(size);
        try (c) {
            while (true) {
                buf.clear();
                while (buf.hasRemaining()) {
                    if (c.read(buf) < 0) {
                        return; // EOF: the client is done
                    }
                }
                buf.flip();
                c.write(buf); // writes all
                ECHOES.increment();
            }
        } catch (Throwable t) {
            handlerError(t);
        } finally {
            ACTIVE.decrementAndGet();
        }
    }

    static void echoBlocking(Socket s, int size) {
        byte[] buf = new byte[size];
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                int got = 0;
                while (got < size) {
                    int n = in.read(buf, got, size - got);
                    if (n < 0) {
                        return; // EOF: the client is done
                    }
                    got += n;
                }
                out.write(buf, 0, size);
                ECHOES.increment();
            }
        } catch (Throwable t) {
            handlerError(t);
        } finally {
            ACTIVE.decrementAndGet();
        }
    }

    // ============================================================== driver

    record Result(String mode, int conns, int round, long roundTrips, double seconds, double rps, Histogram h,
                  long errors, List<String> errorSamples, double serverCpuS, double clientCpuS, double min1sRps,
                  double max1sRps, int stuck, Map<String, Long> serverCounters,
                  long[] perConn, int[] stalls, double coresUsed) {}

    static void drive(Options o) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        String javaCmd = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> serverFlags = serverFlags(o);
        System.out.printf(Locale.ROOT, "EchoLoad: %d cores, java %s, client = this JVM (JDK virtual threads, parallelism %s)%n",
                cores, System.getProperty("java.version"),
                System.getProperty("jdk.virtualThreadScheduler.parallelism", Integer.toString(cores)));
        System.out.printf(Locale.ROOT, "modes %s, conns %s, size %d B, warmup %.1f s, duration %.1f s, rounds %d, server procs %d%n",
                o.target != null ? "[external " + o.target + "]" : o.modes, o.conns, o.size, o.warmup, o.duration,
                o.rounds, o.procs);
        if (o.target == null) {
            System.out.println("server: " + javaCmd + " " + String.join(" ", serverFlags) + " -cp <class path> "
                    + EchoLoad.class.getName() + " --server MODE --size " + o.size + " --procs " + o.procs);
        }
        checkLimits(o);

        List<Result> results = new ArrayList<>();
        List<String> modes = o.target != null ? List.of("external") : o.modes;
        for (int round = 1; round <= o.rounds; round++) {
            for (int conns : o.conns) {
                for (int k = 0; k < modes.size(); k++) {
                    // rotate the order each round: no mode always runs first (cold client) or last
                    String mode = modes.get((k + round - 1) % modes.size());
                    Result r = runOne(o, javaCmd, serverFlags, mode, conns, round);
                    results.add(r);
                    report(r);
                }
            }
        }
        summary(results, o);
    }

    static List<String> serverFlags(Options o) {
        List<String> flags = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-agentlib:jdwp") || a.startsWith("-javaagent") || a.startsWith("-Djdk.virtualThreadScheduler.parallelism")) {
                continue;
            }
            flags.add(a);
        }
        String opens = "--add-opens=java.base/java.lang=ALL-UNNAMED";
        if (!flags.contains(opens) && !String.join(" ", flags).contains("java.base/java.lang=ALL-UNNAMED")) {
            flags.add(opens);
        }
        if (flags.stream().noneMatch(f -> f.startsWith("--enable-native-access"))) {
            flags.add("--enable-native-access=ALL-UNNAMED");
        }
        flags.addAll(o.serverJvm);
        return flags;
    }

    static void checkLimits(Options o) {
        int maxConns = o.conns.stream().mapToInt(Integer::intValue).max().orElse(0);
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u) {
            long fds = u.getMaxFileDescriptorCount();
            if (fds < 2L * maxConns + 200) {
                System.out.println("WARNING: open-file limit " + fds + " < " + (2L * maxConns + 200)
                        + " needed for " + maxConns + " connections: raise it (ulimit -n)");
            }
        }
        try {
            int somax = Integer.parseInt(Files.readString(Path.of("/proc/sys/net/core/somaxconn")).trim());
            if (somax < maxConns) {
                System.out.println("WARNING: net.core.somaxconn = " + somax + " caps the listen backlog below " + maxConns
                        + " connections: connects may be slow or fail");
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
    }

    /** A running child server. */
    static final class Server implements AutoCloseable {
        final Process process;
        final int port;
        final String mode;
        final Thread reader;
        final java.util.concurrent.BlockingQueue<String> marks;

        Server(Process process, int port, String mode, Thread reader, java.util.concurrent.BlockingQueue<String> marks) {
            this.process = process;
            this.port = port;
            this.mode = mode;
            this.reader = reader;
            this.marks = marks;
        }

        /** Asks the server for a diagnosis file ({@link #dump}); its path, or null. */
        String dump() {
            try {
                OutputStream os = process.getOutputStream();
                os.write("DUMP\n".getBytes(StandardCharsets.UTF_8));
                os.flush();
                String line;
                while ((line = marks.poll(20, TimeUnit.SECONDS)) != null) {
                    if (line.startsWith("DUMPED ")) {
                        return line.substring(7);
                    }
                }
            } catch (IOException | InterruptedException e) {
                // none
            }
            return null;
        }

        /** Asks the server for its counters ({@link #mark}); empty if it does not answer within 2 s. */
        Map<String, Long> mark() {
            Map<String, Long> m = new LinkedHashMap<>();
            try {
                OutputStream os = process.getOutputStream();
                os.write("MARK\n".getBytes(StandardCharsets.UTF_8));
                os.flush();
                String line = marks.poll(2, TimeUnit.SECONDS);
                if (line != null && line.startsWith("MARK ")) {
                    for (String kv : line.substring(5).trim().split(" ")) {
                        int eq = kv.indexOf('=');
                        m.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
                    }
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                // no counters
            }
            return m;
        }

        static Server start(String javaCmd, List<String> flags, String mode, Options o) throws Exception {
            List<String> cmd = new ArrayList<>();
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
            if (mode.equals("go")) {
                if (!Files.isExecutable(Path.of(o.goServer))) {
                    throw new IllegalStateException("mode go: no Go echo server at " + o.goServer + " (build it with "
                            + "'go build -o " + o.goServer + " benchmarks/go/echoserver.go', or let "
                            + "benchmarks/echo-bench.sh do it; Debian: apt-get install golang-go)");
                }
                cmd.addAll(List.of(o.goServer, Integer.toString(o.size)));
                pb.environment().put("GOMAXPROCS", Integer.toString(o.procs));
            } else {
                cmd.add(javaCmd);
                cmd.addAll(flags);
                cmd.add("-cp");
                cmd.add(System.getProperty("java.class.path"));
                cmd.add(EchoLoad.class.getName());
                cmd.addAll(List.of("--server", mode, "--size", Integer.toString(o.size), "--procs", Integer.toString(o.procs)));
            }
            Process p = pb.start();
            java.util.concurrent.BlockingQueue<String> marks = new java.util.concurrent.LinkedBlockingQueue<>();
            CompletableFuture<Integer> port = new CompletableFuture<>();
            Thread reader = Thread.ofPlatform().daemon().name("server-stdout-" + mode).start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (!port.isDone() && line.startsWith("PORT ")) {
                            port.complete(Integer.parseInt(line.substring(5).trim()));
                        } else if (line.startsWith("MARK ") || line.startsWith("DUMPED ")) {
                            marks.add(line);
                        } else {
                            System.out.println("  [server " + mode + "] " + line);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    port.completeExceptionally(e);
                }
                port.completeExceptionally(new EOFException("server " + mode + " exited before printing its port (exit "
                        + (p.isAlive() ? "?" : p.exitValue()) + ")"));
            });
            try {
                return new Server(p, port.get(60, TimeUnit.SECONDS), mode, reader, marks);
            } catch (Exception e) {
                p.destroyForcibly();
                throw e;
            }
        }

        double cpuSeconds() {
            Optional<Duration> d = process.toHandle().info().totalCpuDuration();
            return d.map(x -> x.toNanos() / 1e9).orElse(Double.NaN);
        }

        @Override
        public void close() throws Exception {
            try {
                process.getOutputStream().close(); // the server prints its statistics and exits
            } catch (IOException ignored) {
                // already gone
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                System.out.println("  [server " + mode + "] did not exit 10 s after its stdin closed: killing pid " + process.pid());
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(2000);
        }
    }

    static final int WARMUP = 0;
    static final int MEASURE = 1;
    static final int STOP = 2;

    /** One client connection, run by one virtual thread. */
    static final class Client implements Runnable {
        final int id;
        final InetSocketAddress address;
        final int size;
        final int timeoutMs;
        final CountDownLatch connected;
        final CountDownLatch start;
        final Load load;
        final Histogram h = new Histogram();
        volatile long done; // round trips so far (warm-up included), for the progress sampler
        long errors;
        String error;
        volatile Socket socket;

        Client(int id, InetSocketAddress address, int size, int timeoutMs, CountDownLatch connected,
               CountDownLatch start, Load load) {
            this.id = id;
            this.address = address;
            this.size = size;
            this.timeoutMs = timeoutMs;
            this.connected = connected;
            this.start = start;
            this.load = load;
        }

        @Override
        public void run() {
            Socket s = new Socket();
            socket = s;
            try (s) {
                try {
                    s.setTcpNoDelay(true);
                    s.setSoTimeout(timeoutMs);
                    s.connect(address, timeoutMs);
                } finally {
                    connected.countDown();
                }
                start.await();
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] req = new byte[size];
                byte[] resp = new byte[size];
                for (int i = 16; i < size; i++) {
                    req[i] = (byte) (i * 31 + id);
                }
                putLong(req, 8, id);
                long seq = 0;
                while (load.phase != STOP) {
                    putLong(req, 0, seq);
                    long t0 = System.nanoTime();
                    out.write(req);
                    int got = 0;
                    while (got < size) {
                        int n = in.read(resp, got, size - got);
                        if (n < 0) {
                            throw new EOFException("server closed the connection after " + got + " of " + size + " bytes");
                        }
                        got += n;
                    }
                    long t1 = System.nanoTime();
                    if (!Arrays.equals(req, resp)) {
                        throw new IOException("echo mismatch on connection " + id + " at round trip " + seq);
                    }
                    if (load.phase == MEASURE) {
                        h.record(t1 - t0);
                        long slot = (t1 - load.measureStart) / 10_000_000L;
                        if (slot >= 0 && slot < load.timeline.length()) {
                            load.timeline.incrementAndGet((int) slot);
                        }
                    }
                    seq++;
                    done = seq;
                }
            } catch (Throwable t) {
                errors++;
                error = t.toString();
            }
        }

        static void putLong(byte[] b, int off, long v) {
            for (int i = 0; i < 8; i++) {
                b[off + i] = (byte) (v >>> (8 * i));
            }
        }
    }

    static final class Load {
        volatile int phase = WARMUP;
        /** Start of the measurement (System.nanoTime), set before phase becomes MEASURE. */
        volatile long measureStart;
        /** Round trips completed per 10 ms of the measurement (stalls shorter than a second show here). */
        final java.util.concurrent.atomic.AtomicIntegerArray timeline;

        Load(double durationSeconds) {
            timeline = new java.util.concurrent.atomic.AtomicIntegerArray((int) (durationSeconds * 100) + 2);
        }
    }

    static Result runOne(Options o, String javaCmd, List<String> flags, String mode, int conns, int round) throws Exception {
        System.out.printf(Locale.ROOT, "--- %s, %d connections, round %d%n", mode, conns, round);
        Server server = null;
        InetSocketAddress address;
        if (o.target != null) {
            int colon = o.target.lastIndexOf(':');
            address = new InetSocketAddress(o.target.substring(0, colon), Integer.parseInt(o.target.substring(colon + 1)));
        } else {
            server = Server.start(javaCmd, flags, mode, o);
            address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port);
        }
        try {
            int timeoutMs = (int) Math.max(1, o.timeout * 1000);
            CountDownLatch connected = new CountDownLatch(conns);
            CountDownLatch start = new CountDownLatch(1);
            Load load = new Load(o.duration);
            Client[] clients = new Client[conns];
            Thread[] threads = new Thread[conns];
            for (int i = 0; i < conns; i++) {
                clients[i] = new Client(i, address, o.size, timeoutMs, connected, start, load);
                threads[i] = Thread.ofVirtual().name("client-" + i).start(clients[i]);
            }
            long c0 = System.nanoTime();
            if (!connected.await(timeoutMs + 10_000L, TimeUnit.MILLISECONDS)) {
                System.out.println("  " + connected.getCount() + " of " + conns + " connections still connecting");
            }
            long connectMs = (System.nanoTime() - c0) / 1_000_000;
            if (connectMs > 1000) {
                System.out.println("  connecting took " + connectMs + " ms");
            }
            start.countDown();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            sleepSeconds(o.warmup);
            Map<String, Long> mark0 = server != null ? server.mark() : Map.of();
            double srv0 = server != null ? server.cpuSeconds() : Double.NaN;
            long cli0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            load.measureStart = t0;
            load.phase = MEASURE;
            long end = t0 + (long) (o.duration * 1e9);
            long lastT = t0;
            long lastDone = sumDone(clients);
            double min1s = Double.MAX_VALUE;
            double max1s = 0;
            StringBuilder progress = new StringBuilder();
            while (true) {
                long now = System.nanoTime();
                if (now >= end) {
                    break;
                }
                Thread.sleep(Math.max(1, Math.min(1000, (end - now) / 1_000_000)));
                now = System.nanoTime();
                long d = sumDone(clients);
                double secs = (now - lastT) / 1e9;
                if (secs >= 0.5) { // ignore a short last slice
                    double r = (d - lastDone) / secs;
                    min1s = Math.min(min1s, r);
                    max1s = Math.max(max1s, r);
                    progress.append(String.format(Locale.ROOT, " %.0f", r));
                }
                lastT = now;
                lastDone = d;
            }
            load.phase = STOP;
            long t1 = System.nanoTime();
            double srv1 = server != null ? server.cpuSeconds() : Double.NaN;
            Map<String, Long> mark1 = server != null ? server.mark() : Map.of();
            Map<String, Long> counters = new LinkedHashMap<>();
            mark1.forEach((k, v) -> {
                Long v0 = mark0.get(k);
                if (v0 != null) {
                    counters.put(k, v - v0);
                }
            });
            long cli1 = os.getProcessCpuTime();
            if (o.progress) {
                System.out.println("  round trips per second:" + progress);
            }
            // every client finishes its round trip and closes its socket
            long joinDeadline = System.nanoTime() + timeoutMs * 1_000_000L + 5_000_000_000L;
            int stuck = 0;
            for (Thread t : threads) {
                long left = joinDeadline - System.nanoTime();
                if (left <= 0 || !t.join(Duration.ofNanos(Math.max(1, left)))) {
                    stuck++;
                }
            }
            if (stuck > 0) {
                System.out.println("  " + stuck + " client threads still running after the stop: closing their sockets");
                for (Client c : clients) {
                    Socket s = c.socket;
                    if (s != null) {
                        try {
                            s.close();
                        } catch (IOException ignored) {
                            // closing anyway
                        }
                    }
                }
            }
            long failed = Arrays.stream(clients).filter(c -> c.errors > 0).count();
            if ((failed > 0 || stuck > 0) && server != null && server.process.isAlive()) {
                String path = server.dump();
                String jcmd = jcmdThreadPrint(server.process.pid());
                System.out.println("  " + failed + " connections failed, " + stuck + " stuck: server " + mode + " (pid "
                        + server.process.pid() + ") diagnosis in " + path + (jcmd != null ? " and " + jcmd : ""));
            }
            Histogram all = new Histogram();
            long errors = 0;
            Map<String, Integer> samples = new LinkedHashMap<>();
            for (Client c : clients) {
                all.add(c.h);
                errors += c.errors;
                if (c.error != null) {
                    samples.merge(c.error.replaceAll("\\d+", "N"), 1, Integer::sum);
                }
            }
            List<String> errorSamples = new ArrayList<>();
            samples.entrySet().stream().limit(5).forEach(e -> errorSamples.add(e.getValue() + "x " + e.getKey()));
            double seconds = (t1 - t0) / 1e9;
            int slots = (int) Math.min(load.timeline.length(), (t1 - t0) / 10_000_000L); // whole 10 ms slots
            int empty = 0;
            int low = 0;
            int run = 0;
            int longestLow = 0;
            double mean = all.total / Math.max(1.0, (t1 - t0) / 10_000_000.0);
            for (int i = 0; i < slots; i++) {
                int n = load.timeline.get(i);
                if (n == 0) {
                    empty++;
                }
                if (n < mean / 4) {
                    low++;
                    run++;
                    longestLow = Math.max(longestLow, run);
                } else {
                    run = 0;
                }
            }
            int[] stalls = {slots, empty, low, longestLow * 10};
            // fairness: round trips per connection over the measurement
            long[] per = Arrays.stream(clients).mapToLong(c -> c.h.total).sorted().toArray();
            long[] fairness = {per[0], per[per.length / 100], per[per.length / 2], per[per.length - 1]};
            return new Result(mode, conns, round, all.total, seconds, all.total / seconds, all, errors, errorSamples,
                    srv1 - srv0, (cli1 - cli0) / 1e9, min1s == Double.MAX_VALUE ? Double.NaN : min1s, max1s, stuck,
                    counters, fairness, stalls, (srv1 - srv0 + (cli1 - cli0) / 1e9) / seconds);
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /** {@code jcmd PID Thread.print -l} (platform threads with monitor owners) into a file; its path, or null. */
    static String jcmdThreadPrint(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return null;
        }
        try {
            Path out = Files.createTempFile("echoload-jcmd-" + pid + "-", ".txt");
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print", "-l")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return out.toString();
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    static long sumDone(Client[] clients) {
        long s = 0;
        for (Client c : clients) {
            s += c.done;
        }
        return s;
    }

    static void sleepSeconds(double s) throws InterruptedException {
        long ms = (long) (s * 1000);
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }

    static double us(long ns) {
        return ns / 1000.0;
    }

    static void report(Result r) {
        Histogram h = r.h;
        System.out.printf(Locale.ROOT,
                "  %-12s %5d conns: %,9.0f round trips/s  p50 %8.1f us  p99 %8.1f us  p99.9 %8.1f us  max %8.1f us"
                        + "  errors %d  server cpu %.2f s (%.1f us/rt)  client cpu %.2f s  slowest 1 s %,.0f/s%n",
                r.mode, r.conns, r.rps, us(h.percentile(50)), us(h.percentile(99)), us(h.percentile(99.9)), us(h.max),
                r.errors, r.serverCpuS, r.serverCpuS * 1e6 / Math.max(1, r.roundTrips), r.clientCpuS, r.min1sRps);
        System.out.printf(Locale.ROOT, "    round trips per connection: min %d, 1st percentile %d, median %d, max %d;"
                + " cores used by server + client: %.2f of %d%n", r.perConn[0], r.perConn[1], r.perConn[2], r.perConn[3],
                r.coresUsed, Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "    10 ms intervals: %d, without a round trip: %d, under a quarter of the mean: %d"
                + " (longest run of those: %d ms)%n", r.stalls[0], r.stalls[1], r.stalls[2], r.stalls[3]);
        if (!r.serverCounters.isEmpty()) {
            StringBuilder sb = new StringBuilder("    server counters over the measurement:");
            long echoes = Math.max(1, r.serverCounters.getOrDefault("echoes", 1L));
            r.serverCounters.forEach((k, v) -> {
                sb.append(' ').append(k).append('=').append(v);
                if (!k.equals("echoes")) {
                    sb.append(String.format(Locale.ROOT, " (%.3f/echo)", (double) v / echoes));
                }
            });
            System.out.println(sb);
        }
        for (String e : r.errorSamples) {
            System.out.println("    error: " + e);
        }
        System.out.printf(Locale.ROOT,
                "RESULT mode=%s conns=%d round=%d rps=%.0f p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f mean_us=%.1f"
                        + " round_trips=%d seconds=%.3f errors=%d stuck=%d server_cpu_s=%.3f srv_cpu_us_per_rt=%.2f"
                        + " client_cpu_s=%.3f cores_used=%.2f min1s_rps=%.0f max1s_rps=%.0f conn_rt_min=%d conn_rt_p1=%d"
                        + " conn_rt_median=%d conn_rt_max=%d slots_10ms=%d slots_empty=%d slots_low=%d longest_low_ms=%d%s%n",
                r.mode, r.conns, r.round, r.rps, us(h.percentile(50)), us(h.percentile(99)), us(h.percentile(99.9)),
                us(h.max), h.total == 0 ? 0 : us(h.sum / h.total), r.roundTrips, r.seconds, r.errors, r.stuck,
                r.serverCpuS, r.serverCpuS * 1e6 / Math.max(1, r.roundTrips), r.clientCpuS, r.coresUsed, r.min1sRps, r.max1sRps,
                r.perConn[0], r.perConn[1], r.perConn[2], r.perConn[3],
                r.stalls[0], r.stalls[1], r.stalls[2], r.stalls[3], r.serverCounters.entrySet().stream().map(e -> " srv_" + e.getKey() + "=" + e.getValue())
                        .reduce("", String::concat));
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (a.length == 0) {
            return Double.NaN;
        }
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    /** a / b to two places, or "-" without a b. */
    private static String ratio(double a, Double b) {
        return b == null ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
    }

    static void summary(List<Result> results, Options o) {
        System.out.println();
        System.out.printf(Locale.ROOT, "SUMMARY (median of %d round%s; ratios against vthreads and go in this run)%n",
                o.rounds, o.rounds == 1 ? "" : "s");
        System.out.printf(Locale.ROOT, "%-13s %6s %10s %9s %9s %10s %7s %8s %9s %9s %9s %9s%n",
                "mode", "conns", "rps", "p50_ms", "p99_ms", "p99.9_ms", "errors", "srv_us/rt", "rps/vt", "p99/vt",
                "rps/go", "p99/go");
        Set<String> modes = new LinkedHashSet<>();
        results.forEach(r -> modes.add(r.mode));
        for (int conns : o.conns) {
            Map<String, double[]> med = new LinkedHashMap<>();
            for (String m : modes) {
                List<Result> rs = results.stream().filter(r -> r.mode.equals(m) && r.conns == conns).toList();
                if (rs.isEmpty()) {
                    continue;
                }
                med.put(m, new double[] {
                        median(rs.stream().map(r -> r.rps).toList()),
                        median(rs.stream().map(r -> r.h.percentile(50) / 1e6).toList()),
                        median(rs.stream().map(r -> r.h.percentile(99) / 1e6).toList()),
                        median(rs.stream().map(r -> r.h.percentile(99.9) / 1e6).toList()),
                        rs.stream().mapToLong(r -> r.errors).sum(),
                        median(rs.stream().map(r -> r.serverCpuS * 1e6 / Math.max(1, r.roundTrips)).toList()),
                });
            }
            double[] vt = med.get("vthreads");
            double[] go = med.get("go");
            for (var e : med.entrySet()) {
                double[] v = e.getValue();
                String rr = ratio(v[0], vt == null ? null : vt[0]);
                String pr = ratio(v[2], vt == null ? null : vt[2]);
                String rg = ratio(v[0], go == null ? null : go[0]);
                String pg = ratio(v[2], go == null ? null : go[2]);
                System.out.printf(Locale.ROOT, "%-13s %6d %,10.0f %9.2f %9.2f %10.2f %7.0f %8.2f %9s %9s %9s %9s%n",
                        e.getKey(), conns, v[0], v[1], v[2], v[3], v[4], v[5], rr, pr, rg, pg);
                System.out.printf(Locale.ROOT, "SUMMARY mode=%s conns=%d rps=%.0f p50_us=%.1f p99_us=%.1f p999_us=%.1f"
                                + " errors=%.0f srv_cpu_us_per_rt=%.2f rps_vs_vthreads=%s p99_vs_vthreads=%s"
                                + " rps_vs_go=%s p99_vs_go=%s%n",
                        e.getKey(), conns, v[0], v[1] * 1000, v[2] * 1000, v[3] * 1000, v[4], v[5], rr, pr, rg, pg);
            }
        }
    }

    // ============================================================== histogram

    /**
     * Log-linear latency histogram (nanoseconds): exact below 256, then 128 sub-buckets per
     * power of two (relative error under 0.8%), up to about 137 s (larger values clamp).
     * Single writer; {@link #add} merges.
     */
    static final class Histogram {
        static final int SUB_BITS = 7;
        static final int SUB = 1 << SUB_BITS;
        static final long CLAMP = (1L << 37) - 1;
        static final int BUCKETS = index(CLAMP) + 1;

        final int[] counts = new int[BUCKETS];
        long total;
        long sum;
        long max;

        static int index(long v) {
            if (v < 2 * SUB) {
                return (int) Math.max(0, v);
            }
            int msb = 63 - Long.numberOfLeadingZeros(v);
            int shift = msb - SUB_BITS;
            return 2 * SUB + (shift - 1) * SUB + (int) ((v >>> shift) - SUB);
        }

        /** The middle of bucket {@code i}'s value range. */
        static long middle(int i) {
            if (i < 2 * SUB) {
                return i;
            }
            int shift = (i - 2 * SUB) / SUB + 1;
            long top = SUB + (i - 2 * SUB) % SUB;
            return (top << shift) + (1L << (shift - 1));
        }

        void record(long v) {
            if (v > CLAMP) {
                v = CLAMP;
            }
            counts[index(v)]++;
            total++;
            sum += v;
            if (v > max) {
                max = v;
            }
        }

        void add(Histogram o) {
            for (int i = 0; i < BUCKETS; i++) {
                counts[i] += o.counts[i];
            }
            total += o.total;
            sum += o.sum;
            max = Math.max(max, o.max);
        }

        /** The value at percentile {@code p} (0..100), within the bucket precision; 0 when empty. */
        long percentile(double p) {
            if (total == 0) {
                return 0;
            }
            long rank = Math.max(1, (long) Math.ceil(p / 100.0 * total));
            long seen = 0;
            for (int i = 0; i < BUCKETS; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    return Math.min(middle(i), max);
                }
            }
            return max;
        }
    }
}
