package io.gmp4j.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Smoke tests of the pattern examples: each runs and prints what its article's example does. */
@Timeout(value = 60, unit = SECONDS)
class PatternExamplesTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void workerPool() throws Exception {
        assertEquals(110, WorkerPoolExample.run(out));
        assertEquals(10, text().lines().filter(l -> l.matches("worker [123] finished job \\d+ -> \\d+")).count(), text());
    }

    @Test
    void semaphore() throws Exception {
        int peak = SemaphoreExample.run(out);
        assertTrue(peak >= 1 && peak <= 3, "peak " + peak);
        assertEquals(10, text().lines().filter(l -> l.startsWith("semaphore: goroutine")).count(), text());
        assertEquals(10, text().lines().filter(l -> l.startsWith("channel:   goroutine")).count(), text());
    }

    @Test
    void pipeline() throws Exception {
        assertEquals(List.of(1, 4, 9, 16, 25), PipelineExample.run(out));
        assertEquals(List.of("1", "4", "9", "16", "25"), text().lines().toList());
    }

    @Test
    void fanOutFanIn() throws Exception {
        assertEquals(55, FanOutFanInExample.run(out));
        assertEquals(5, text().lines().filter(l -> l.contains(" squared is ")).count(), text());
    }

    @Test
    void errGroup() throws Exception {
        String s = ErrGroupExample.run(out);
        assertTrue(s.contains("ok;") && s.contains("cancelled;"), s);
        assertTrue(s.endsWith("error=task 2: orders service unavailable"), s);
        assertTrue(text().contains("task 3: cancelled (context canceled, cause: task 2: orders service unavailable)"),
                text());
    }

    @Test
    void patternsTourRunsAllSix() throws Exception {
        assertTrue(PatternsTour.run(out), text());
        assertEquals(6, text().lines().filter(l -> l.startsWith("== ")).count(), text());
    }

    @Test
    void singleflight() throws Exception {
        assertEquals(1, SingleflightExample.run(out));
        assertEquals(5, text().lines().filter(l -> l.endsWith("got Ada Lovelace (shared: true)")).count(), text());
    }
}
