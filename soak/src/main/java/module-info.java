/**
 * gmp4j's soak test: a long mixed workload with fault injection — spawn storms from goroutines
 * that never block, CPU hogs, {@code Go.syscall} storms, channel and select traffic with random
 * closes, context trees and timers, loopback TCP with resets and deadlines, throwing goroutines,
 * stack traces and dumps taken meanwhile — on every built-in scheduler, checking that no
 * goroutine or value is lost, nothing stalls, hangs or leaks. Run it with
 * {@code ./gmp4j soak --minutes 60}.
 */
module io.gmp4j.soak {
    requires io.gmp4j.runtime;
    requires io.gmp4j.sysmon;
    requires io.gmp4j.netpoll;
    requires io.gmp4j.patterns;
    requires java.management;
    requires java.logging; // a handler on the root logger counts gmp4j's warning and error records

    exports io.gmp4j.soak;
}
