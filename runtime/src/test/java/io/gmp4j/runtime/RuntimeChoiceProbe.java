package io.gmp4j.runtime;

import java.time.Duration;
import java.util.concurrent.SynchronousQueue;

/**
 * Run in a fresh JVM by {@code RuntimeChoiceTest}: which runtime Go-style calls from a thread that
 * is not a goroutine ({@code main}) act on, as runtimes are built and closed. One line per step.
 */
public final class RuntimeChoiceProbe {
    private RuntimeChoiceProbe() {}

    public static void main(String[] args) throws Exception {
        GoRuntime a = GoRuntime.builder().maxProcs(1).build();
        report("one built", a);
        try (GoRuntime b = GoRuntime.builder().maxProcs(1).build()) {
            report("two built", a, b);
        }
        report("one closed", a);
        a.close();
        GoRuntime def = GoRuntime.defaultRuntime();
        report("none open", def);
        try (GoRuntime c = GoRuntime.builder().maxProcs(1).build()) {
            report("default and one built", c);
            try (GoRuntime d = GoRuntime.builder().maxProcs(1).build()) {
                report("default and two built", c, d);
                // Inside a goroutine the goroutine's runtime always wins, however many are open.
                GoRuntime inside = c.run(() -> runtimeOf(Go::go));
                System.out.println("inside c.run: " + (inside == c ? "c" : "other " + inside));
                // Timers need only a clock: no failure, and they fire.
                Timer t = Timer.newTimer(Duration.ofMillis(1));
                System.out.println("timer with two open: " + (t.c().recv() != null ? "fired" : "null"));
                try {
                    Timer.afterFunc(Duration.ofMillis(1), () -> {});
                    System.out.println("afterFunc with two open: ran");
                } catch (IllegalStateException e) {
                    System.out.println("afterFunc with two open: ISE");
                }
            }
        }
        report("default again", def);
    }

    /** Starts a goroutine with {@code go} from this thread and returns the runtime it ran on. */
    private static GoRuntime runtimeOf(java.util.function.Function<Runnable, Thread> go) throws InterruptedException {
        SynchronousQueue<GoRuntime> q = new SynchronousQueue<>();
        go.apply(() -> {
            try {
                q.put(GoRuntime.current().orElseThrow());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return q.take();
    }

    private static void report(String step, GoRuntime... open) throws InterruptedException {
        StringBuilder sb = new StringBuilder(step).append(": ");
        try {
            GoRuntime ran = runtimeOf(Go::go);
            GoRuntime chosen = GoRuntime.forCaller();
            sb.append("go ran on ").append(ran == open[0] ? "expected" : "other " + ran)
                    .append(", forCaller ").append(chosen == open[0] ? "expected" : "other " + chosen)
                    .append(", maxProcs ").append(Go.maxProcs());
        } catch (IllegalStateException e) {
            sb.append("ISE ").append(e.getMessage());
        }
        System.out.println(sb);
    }
}
