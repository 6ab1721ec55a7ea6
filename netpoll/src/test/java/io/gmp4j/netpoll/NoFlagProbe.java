package io.gmp4j.netpoll;

import io.gmp4j.runtime.GoRuntime;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Run without {@code --add-opens} by {@code NoFlagTest}: the {@code jdk} scheduler, which the
 * README says needs no flag, serves a network round trip (accept, read, write) in goroutines.
 */
public final class NoFlagProbe {
    private NoFlagProbe() {}

    public static void main(String[] args) throws Exception {
        try (GoRuntime rt = GoRuntime.builder().scheduler("jdk").build()) {
            String got = rt.run(() -> {
                try (Listener ln = Net.listen(new InetSocketAddress("127.0.0.1", 0))) {
                    rt.go(() -> {
                        try (Conn c = ln.accept()) {
                            ByteBuffer b = ByteBuffer.allocate(5);
                            while (b.hasRemaining() && c.read(b) >= 0) {
                                // read all five bytes
                            }
                            c.write(b.flip());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    try (Conn c = Net.dial(ln.address(), Duration.ofSeconds(10))) {
                        c.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
                        ByteBuffer b = ByteBuffer.allocate(5);
                        while (b.hasRemaining() && c.read(b) >= 0) {
                            // read the echo
                        }
                        return new String(b.array(), StandardCharsets.US_ASCII);
                    }
                }
            });
            System.out.println("echoed: " + got);
        }
    }
}
