package io.gmp4j.tck;

import io.gmp4j.runtime.spi.SchedulerProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.EnumSet;
import java.util.Set;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kit fails schedulers that break its rules: a correct pool scheduler passes the checks
 * below, and the same scheduler with one defect fails the check for that defect.
 */
@Timeout(value = 120, unit = SECONDS)
class KitCatchesDefectsTest {
    /** The kit for {@code provider}, claiming {@code caps}. */
    private static SchedulerTck kit(SchedulerProvider provider, Set<SchedulerTck.Capability> caps, int spawns) {
        return new SchedulerTck() {
            @Override
            protected SchedulerProvider provider() {
                return provider;
            }

            @Override
            protected Set<Capability> capabilities() {
                return caps;
            }

            @Override
            protected int spawns() {
                return spawns;
            }
        };
    }

    @Test
    void aCorrectPoolSchedulerPasses() throws Exception {
        SchedulerTck ok = kit(BrokenSchedulers.pool("pool", false, 0), EnumSet.of(SchedulerTck.Capability.MAX_PROCS), 100_000);
        ok.everyGoroutineRunsExactlyOnce();
        ok.noMoreThanMaxProcsGoroutinesRunAtOnce();
        ok.anIdleRuntimeIsWokenEveryTime();
        ok.aGoroutineFindsItsOwnRuntime();
    }

    @Test
    void aSchedulerThatClaimsCarriersItDoesNotHaveFails() {
        SchedulerTck claims = kit(BrokenSchedulers.pool("claims-carriers", false, 0, true), EnumSet.noneOf(SchedulerTck.Capability.class), 1_000);
        AssertionError e = assertThrows(AssertionError.class, claims::aGoroutineFindsItsOwnRuntime);
        assertTrue(e.getMessage().contains("sees null"), e.getMessage());
    }

    @Test
    void aSchedulerThatLosesGoroutinesFails() {
        SchedulerTck lossy = kit(BrokenSchedulers.pool("lossy", false, 50_000), EnumSet.noneOf(SchedulerTck.Capability.class), 100_000);
        AssertionError e = assertThrows(AssertionError.class, lossy::everyGoroutineRunsExactlyOnce);
        assertTrue(e.getMessage().contains("did not happen"), e.getMessage());
    }

    @Test
    void aSchedulerThatClaimsMaxProcsButRunsMoreFails() {
        SchedulerTck unbounded = kit(BrokenSchedulers.pool("unbounded", true, 0), EnumSet.of(SchedulerTck.Capability.MAX_PROCS), 1_000);
        AssertionError e = assertThrows(AssertionError.class, unbounded::noMoreThanMaxProcsGoroutinesRunAtOnce);
        assertTrue(e.getMessage().contains("ran at once with maxProcs 2"), e.getMessage());
    }
}
