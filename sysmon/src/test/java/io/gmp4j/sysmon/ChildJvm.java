package io.gmp4j.sysmon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of this (patched) module in a fresh JVM: for behaviour that depends on
 * every platform thread of the JVM, which inside JUnit always includes the harness's own.
 */
final class ChildJvm {
    private ChildJvm() {}

    record Result(int exitCode, String output) {}

    static Result run(List<String> jvmFlags, Class<?> mainClass, String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String modulePath = System.getProperty("jdk.module.path");
        if (modulePath == null) {
            throw new IllegalStateException("tests must run on the module path (jdk.module.path is unset)");
        }
        Path testClasses = Path.of(System.getProperty("basedir", "."), "target", "test-classes").toAbsolutePath();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("--add-opens");
        cmd.add("java.base/java.lang=io.gmp4j.runtime");
        cmd.addAll(jvmFlags);
        cmd.add("-p");
        cmd.add(modulePath);
        cmd.add("--patch-module");
        cmd.add("io.gmp4j.sysmon=" + testClasses);
        cmd.add("-m");
        cmd.add("io.gmp4j.sysmon/" + mainClass.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        // Read while it runs: a child that fills the pipe would otherwise block for ever.
        byte[][] out = new byte[1][];
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = ("(reading the child's output failed: " + e + ")").getBytes(StandardCharsets.UTF_8);
            }
        });
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(TimeUnit.SECONDS.toMillis(10));
            throw new AssertionError("child JVM timed out: " + cmd + "\n"
                    + (out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8)));
        }
        if (!reader.join(Duration.ofSeconds(10))) {
            throw new AssertionError("the child JVM exited but its output did not end: " + cmd);
        }
        return new Result(p.exitValue(), new String(out[0], StandardCharsets.UTF_8));
    }
}
