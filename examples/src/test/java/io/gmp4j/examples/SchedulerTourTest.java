package io.gmp4j.examples;

import io.gmp4j.tck.fixtures.EveryScheduler;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = SECONDS)
class SchedulerTourTest {
    private static final Pattern SCHED = Pattern.compile(
            "(?m)^SCHED \\d+ms: gomaxprocs=2 idleprocs=\\d+ threads=\\d+ spinningthreads=(?:\\d+|n/a) needspinning=[01] "
                    + "idlethreads=\\d+ runqueue=\\d+ \\[[0-9 ]*]$");

    @EveryScheduler
    void tourRunsEveryGoroutineOnceAndPrintsSchedtraceAndSummary(String scheduler) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        boolean ok = SchedulerTour.run(new SchedulerTour.Options(scheduler, 5000, 2, 20), out);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(ok, text);
        assertTrue(text.contains("runtime: " + scheduler + " scheduler, maxProcs=2"), text);
        assertTrue(SCHED.matcher(text).find(), "no Go-style schedtrace line:\n" + text);
        assertTrue(text.contains("goroutines created: 5,001  exited: 5,001  alive: 0"), text);
        assertTrue(text.contains("checksum: ok"), text);
        if (scheduler.equals("gmp")) {
            assertTrue(text.contains("  P0: schedtick=") && text.contains("  P1: schedtick="), text);
        }
    }

    @org.junit.jupiter.api.Test
    void badOptionsSayWhatIsWrong() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SchedulerTour.Options.parse(new String[] {"--procs", "0"}));
        assertEquals("--procs: '0' (expected: an integer >= 1)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SchedulerTour.Options.parse(new String[] {"--bogus", "1"}));
        assertTrue(e.getMessage().startsWith("unknown option --bogus"), e.getMessage());
    }
}
