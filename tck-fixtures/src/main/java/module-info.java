/**
 * The test fixtures of gmp4j's scheduler test kit, shared by gmp4j's own tests and re-exported by
 * the kit ({@code io.gmp4j.tck}): {@link io.gmp4j.tck.fixtures.EveryScheduler}, a JUnit 5 test
 * run once on every built-in scheduler; {@link io.gmp4j.tck.fixtures.Await}, bounded waits that
 * fail with what they waited for; and {@link io.gmp4j.tck.fixtures.ChildJvm}, a main class of the
 * module under test run in a fresh JVM. It reads no gmp4j module, so the runtime's own tests can
 * use it.
 */
module io.gmp4j.tck.fixtures {
    requires transitive org.junit.jupiter.api;
    requires transitive org.junit.jupiter.params;

    exports io.gmp4j.tck.fixtures;
    // JUnit instantiates EveryScheduler's argument source (and runs this module's own tests).
    opens io.gmp4j.tck.fixtures to org.junit.platform.commons;
}
