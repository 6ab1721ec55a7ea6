/**
 * Go's {@code net} on gmp4j's network poller. {@link io.gmp4j.netpoll.Net} listens, dials and
 * listens for packets, and returns a {@link io.gmp4j.netpoll.Listener}, a
 * {@link io.gmp4j.netpoll.Conn} (TCP, a {@link java.nio.channels.ByteChannel}) or a
 * {@link io.gmp4j.netpoll.PacketConn} (UDP), with Go's deadlines and Go's {@code OpError}
 * messages ({@link io.gmp4j.netpoll.NetTimeoutException},
 * {@link io.gmp4j.netpoll.ClosedConnectionException},
 * {@link io.gmp4j.netpoll.ConnectionResetException}).
 *
 * <p>A goroutine that waits on a socket parks on its runtime's poller ({@code IO wait} in
 * dumps) and holds no thread. The calls act on the caller's runtime
 * ({@link io.gmp4j.runtime.GoRuntime#forCaller()}) unless they are given one.
 */
package io.gmp4j.netpoll;
