package io.gmp4j.netpoll;

import io.gmp4j.tck.fixtures.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code jdk} scheduler needs no JVM flag, on the network path too (a fresh JVM without it). */
@Timeout(120)
class NoFlagTest {
    @Test
    void theJdkSchedulerServesTheNetworkWithoutTheAddOpensFlag() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of("--enable-native-access=io.gmp4j.netpoll"), NoFlagProbe.class);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("echoed: hello"), r.output());
    }
}
