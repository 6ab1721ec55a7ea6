package io.gmp4j.sysmon;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Blocking calls that hold their carrier thread, as a syscall holds a Go machine: a read of a
 * named pipe through {@link FileInputStream} (the JDK does not unmount a virtual thread for file
 * I/O), and libc {@code usleep} through the FFM API.
 */
final class Pinning {
    private Pinning() {}

    private static final MethodHandle USLEEP = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("usleep").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    /** libc usleep: blocks the calling OS thread. */
    static void usleep(int micros) {
        try {
            int rc = (int) USLEEP.invokeExact(micros);
            if (rc != 0) {
                throw new IllegalStateException("usleep returned " + rc);
            }
        } catch (Throwable t) {
            throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
        }
    }

    /**
     * A named pipe: {@link #read()} blocks in {@code FileInputStream.read} until {@link #release}
     * writes a byte. The write end is opened read-write first, so that opening the read end does
     * not block.
     */
    static final class Fifo implements AutoCloseable {
        private final Path path;
        private final RandomAccessFile writer;
        private final FileInputStream reader;

        Fifo(Path dir) throws IOException, InterruptedException {
            path = dir.resolve("fifo-" + System.nanoTime());
            Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("mkfifo " + path + " failed");
            }
            writer = new RandomAccessFile(path.toFile(), "rw");
            reader = new FileInputStream(path.toFile());
        }

        /** Blocks until a byte arrives; returns it. */
        int read() {
            try {
                return reader.read();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Writes one byte: one blocked {@link #read()} returns. */
        void release(int b) throws IOException {
            writer.write(b);
        }

        @Override
        public void close() throws IOException {
            writer.close();
            reader.close();
            Files.deleteIfExists(path);
        }
    }
}
