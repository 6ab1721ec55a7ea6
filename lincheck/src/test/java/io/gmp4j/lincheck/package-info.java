/**
 * Lincheck linearizability tests of gmp4j's channels, context and patterns: each test class is
 * the Lincheck test structure (its {@code @Operation} methods act on one fresh instance per
 * run) and checks it against a sequential specification, once with {@code ModelCheckingOptions}
 * and once with {@code StressOptions}, from platform threads.
 *
 * <p>Running on JDK 25 (verified with Temurin 25.0.3 and Lincheck 3.7): Lincheck attaches its
 * instrumentation agent to the test JVM at run time through Byte Buddy and appends a bootstrap
 * jar. Both work on the class path, so this module has no module-info and its surefire run is
 * separate from the other modules' module-path tests. Flags: {@code -XX:+EnableDynamicAgentLoading}
 * (without it JDK 25 prints the JEP 451 warning; a later JDK will refuse the attach) and
 * {@code --sun-misc-unsafe-memory-access=allow} (Lincheck takes field offsets with
 * {@code sun.misc.Unsafe}; JDK 25 warns). Every test in this package runs on JDK 25; what is
 * left out is left out because a sequential specification cannot express it, as each class
 * says.
 *
 * <p>Counts are small for CI ({@link io.gmp4j.lincheck.Runs}); {@code -Dgmp4j.lincheck.scale=N}
 * multiplies them ({@code ./gmp4j lincheck N}).
 */
package io.gmp4j.lincheck;
