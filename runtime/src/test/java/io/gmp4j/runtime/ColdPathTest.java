package io.gmp4j.runtime;

import io.gmp4j.runtime.internal.ColdMonitorProbe;
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
}
