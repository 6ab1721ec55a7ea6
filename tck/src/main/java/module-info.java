/**
 * gmp4j's scheduler test-compatibility kit: {@link io.gmp4j.tck.SchedulerTck}, the JUnit 5
 * checks that a {@link io.gmp4j.runtime.spi.SchedulerProvider} runs against by extending one
 * class. It brings the system monitor and the network poller so that the runtime features every
 * provider gets (timers, netpoll, the deadlock report) are checked on the provider too. It
 * re-exports its fixtures, {@code io.gmp4j.tck.fixtures} ({@code @EveryScheduler}, {@code Await},
 * {@code ChildJvm}), for the provider's own tests.
 */
module io.gmp4j.tck {
    requires transitive io.gmp4j.runtime;
    requires transitive org.junit.jupiter.api;
    requires transitive io.gmp4j.tck.fixtures;
    requires io.gmp4j.netpoll;
    requires io.gmp4j.sysmon;

    exports io.gmp4j.tck;
    // JUnit reflects over the kit's test methods, inherited by the provider's test class.
    opens io.gmp4j.tck to org.junit.platform.commons;

    uses io.gmp4j.runtime.spi.SchedulerProvider;
}
