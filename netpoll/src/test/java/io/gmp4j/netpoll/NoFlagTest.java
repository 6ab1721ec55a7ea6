package io.gmp4j.netpoll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code jdk} scheduler needs no JVM flag, on the network path too (a fresh JVM without it). */
@Timeout(120)
class NoFlagTest {
    @Test
    void theJdkSchedulerServesTheNetworkWithoutTheAddOpensFlag() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path testClasses = Path.of(System.getProperty("basedir", "."), "target", "test-classes").toAbsolutePath();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=io.gmp4j.netpoll",
                "-p", System.getProperty("jdk.module.path"),
                "--patch-module", "io.gmp4j.netpoll=" + testClasses,
                "-m", "io.gmp4j.netpoll/" + NoFlagProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("echoed: hello"), out);
    }
}
