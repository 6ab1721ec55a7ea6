package io.gmp4j.runtime;

/** Child-JVM program: builds a gmp runtime and prints what went wrong, if anything. */
public final class FlagProbe {
    private FlagProbe() {}

    public static void main(String[] args) {
        try (GoRuntime rt = GoRuntime.builder().scheduler(args[0]).maxProcs(1).build()) {
            System.out.println("built " + rt.schedulerName());
        } catch (RuntimeException e) {
            System.out.println("error " + e.getClass().getName() + ": " + e.getMessage());
        }
    }
}
