package io.gmp4j.runtime.spi;

/**
 * A network poller (Go's {@code netpoll}), found with {@link java.util.ServiceLoader}: the
 * readiness source that lets goroutines wait on sockets without holding a thread.
 *
 * <p>gmp4j's is in the {@code io.gmp4j.netpoll} module ({@code "nio"}, on a
 * {@link java.nio.channels.Selector}). A runtime creates its poller on first use
 * ({@code GoRuntime.poller()}); when no provider is on the module path, a runtime works
 * without one (goroutines use the JDK's blocking sockets, which park on the JDK's own poller).
 *
 * <p>Thread contract: {@link #name()} is called from any thread and must be constant;
 * {@link #create} at most once per runtime.
 */
public interface PollerProvider {

    /** {@return the provider's name, for diagnostics; lower case} */
    String name();

    /**
     * Creates the poller of one runtime.
     *
     * @param target what the poller may ask of the runtime (timers, a machine to poll)
     * @return a new, open poller; the runtime drives it and closes it when it closes
     * @throws java.io.UncheckedIOException if the operating system refuses a selector
     */
    Poller create(PollerTarget target);
}
