/**
 * gmp4j netpoll. An NIO Selector netpoller woven into the scheduler, and a Go-like net API (to come).
 */
module io.gmp4j.netpoll {
    requires io.gmp4j.runtime;
}
