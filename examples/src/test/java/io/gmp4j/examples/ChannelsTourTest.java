package io.gmp4j.examples;

import io.gmp4j.tck.fixtures.EveryScheduler;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = SECONDS)
class ChannelsTourTest {
    @EveryScheduler
    void quickStartCollectsEverySquare(String scheduler) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long sum = ChannelsTour.run(scheduler, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals(328_350L, sum); // sum of i*i for i in 0..99
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("runtime: " + scheduler), bytes.toString());
    }
}
