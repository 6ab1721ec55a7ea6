package io.gmp4j.runtime;

/** Run in a fresh JVM by {@code ChildJvmTest}: what the builder takes from system properties. */
public final class PropertyProbe {
    private PropertyProbe() {}

    public static void main(String[] args) {
        try (GoRuntime built = GoRuntime.builder().build();
             GoRuntime chosen = GoRuntime.builder().scheduler("gmp").maxProcs(1).build()) {
            System.out.println("builder: " + built.schedulerName() + " " + built.maxProcs());
            System.out.println("explicit: " + chosen.schedulerName() + " " + chosen.maxProcs());
            GoRuntime def = GoRuntime.defaultRuntime();
            System.out.println("default: " + def.schedulerName() + " " + def.maxProcs());
            def.close();
        }
    }
}
