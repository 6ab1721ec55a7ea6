package io.gmp4j.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class of this (patched) module in a fresh JVM, for tests that need a clean JVM. */
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
        cmd.addAll(jvmFlags);
        cmd.add("-p");
        cmd.add(modulePath);
        cmd.add("--patch-module");
        cmd.add("io.gmp4j.runtime=" + testClasses);
        cmd.add("-m");
        cmd.add("io.gmp4j.runtime/" + mainClass.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM timed out: " + cmd);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.exitValue(), out);
    }
}
