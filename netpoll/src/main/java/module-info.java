/**
 * gmp4j netpoll: Go's network poller on a {@link java.nio.channels.Selector}, woven into the
 * runtime's scheduler through {@link io.gmp4j.runtime.spi.PollerProvider}, and a Go-like
 * {@code net} API ({@link io.gmp4j.netpoll.Net}): goroutines that wait on sockets park on the
 * poller and hold no thread.
 */
module io.gmp4j.netpoll {
    requires transitive io.gmp4j.runtime;

    exports io.gmp4j.netpoll;

    provides io.gmp4j.runtime.spi.PollerProvider with io.gmp4j.netpoll.internal.NioPollerProvider;
}
