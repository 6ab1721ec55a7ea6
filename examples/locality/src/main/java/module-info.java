/**
 * A locality-first goroutine scheduler written against gmp4j's public SPI alone, as a
 * third party would write one: {@link io.gmp4j.examples.locality.LocalitySchedulerProvider},
 * selected by the name {@code "locality"}.
 *
 * <p>It reads only the runtime's exported packages ({@code io.gmp4j.runtime} and
 * {@code io.gmp4j.runtime.spi}) and JCTools' queues. Like every scheduler that places virtual
 * threads itself, it needs the JVM flag {@code --add-opens java.base/java.lang=io.gmp4j.runtime}.
 */
module io.gmp4j.examples.locality {
    requires io.gmp4j.runtime;
    requires org.jctools.core.jdk11;

    exports io.gmp4j.examples.locality;

    provides io.gmp4j.runtime.spi.SchedulerProvider with
            io.gmp4j.examples.locality.LocalitySchedulerProvider;
}
