package io.gmp4j.runtime;

import io.gmp4j.tck.fixtures.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.List;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A program that built its runtime must not end up on another one without asking: Go-style calls
 * from a thread that is not a goroutine act on the one open runtime, fail clearly when several
 * are open, and use the default runtime only when none is. Runs in a fresh JVM (no runtime left
 * open by other tests).
 */
@Timeout(value = 120, unit = SECONDS)
class RuntimeChoiceTest {
    @Test
    void callsFromMainActOnTheOneOpenRuntimeAndRefuseToGuessAmongSeveral() throws Exception {
        ChildJvm.Result r = ChildJvm.run(ChildJvm.RUNTIME_FLAGS, RuntimeChoiceProbe.class);
        assertEquals(0, r.exitCode(), r.output());
        List<String> lines = Arrays.asList(r.output().split("\n"));
        // The program's own runtime, not a lazily built default one (the old behaviour).
        assertTrue(lines.contains("one built: go ran on expected, forCaller expected, maxProcs 1"), r.output());
        String two = line(lines, "two built: ");
        assertTrue(two.startsWith("two built: ISE Go.go was called from thread \"main\", which is not a goroutine, while 2 runtimes built by the program are open (gmp4j-1, gmp4j-2)"),
                "several open runtimes must fail, naming them: " + r.output());
        assertTrue(two.contains("rt.go(...)") && two.contains("rt.run(...)") && two.contains("new ErrGroup(rt)"),
                "the failure must say what to do: " + two);
        assertTrue(lines.contains("one closed: go ran on expected, forCaller expected, maxProcs 1"), r.output());
        assertTrue(line(lines, "none open: ").startsWith("none open: go ran on expected, forCaller expected"), r.output());
        // The runtime the program built wins over a default runtime made earlier...
        assertTrue(lines.contains("default and one built: go ran on expected, forCaller expected, maxProcs 1"), r.output());
        // ... but two built ones are ambiguous; the message names those two only.
        assertTrue(line(lines, "default and two built: ").matches(
                "default and two built: ISE .* 2 runtimes built by the program are open \\(gmp4j-4, gmp4j-5\\).*"), r.output());
        assertTrue(lines.contains("inside c.run: c"), r.output());
        assertTrue(lines.contains("timer with two open: fired"), r.output());
        assertTrue(lines.contains("afterFunc with two open: ISE"), r.output());
        assertTrue(line(lines, "default again: ").startsWith("default again: go ran on expected"), r.output());
    }

    private static String line(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting '" + prefix + "' in " + lines));
    }
}
