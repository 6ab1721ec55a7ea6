/**
 * Runnable gmp4j programs. Start one with
 * {@code java @gmp4j.args -p examples/target/modules:examples/target/classes -m io.gmp4j.examples/io.gmp4j.examples.SchedulerTour}.
 */
module io.gmp4j.examples {
    requires io.gmp4j.runtime;
    requires io.gmp4j.sysmon;
    requires transitive io.gmp4j.netpoll; // EchoServer's and HttpServer's start methods take its types
    requires io.gmp4j.patterns;
    requires java.net.http; // HttpServer's self-test talks to it with the JDK's HttpClient

    exports io.gmp4j.examples;
}
