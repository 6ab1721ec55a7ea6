package io.gmp4j.examples;

/** What every example's {@code main} prints last. */
final class Examples {
    private Examples() {}

    /** Prints {@code checksum: ok}, or {@code checksum: WRONG} and exits with status 1. */
    static void check(boolean ok) {
        System.out.println(ok ? "checksum: ok" : "checksum: WRONG");
        if (!ok) {
            System.exit(1);
        }
    }
}
