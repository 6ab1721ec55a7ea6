/**
 * Runnable gmp4j programs. Start one with
 * {@code java @gmp4j.args -p examples/target/modules:examples/target/classes -m io.gmp4j.examples/io.gmp4j.examples.SchedulerTour}.
 */
module io.gmp4j.examples {
    requires io.gmp4j.runtime;
    requires io.gmp4j.sysmon;
    requires io.gmp4j.netpoll;
    requires io.gmp4j.patterns;

    exports io.gmp4j.examples;
}
