package io.gmp4j.netpoll;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.GoRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One echo round trip through Net.listen, accept and dial on a fresh runtime: the module's smoke test. */
class SmokeTest {
    @Test
    @Timeout(30)
    void echoOnce() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            assertTrue(rt.monitorName().isPresent(), "sysmon on the module path");
            Chan<String> out = Chan.make(1);
            rt.go(() -> {
                try (Listener ln = Net.listen(new InetSocketAddress("127.0.0.1", 0))) {
                    GoRuntime.current().orElseThrow().go(() -> {
                        try (Conn c = ln.accept()) {
                            ByteBuffer b = ByteBuffer.allocate(64);
                            int n;
                            while ((n = c.read(b)) > 0) {
                                b.flip();
                                c.write(b);
                                b.clear();
                            }
                        } catch (Exception e) {
                            e.printStackTrace();
                        }
                    });
                    try (Conn c = Net.dial(ln.address())) {
                        c.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));
                        ByteBuffer b = ByteBuffer.allocate(64);
                        while (b.position() < 5) {
                            c.read(b);
                        }
                        out.send(new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
                    }
                } catch (Exception e) {
                    out.send("error " + e);
                }
            });
            assertEquals("hello", out.recv());
        }
    }
}
