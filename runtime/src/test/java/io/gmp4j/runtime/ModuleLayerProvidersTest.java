package io.gmp4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.spi.ToolProvider;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scheduler provider in a child {@link ModuleLayer} the program made (a plug-in) is found when
 * the program passes the layer, and only then.
 */
class ModuleLayerProvidersTest {

    private static final String MODULE_INFO = """
            module layer.probe {
                requires io.gmp4j.runtime;
                provides io.gmp4j.runtime.spi.SchedulerProvider with layer.probe.PoolProvider;
            }
            """;

    /** A provider on the public SPI alone: goroutines' continuations run on a small platform pool. */
    private static final String PROVIDER = """
            package layer.probe;

            import io.gmp4j.runtime.spi.*;
            import java.time.Duration;
            import java.util.concurrent.*;

            public final class PoolProvider implements SchedulerProvider {
                public String name() { return "layer-probe"; }
                public Scheduler create(SchedulerConfig config) {
                    ExecutorService pool = Executors.newFixedThreadPool(config.maxProcs());
                    return new Scheduler() {
                        public Thread newThread(Runnable body) { return VirtualThreads.newThread(pool, body); }
                        public SchedulerStats stats() {
                            return new SchedulerStats("layer-probe", config.maxProcs(), -1, -1, -1, false, -1, -1, -1,
                                    java.util.List.of());
                        }
                        public void shutdown() { pool.shutdown(); }
                        public boolean awaitTermination(Duration t) throws InterruptedException {
                            return pool.awaitTermination(t.toMillis(), TimeUnit.MILLISECONDS);
                        }
                    };
                }
            }
            """;

    @Test
    void aProviderInAChildLayerIsFoundWhenTheLayerIsPassed(@TempDir Path dir) throws Exception {
        ModuleLayer layer = pluginLayer(dir);

        assertFalse(GoRuntime.availableSchedulers().contains("layer-probe"), "not visible from gmp4j's own loader");
        assertTrue(GoRuntime.availableSchedulers(layer).contains("layer-probe"), GoRuntime.availableSchedulers(layer).toString());
        assertTrue(GoRuntime.availableSchedulers(layer).contains("gmp"), "the parent layers' providers too");

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> GoRuntime.builder().scheduler("layer-probe").build());
        assertTrue(unknown.getMessage().contains("moduleLayer"), unknown.getMessage());

        try (GoRuntime rt = GoRuntime.builder().moduleLayer(layer).scheduler("layer-probe").maxProcs(1).build()) {
            assertEquals("layer-probe", rt.schedulerName());
            CompletableFuture<String> ran = new CompletableFuture<>();
            rt.go(() -> ran.complete("ran"));
            assertEquals("ran", ran.get(10, TimeUnit.SECONDS));
        }
    }

    /** Compiles the probe module and defines it in a child layer of the boot layer. */
    private static ModuleLayer pluginLayer(Path dir) throws Exception {
        Path src = dir.resolve("src");
        Path out = dir.resolve("out");
        Files.createDirectories(src.resolve("layer/probe"));
        Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
        Files.writeString(src.resolve("layer/probe/PoolProvider.java"), PROVIDER);
        String runtimeClasses = Path.of(GoRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow(
                () -> new AssertionError("javac is not in this JDK's boot layer (jdk.compiler)"));
        StringWriter err = new StringWriter();
        int rc = javac.run(new PrintWriter(err), new PrintWriter(err), "-d", out.toString(), "--module-path", runtimeClasses,
                src.resolve("module-info.java").toString(), src.resolve("layer/probe/PoolProvider.java").toString());
        assertEquals(0, rc, err.toString());
        ModuleLayer boot = ModuleLayer.boot();
        Configuration cf = boot.configuration().resolveAndBind(ModuleFinder.of(out), ModuleFinder.of(), Set.of("layer.probe"));
        return boot.defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());
    }

    @Test
    void aNullLayerIsRefusedWithItsName() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> GoRuntime.builder().moduleLayer(null));
        assertEquals("layer", e.getMessage());
    }
}
