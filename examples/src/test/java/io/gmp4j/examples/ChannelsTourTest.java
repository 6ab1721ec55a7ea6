package io.gmp4j.examples;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = SECONDS)
class ChannelsTourTest {
    @ParameterizedTest
    @ValueSource(strings = {"gmp", "fifo", "jdk"})
    void quickStartCollectsEverySquare(String scheduler) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long sum = ChannelsTour.run(scheduler, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals(328_350L, sum); // sum of i*i for i in 0..99
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("runtime: " + scheduler), bytes.toString());
    }
}
