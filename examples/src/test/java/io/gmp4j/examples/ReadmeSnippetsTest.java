package io.gmp4j.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@code java} block of README.md compiles, against the modules a user gets: a block
 * starting with {@code module} is a module declaration and is compiled with the block after it
 * (a {@code package} compilation unit) as the module it declares, which is then run as a user
 * would ({@code java @gmp4j.args -p ... -m}) and its output compared with the {@code text}
 * block that follows it; any other complete compilation unit is compiled as it is; a fragment is
 * compiled as the body of a method (its {@code import} lines hoisted) with the gmp4j packages
 * imported; blocks are compiled with {@code --enable-preview}, as the README says for a preview
 * API. The compiler and the program run in child processes of the JDK running the tests.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReadmeSnippetsTest {
    private static final Pattern FENCE = Pattern.compile("(?m)^```(\\w*)\\n(.*?)^```\\n", Pattern.DOTALL);

    @TempDir
    Path tmp;

    record Block(String lang, String body, int line) {}

    private static List<Block> blocks(String readme) {
        List<Block> out = new ArrayList<>();
        Matcher m = FENCE.matcher(readme);
        while (m.find()) {
            int line = (int) readme.substring(0, m.start()).lines().count() + 1;
            out.add(new Block(m.group(1), m.group(2), line));
        }
        return out;
    }

    private static Path readme() {
        return Path.of(System.getProperty("basedir", "."), "..", "README.md").toAbsolutePath().normalize();
    }

    private static String modulePath() {
        String mp = System.getProperty("jdk.module.path");
        assertNotNull(mp, "tests must run on the module path");
        return mp;
    }

    private static String tool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    /** Runs a JDK tool; returns its output, failing the test with it on a non-zero exit. */
    private static String exec(String what, List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), what + " timed out");
        assertEquals(0, p.exitValue(), what + " failed:\n" + out);
        return out;
    }

    private void javac(String what, Path out, List<String> options, List<Path> sources) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(tool("javac"), "-Xlint:none", "-d", out.toString()));
        cmd.addAll(options);
        sources.forEach(s -> cmd.add(s.toString()));
        exec(what, cmd);
    }

    @Test
    void everyJavaBlockCompilesAndTheQuickStartPrintsWhatTheReadmeSays() throws Exception {
        String readme = Files.readString(readme());
        List<Block> blocks = blocks(readme);
        int compiled = 0;
        boolean ranQuickStart = false;
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            if (!b.lang().equals("java")) {
                continue;
            }
            String where = "README.md:" + b.line();
            if (b.body().strip().startsWith("module ")) {
                assertTrue(i + 1 < blocks.size() && blocks.get(i + 1).lang().equals("java"),
                        where + ": a module declaration must be followed by the module's code");
                Block code = blocks.get(i + 1);
                String out = compileAndRunModule(b, code);
                Block expected = i + 2 < blocks.size() ? blocks.get(i + 2) : null;
                assertTrue(expected != null && expected.lang().equals("text"),
                        where + ": the program's output must follow it in a text block");
                assertEquals(expected.body().strip(), out.strip(), where + ": the program printed something else");
                ranQuickStart = true;
                compiled += 2;
                i++;
                continue;
            }
            compileAlone(b, i);
            compiled++;
        }
        assertTrue(ranQuickStart, "README.md has no runnable module example");
        assertTrue(compiled >= 2, "only " + compiled + " java blocks found");
    }

    private String compileAndRunModule(Block moduleInfo, Block code) throws Exception {
        Matcher name = Pattern.compile("module\\s+([\\w.]+)").matcher(moduleInfo.body());
        assertTrue(name.find());
        Matcher pkg = Pattern.compile("(?m)^package\\s+([\\w.]+);").matcher(code.body());
        assertTrue(pkg.find(), "README.md:" + code.line() + ": the module's code needs a package");
        Matcher cls = Pattern.compile("(?m)^public\\s+(?:final\\s+)?class\\s+(\\w+)").matcher(code.body());
        assertTrue(cls.find(), "README.md:" + code.line() + ": the module's code needs a public class");
        Path src = tmp.resolve("module-src");
        Path pkgDir = src.resolve(pkg.group(1).replace('.', '/'));
        Files.createDirectories(pkgDir);
        Path mi = Files.writeString(src.resolve("module-info.java"), moduleInfo.body());
        Path main = Files.writeString(pkgDir.resolve(cls.group(1) + ".java"), code.body());
        Path out = tmp.resolve("module-out");
        javac("compiling README.md:" + moduleInfo.line() + " and :" + code.line(), out,
                List.of("--module-path", modulePath()), List.of(mi, main));
        Path args = Path.of(System.getProperty("basedir", "."), "..", "gmp4j.args").toAbsolutePath().normalize();
        return exec("running README.md:" + code.line(), List.of(tool("java"), "@" + args,
                "-p", modulePath() + java.io.File.pathSeparator + out,
                "-m", name.group(1) + "/" + pkg.group(1) + "." + cls.group(1)));
    }

    private void compileAlone(Block b, int index) throws Exception {
        Path dir = tmp.resolve("block" + index);
        Files.createDirectories(dir);
        String body = b.body();
        Path file;
        Matcher cls = Pattern.compile("(?m)^(?:public\\s+)?(?:final\\s+)?(?:class|record|interface)\\s+(\\w+)").matcher(body);
        if (cls.find()) {
            file = Files.writeString(dir.resolve(cls.group(1) + ".java"), body);
        } else {
            StringBuilder imports = new StringBuilder("""
                    import io.gmp4j.runtime.*;
                    import io.gmp4j.patterns.*;
                    import io.gmp4j.netpoll.*;
                    import java.time.*;
                    import java.util.*;
                    import java.util.concurrent.*;
                    """);
            StringBuilder code = new StringBuilder();
            for (String line : body.lines().toList()) {
                if (line.startsWith("import ")) {
                    imports.append(line).append('\n');
                } else {
                    code.append(line).append('\n');
                }
            }
            file = Files.writeString(dir.resolve("Snippet.java"), imports + "class Snippet {\n"
                    + "    @SuppressWarnings(\"unused\") static void snippet() throws Exception {\n" + code + "    }\n}\n");
        }
        // --enable-preview: a block may show a JDK 25 preview API (StructuredTaskScope).
        javac("compiling README.md:" + b.line(), dir.resolve("out"), List.of("--enable-preview", "--release",
                Integer.toString(Runtime.version().feature()), "--module-path", modulePath(),
                "--add-modules", "io.gmp4j.runtime,io.gmp4j.patterns,io.gmp4j.netpoll"), List.of(file));
        assertFalse(Files.notExists(dir.resolve("out")), "README.md:" + b.line() + ": nothing compiled");
    }
}
