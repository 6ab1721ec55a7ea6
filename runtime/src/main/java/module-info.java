/**
 * gmp4j's runtime: goroutines scheduled by Go's G/P/M scheduler on JDK virtual threads.
 *
 * <p>The user API is {@link io.gmp4j.runtime.GoRuntime} and the static facade
 * {@link io.gmp4j.runtime.Go}; schedulers plug in through
 * {@link io.gmp4j.runtime.spi.SchedulerProvider}. The runtime needs one JVM flag,
 * {@code --add-opens java.base/java.lang=io.gmp4j.runtime}, to create virtual threads that
 * run on its own scheduler.
 */
module io.gmp4j.runtime {
    requires org.jctools.core.jdk11;
    requires jdk.management;
    requires jdk.jfr;

    exports io.gmp4j.runtime;
    exports io.gmp4j.runtime.spi;

    uses io.gmp4j.runtime.spi.SchedulerProvider;
    uses io.gmp4j.runtime.spi.MonitorProvider;
    uses io.gmp4j.runtime.spi.PollerProvider;

    provides io.gmp4j.runtime.spi.SchedulerProvider with
            io.gmp4j.runtime.internal.GmpSchedulerProvider,
            io.gmp4j.runtime.internal.FifoSchedulerProvider,
            io.gmp4j.runtime.internal.JdkSchedulerProvider;
}
