package io.gmp4j.sysmon;

import io.gmp4j.runtime.DeadlockHandler;
import io.gmp4j.tck.fixtures.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deadlock report as a user's program meets it: in a fresh JVM whose only non-daemon
 * thread is {@code main} ({@link DeadlockProbe}). Inside JUnit the harness's own threads (its
 * timeout watcher waits with a timeout) could wake a goroutine, so the default rule would, rightly,
 * never report there.
 */
@Timeout(value = 120, unit = SECONDS)
class DeadlockReportTest {

    /**
     * A Java program's usual shape: {@code main} starts the goroutines, sleeps, then closes
     * their channel. A sleeping platform thread can still wake them, so nothing is reported
     * (before, the report fired 200 ms after the goroutines parked).
     */
    @Test
    void aSleepingPlatformThreadThatWillWakeTheGoroutinesPreventsTheReport() throws Exception {
        ChildJvm.Result r = ChildJvm.run(ChildJvm.RUNTIME_FLAGS, DeadlockProbe.class, "sleeper", "1000");
        assertFalse(r.output().contains(DeadlockHandler.FATAL), r.output());
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("woken 1000"), r.output());
    }

    /**
     * {@code main} waits in {@code close()} for goroutines nobody can wake: a real deadlock,
     * reported within a bound far above the 200 ms settle time and the monitor's one-second
     * idle cadence (a liveness bound, not a speed claim).
     */
    @Test
    void aRealDeadlockIsReportedWhileMainWaitsInClose() throws Exception {
        ChildJvm.Result r = ChildJvm.run(ChildJvm.RUNTIME_FLAGS, DeadlockProbe.class, "deadlock", "3");
        String out = r.output();
        assertEquals(2, r.exitCode(), out);
        assertTrue(out.startsWith(DeadlockHandler.FATAL + "\n\n"), out);
        assertEquals(3, out.lines().filter(l -> l.matches("^goroutine \\d+ \\[chan receive.*")).count(), out);
        // The report names the platform thread that waits, and why it cannot wake anyone.
        assertTrue(out.contains("\n\"main\" WAITING\n"), out);
        assertTrue(out.contains("GoRuntime.close("), out);
        Matcher m = Pattern.compile("reported after (\\d+) ms").matcher(out);
        assertTrue(m.find(), out);
        long ms = Long.parseLong(m.group(1));
        assertTrue(ms < 10_000, "reported only after " + ms + " ms:\n" + out);
    }
}
