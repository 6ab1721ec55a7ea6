/**
 * The poller behind {@code io.gmp4j.netpoll}; not exported.
 * {@link io.gmp4j.netpoll.internal.NioPollerProvider} is the {@code nio}
 * {@link io.gmp4j.runtime.spi.PollerProvider}; {@link io.gmp4j.netpoll.internal.NioPoller} is
 * Go's {@code netpoll_epoll.go} on one {@link java.nio.channels.Selector} per runtime; and
 * {@link io.gmp4j.netpoll.internal.PollDesc} is Go's {@code pollDesc} (wait slots, deadlines,
 * requests for the selector). Goroutines never touch the selector: they queue requests that
 * platform threads apply (Rule M in {@code docs/ARCHITECTURE.md}).
 */
package io.gmp4j.netpoll.internal;
