package io.gmp4j.soak;

import io.gmp4j.tck.fixtures.EveryScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A short soak through the same entry point as {@code ./gmp4j soak}: every scheduler, every episode kind. */
class SoakTest {

    @Test
    @Timeout(value = 90, unit = SECONDS)
    void aShortSoakOnEverySchedulerChecksOut() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        boolean ok = Soak.run(Options.of(9, 20261207L), out);
        String text = bytes.toString(StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        String last = lines.getLast();
        assertTrue(ok, text);
        assertTrue(last.startsWith("soak: ok (seed 20261207, 9 s of workload in 3 phases on gmp,fifo,jdk, "), last);
        for (String s : EveryScheduler.NAMES) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("soak: phase ") && l.contains("(" + s + ", ")
                    && l.contains(" ok in ")), () -> "no " + s + " phase passed:\n" + text);
        }
        assertTrue(text.contains("seed 20261207 (reproduce the plan with --seed 20261207)"), text);
        assertTrue(last.contains(" stalls 0;"), last);
    }

    @Test
    void optionsParseAndBadOnesSayWhatIsWrong() {
        Options o = Options.parse(new String[] {"--minutes", "2", "--seconds", "5", "--seed", "7",
                "--schedulers", "gmp,jdk"});
        assertEquals(125, o.seconds());
        assertEquals(7, o.seed());
        assertEquals(List.of("gmp", "jdk"), o.schedulers());
        assertEquals(600, Options.parse(new String[0]).seconds(), "the default is 10 minutes");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--schedulers", "gmp,go"}));
        assertEquals("--schedulers: 'go' (expected: gmp, fifo or jdk)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--seconds", "x"}));
        assertEquals("--seconds: 'x' (expected: an integer >= 0)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--bogus", "1"}));
        assertTrue(e.getMessage().startsWith("unknown option --bogus"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--seconds", "0"}));
        assertEquals("duration: 0 s (expected: >= 1 s)", e.getMessage());
    }
}
