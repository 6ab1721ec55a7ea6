package io.gmp4j.runtime;

import io.gmp4j.runtime.internal.ColdMonitorProbe;
import io.gmp4j.tck.fixtures.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * First-use work never lands on a machine or the system monitor: in a fresh JVM without JFR,
 * the monitor's first preemption request and hand-off, and machines' steals, create no JFR
 * event (the first event object of a JVM bootstraps JFR, 0.5 s here, and the monitor stalled
 * for ~100 ms at its first preemption request while it did).
 */
@Timeout(120)
class ColdPathTest {
    @TempDir
    Path tmp;

    @Test
    void theFirstPreemptionRequestAndHandoffDoNotBootstrapJfr() throws Exception {
        Path log = tmp.resolve("classes.log");
        List<String> flags = List.of("--add-opens", "java.base/java.lang=io.gmp4j.runtime",
                "-Xlog:class+load=info:file=" + log);
        ChildJvm.Result r = ChildJvm.run(flags, ColdMonitorProbe.class);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("probe: ok"), r.output());
        assertTrue(r.output().contains("preempt=true") && r.output().contains("retake=true"), r.output());
        String out = Files.readString(log);
        assertTrue(out.contains("io.gmp4j.runtime.internal.ColdMonitorProbe"), "no class-load log: " + out);
        for (String event : List.of("PreemptEvent", "HandoffEvent", "StealEvent")) {
            assertFalse(out.contains("io.gmp4j.runtime.internal." + event + " "), event + " was loaded without JFR");
        }
        assertFalse(out.contains("jdk.jfr.internal.MetadataRepository "), "JFR was bootstrapped");
    }

    /**
     * With JFR running, the scheduler's event classes load (and JFR instruments and registers
     * them) when the scheduler is built, on the builder's thread, not at the monitor's first
     * preemption request and hand-off or a machine's first steal.
     */
    @Test
    void withJfrRunningTheEventClassesLoadAtBuildNotOnTheMonitor() throws Exception {
        Path log = tmp.resolve("classes-jfr.log");
        List<String> flags = List.of("--add-opens", "java.base/java.lang=io.gmp4j.runtime",
                "-XX:StartFlightRecording:filename=" + tmp.resolve("probe.jfr"),
                "-Xlog:class+load=info:file=" + log);
        ChildJvm.Result r = ChildJvm.run(flags, ColdMonitorProbe.class);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("preempt=true") && r.output().contains("retake=true"), r.output());
        List<String> lines = Files.readAllLines(log);
        int monitoring = indexOf(lines, ColdMonitorProbe.class.getName() + "$Monitoring ");
        assertTrue(monitoring >= 0, "no marker in the class-load log");
        for (String event : List.of("PreemptEvent", "HandoffEvent", "StealEvent")) {
            int loaded = indexOf(lines, "io.gmp4j.runtime.internal." + event + " ");
            assertTrue(loaded >= 0 && loaded < monitoring, event + " was not loaded before the monitor's first request");
        }
    }

    /**
     * The first goroutines of a JVM link nothing the runtime could link when it was built:
     * between the first {@code go()} and the second goroutine's start, no method-handle form
     * is spun (the runtime's handles into the JDK are linked at build), no string
     * concatenation is linked (goroutine and machine names are built without '+'), and the
     * {@link Go} facade is already loaded. Each cost milliseconds in a fresh JVM, on the
     * processor the system monitor watches (ColdHandoff in benchmarks).
     */
    @Test
    void theFirstGoroutinesLinkNoMethodHandleFormsAndNoStringConcatenation() throws Exception {
        Path log = tmp.resolve("classes-start.log");
        List<String> flags = List.of("--add-opens", "java.base/java.lang=io.gmp4j.runtime",
                "-Xlog:class+load=info:file=" + log);
        ChildJvm.Result r = ChildJvm.run(flags, ColdStartProbe.class);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("probe: ok"), r.output());
        List<String> lines = Files.readAllLines(log);
        int from = indexOf(lines, ColdStartProbe.class.getName() + "$First ");
        int to = indexOf(lines, ColdStartProbe.class.getName() + "$Second ");
        assertTrue(from >= 0 && to > from, "markers missing from the class-load log");
        // Loaded at build, before any virtual thread ended: see JdkAccess.loadEndOfLifeClasses
        // (else goroutines parked while VirtualThread.run is first compiled each deoptimise on exit).
        int endEvent = indexOf(lines, "jdk.internal.event.VirtualThreadEndEvent ");
        assertTrue(endEvent >= 0 && endEvent < from,
                "VirtualThreadEndEvent was not loaded when the runtime was built (line " + endEvent + ", first go() at " + from + ")");
        List<String> window = lines.subList(from + 1, to);
        for (String l : window) {
            assertFalse(l.contains("LambdaForm$") || l.contains("$$StringConcat") || l.contains("io.gmp4j.runtime.Go "),
                    "loaded by the first goroutines: " + l + "\nall: " + String.join("\n", window));
        }
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
