package io.gmp4j.benchmarks;

import com.softwaremill.jox.Channel;
import com.softwaremill.jox.ChannelClosed;
import com.softwaremill.jox.ChannelError;
import io.gmp4j.runtime.Chan;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;

/**
 * The contenders of the channel benchmarks, selected by their {@code impl} parameter:
 * <ul>
 *   <li>{@code gmp}: gmp4j's {@link Chan} between goroutines of a {@code gmp} runtime;</li>
 *   <li>{@code jdk}: gmp4j's {@link Chan} between goroutines of a runtime on the {@code jdk}
 *       provider (the JDK's own virtual-thread scheduler through gmp4j);</li>
 *   <li>{@code queue}: a {@link SynchronousQueue} (capacity 0) or an {@link ArrayBlockingQueue}
 *       between plain {@code Thread.ofVirtual()} threads on the JDK's default scheduler;</li>
 *   <li>{@code jox}: SoftwareMill's jox {@link Channel} (rendezvous or buffered) between plain
 *       virtual threads on the JDK's default scheduler;</li>
 *   <li>any other name: gmp4j's {@link Chan} between goroutines of a runtime on the scheduler
 *       provider of that name, such as {@code fifo} or a third-party one on the class path
 *       ({@code -p impl=locality}: the example scheduler of {@code examples/locality}).</li>
 * </ul>
 * For {@code jdk}, {@code queue} and {@code jox} the JDK scheduler's parallelism is set to
 * {@code maxProcs} (and checked) by {@link Schedulers}, so every contender has as many carriers
 * as {@code gmp} has processors.
 */
final class Pipes {
    static final String GMP = "gmp";
    static final String JDK = "jdk";
    static final String QUEUE = "queue";
    static final String JOX = "jox";

    private Pipes() {}

    /**
     * The goroutine starter for {@code impl}: plain virtual threads for {@code queue} and
     * {@code jox}, else a gmp4j runtime on the scheduler provider named {@code impl} (an unknown
     * name fails there, listing the available ones).
     */
    static Schedulers schedulers(String impl, int maxProcs) {
        return switch (impl) {
            case QUEUE, JOX -> new Schedulers("raw-vthread", maxProcs);
            default -> new Schedulers(impl, maxProcs);
        };
    }

    /**
     * A channel-like pipe of {@code impl} with the given buffer (0 = unbuffered). Each fork
     * runs one parameter combination, so every call site sees one implementation.
     */
    static <T> Pipe<T> make(String impl, int capacity) {
        return switch (impl) {
            case QUEUE -> new QueuePipe<>(capacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(capacity));
            case JOX -> new JoxPipe<>(capacity == 0 ? Channel.newRendezvousChannel() : Channel.newBufferedChannel(capacity));
            default -> new ChanPipe<>(Chan.make(capacity)); // gmp, jdk, or another scheduler provider's name
        };
    }

    /** The operations the benchmarks need, with gmp4j's {@link Chan} semantics. */
    interface Pipe<T> {
        /** Blocks until a receiver takes the value or there is buffer space. */
        void send(T value);

        /** Blocks for the next value; {@code null} once closed and drained. */
        T recv();

        /**
         * Ends the stream for {@code receivers} receivers. Chan and jox close the channel; a
         * queue cannot be closed, so it gets one poison pill per receiver (each receiver must
         * stop at its first {@code null}).
         */
        void close(int receivers);
    }

    private record ChanPipe<T>(Chan<T> ch) implements Pipe<T> {
        @Override
        public void send(T value) {
            ch.send(value);
        }

        @Override
        public T recv() {
            return ch.recv();
        }

        @Override
        public void close(int receivers) {
            ch.close();
        }
    }

    private record QueuePipe<T>(BlockingQueue<Object> q) implements Pipe<T> {
        private static final Object POISON = new Object();

        @Override
        public void send(T value) {
            try {
                q.put(value);
            } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted in send", e);
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public T recv() {
            Object v;
            try {
                v = q.take();
            } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted in recv", e);
            }
            return v == POISON ? null : (T) v;
        }

        @Override
        public void close(int receivers) {
            for (int i = 0; i < receivers; i++) {
                try {
                    q.put(POISON);
                } catch (InterruptedException e) {
                    throw new IllegalStateException("interrupted in close", e);
                }
            }
        }
    }

    private record JoxPipe<T>(Channel<T> ch) implements Pipe<T> {
        @Override
        public void send(T value) {
            try {
                ch.send(value);
            } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted in send", e);
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public T recv() {
            Object v;
            try {
                v = ch.receiveOrClosed();
            } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted in recv", e);
            }
            if (v instanceof ChannelClosed c) {
                if (c instanceof ChannelError) {
                    throw c.toException();
                }
                return null; // done
            }
            return (T) v;
        }

        @Override
        public void close(int receivers) {
            ch.done();
        }
    }
}
