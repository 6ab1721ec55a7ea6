package io.gmp4j.runtime;

import io.gmp4j.runtime.spi.MonitorProvider;
import io.gmp4j.runtime.spi.PollerProvider;
import io.gmp4j.runtime.spi.SchedulerConfig;
import io.gmp4j.runtime.spi.SchedulerProvider;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * How a runtime is configured when the builder leaves a setting open: the providers found with
 * {@link ServiceLoader} (in the boot layer and class path, or in a module layer the program
 * passes), and the {@code -Dgmp4j.*} properties and {@code GOMAXPROCS} with their checks.
 */
final class RuntimeConfig {
    private RuntimeConfig() {}

    /** The first monitor provider found in {@code layer} (and its parents), or on gmp4j's class loader when null. */
    static MonitorProvider monitorProvider(ModuleLayer layer) {
        for (MonitorProvider p : load(MonitorProvider.class, layer)) {
            return p;
        }
        return null;
    }

    /** The first poller provider found in {@code layer} (and its parents), or on gmp4j's class loader when null. */
    static PollerProvider pollerProvider(ModuleLayer layer) {
        for (PollerProvider p : load(PollerProvider.class, layer)) {
            return p;
        }
        return null;
    }

    /**
     * A service loader over {@code layer} and its parents (a plug-in layer the program made),
     * or, when null, over gmp4j's class loader: the boot layer's modules and the class path.
     */
    static <S> ServiceLoader<S> load(Class<S> service, ModuleLayer layer) {
        return layer == null ? ServiceLoader.load(service, GoRuntime.class.getClassLoader())
                : ServiceLoader.load(layer, service);
    }

    /** The scheduler providers of {@code layer} (and its parents), or of gmp4j's class loader when null, by name. */
    static Map<String, SchedulerProvider> providers(ModuleLayer layer) {
        return byName(load(SchedulerProvider.class, layer));
    }

    /** The providers by name; two of different classes under one name are an error naming both. */
    static Map<String, SchedulerProvider> byName(Iterable<SchedulerProvider> found) {
        Map<String, SchedulerProvider> map = new TreeMap<>();
        for (SchedulerProvider p : found) {
            SchedulerProvider twin = map.putIfAbsent(p.name(), p);
            if (twin != null && twin.getClass() != p.getClass()) {
                throw new IllegalStateException("scheduler: two providers are named '" + p.name() + "' ("
                        + twin.getClass().getName() + " in " + twin.getClass().getModule() + ", "
                        + p.getClass().getName() + " in " + p.getClass().getModule()
                        + "): rename one, remove one from the module path, or pass the one you mean to "
                        + "GoRuntime.builder().scheduler(SchedulerProvider)");
            }
        }
        return map;
    }

    static SchedulerProvider provider(String name, ModuleLayer layer) {
        Map<String, SchedulerProvider> all = providers(layer);
        SchedulerProvider p = all.get(name);
        if (p == null) {
            throw new IllegalArgumentException("scheduler: '" + name + "' is unknown (expected one of "
                    + all.keySet() + "; a custom one must be a SchedulerProvider on the module path"
                    + (layer == null ? ", or in a module layer passed to GoRuntime.Builder.moduleLayer" : " or in " + layer)
                    + ")");
        }
        return p;
    }

    static int defaultMaxProcs() {
        String prop = System.getProperty("gmp4j.maxprocs");
        if (prop != null) {
            return parseProcs(prop, "-Dgmp4j.maxprocs");
        }
        String env = System.getenv("GOMAXPROCS");
        if (env != null && !env.isBlank()) {
            return parseProcs(env, "GOMAXPROCS");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    static int defaultMaxMachines() {
        String prop = System.getProperty("gmp4j.maxthreads");
        if (prop == null) {
            return SchedulerConfig.DEFAULT_MAX_MACHINES;
        }
        return parseProcs(prop, "-Dgmp4j.maxthreads");
    }

    static long longProperty(String key, long dflt) {
        String v = System.getProperty(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + key + ": '" + v + "' (expected: milliseconds, an integer >= 0)");
    }

    static DeadlockHandler defaultDeadlockHandler() {
        String v = System.getProperty("gmp4j.deadlock", "print").trim();
        return switch (v) {
            case "print" -> DeadlockHandler.PRINT;
            case "exit" -> DeadlockHandler.EXIT;
            case "off" -> DeadlockHandler.OFF;
            default -> throw new IllegalArgumentException("-Dgmp4j.deadlock: '" + v
                    + "' (expected: print, exit or off)");
        };
    }

    static int parseProcs(String value, String source) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(source + ": '" + value + "' (expected: an integer >= 1)");
    }
}
