package io.gmp4j.runtime;

import io.gmp4j.tck.fixtures.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Behaviour that needs a fresh JVM: JVM flags and once-per-JVM initialisation. */
@Timeout(value = 120, unit = SECONDS)
class ChildJvmTest {
    private static final List<String> OPENS = ChildJvm.RUNTIME_FLAGS;

    @Test
    void theBuilderTakesEverySettingFromItsSystemPropertyUnlessToldOtherwise() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of(OPENS.get(0), OPENS.get(1), "-Dgmp4j.scheduler=fifo",
                "-Dgmp4j.maxprocs=3"), PropertyProbe.class);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("builder: fifo 3"), "the builder ignored -Dgmp4j.scheduler: " + r.output());
        assertTrue(r.output().contains("explicit: gmp 1"), r.output());
        assertTrue(r.output().contains("default: fifo 3"), r.output());
    }

    @Test
    void theJdkSocketPollerDoesNotInheritTheGoroutineScheduler() throws Exception {
        ChildJvm.Result r = ChildJvm.run(OPENS, PollerProbe.class);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("foreign=0"), "JDK poller threads ran on gmp4j: " + r.output());
    }

    @Test
    void withoutTheEarlyInitialisationThePollerWouldInheritIt() throws Exception {
        // Control: proves the probe detects the quirk the runtime prevents.
        ChildJvm.Result r = ChildJvm.run(List.of(OPENS.get(0), OPENS.get(1), "-Dgmp4j.initJdkPoller=false"),
                PollerProbe.class);
        assertEquals(0, r.exitCode(), r.output());
        assertFalse(r.output().contains("foreign=0"), "control did not reproduce the quirk: " + r.output());
        assertTrue(r.output().contains("foreign="), r.output());
    }

    @Test
    void aMissingAddOpensFlagIsReportedByName() throws Exception {
        for (String scheduler : List.of("gmp", "fifo")) {
            ChildJvm.Result r = ChildJvm.run(List.of(), FlagProbe.class, scheduler);
            assertTrue(r.output().contains("error java.lang.IllegalStateException"), r.output());
            assertTrue(r.output().contains("'--add-opens java.base/java.lang=io.gmp4j.runtime'"), r.output());
        }
        // the jdk provider needs no flag
        ChildJvm.Result r = ChildJvm.run(List.of(), FlagProbe.class, "jdk");
        assertTrue(r.output().contains("built jdk"), r.output());
    }
}
