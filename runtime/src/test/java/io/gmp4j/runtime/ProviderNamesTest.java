package io.gmp4j.runtime;

import io.gmp4j.runtime.internal.FifoSchedulerProvider;
import io.gmp4j.runtime.internal.JdkSchedulerProvider;
import io.gmp4j.runtime.spi.Scheduler;
import io.gmp4j.runtime.spi.SchedulerConfig;
import io.gmp4j.runtime.spi.SchedulerProvider;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two scheduler providers with one name are an error naming both, not "the first one wins". */
class ProviderNamesTest {
    /** Another provider that calls itself "fifo". */
    static final class Impostor implements SchedulerProvider {
        @Override
        public String name() {
            return "fifo";
        }

        @Override
        public Scheduler create(SchedulerConfig config) {
            return new JdkSchedulerProvider().create(config);
        }
    }

    @Test
    void twoProvidersWithOneNameAreAnErrorThatNamesBoth() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RuntimeConfig.byName(List.of(new FifoSchedulerProvider(), new Impostor())));
        assertTrue(e.getMessage().contains("two providers are named 'fifo'")
                && e.getMessage().contains(FifoSchedulerProvider.class.getName())
                && e.getMessage().contains(Impostor.class.getName())
                && e.getMessage().contains("scheduler(SchedulerProvider)"), e.getMessage());
    }

    @Test
    void theSameProviderFoundTwiceIsNotAConflict() {
        assertEquals(List.of("fifo"), List.copyOf(RuntimeConfig.byName(
                List.of(new FifoSchedulerProvider(), new FifoSchedulerProvider())).keySet()));
    }

    @Test
    void theBuiltInProvidersHaveDistinctNames() {
        assertEquals(List.of("fifo", "gmp", "jdk"), GoRuntime.availableSchedulers());
    }
}
