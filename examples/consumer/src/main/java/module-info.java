/**
 * A program that uses gmp4j from its published artifacts: the runtime, the patterns and the
 * network poller (gmp4j-sysmon is a runtime dependency that the runtime finds by itself).
 */
module io.gmp4j.example.consumer {
    requires io.gmp4j.runtime;
    requires io.gmp4j.patterns;
    requires io.gmp4j.netpoll;
}
