package io.gmp4j.runtime;

import io.gmp4j.runtime.internal.RuntimeTimer;
import io.gmp4j.runtime.internal.TimerService;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Cancellation, deadlines and request-scoped values across goroutines: Go's
 * {@code context.Context}.
 *
 * <pre>{@code
 * Context ctx = Context.withTimeout(Context.background(), Duration.ofSeconds(2));
 * try {
 *     Select.builder()
 *           .recv(results, r -> use(r))
 *           .recv(ctx.done(), x -> ctx.throwIfDone())   // CANCELED or DEADLINE_EXCEEDED, with a stack
 *           .run();
 * } finally {
 *     ctx.cancel();   // releases the timer at once
 * }
 * }</pre>
 *
 * <p>As in Go: {@link #done()} is a channel closed when the context ends, usable in a
 * {@link Select}; {@link #err()} is {@code null} while the context is live and then says why it
 * ended; cancelling a context cancels all its descendants but never its parent; a context with a
 * deadline holds a runtime timer only until it ends, and {@link #cancel()} releases it.
 * Differences forced by Java: Go's {@code (ctx, cancel)} pair is one object, so {@code cancel()}
 * is a method of every context ({@link #background()} ignores it, as it can never end, and so does a {@link #withValue} context, which ends only with its parent); Go's
 * nil {@code Done()} of a background context is a channel that is never closed.
 */
public abstract class Context implements AutoCloseable {
    /** Go's {@code context.Canceled}: the context was cancelled. */
    public static final ContextException CANCELED = new ContextException("context canceled", false);
    /** Go's {@code context.DeadlineExceeded}: the context's deadline passed. */
    public static final ContextException DEADLINE_EXCEEDED =
            new ContextException("context deadline exceeded", true);

    private static final Context BACKGROUND = new Background("context.Background");
    private static final Context TODO = new Background("context.TODO");

    Context() {}

    /** {@return Go's {@code context.Background()}: never cancelled, no deadline, no values} */
    public static Context background() {
        return BACKGROUND;
    }

    /** {@return Go's {@code context.TODO()}: as {@link #background()}, marking code not yet given a context} */
    public static Context todo() {
        return TODO;
    }

    /**
     * Go's {@code context.WithCancel}: a child that ends when {@link #cancel()} is called on it
     * or when the parent ends.
     *
     * @param parent the parent context
     * @return the child
     */
    public static Context withCancel(Context parent) {
        Objects.requireNonNull(parent, "parent: null (use Context.background())");
        CancelContext c = new CancelContext(parent);
        c.propagateCancel();
        return c;
    }

    /**
     * Go's {@code context.WithDeadline}: a child that also ends at {@code deadline} with
     * {@link #DEADLINE_EXCEEDED}. If the parent's deadline is earlier, it is the child's too.
     *
     * @param parent   the parent context
     * @param deadline when the child ends
     * @return the child
     */
    public static Context withDeadline(Context parent, Instant deadline) {
        Objects.requireNonNull(parent, "parent: null (use Context.background())");
        Objects.requireNonNull(deadline, "deadline");
        Optional<Instant> cur = parent.deadline();
        if (cur.isPresent() && cur.get().isBefore(deadline)) {
            return withCancel(parent); // Go: the parent's deadline is already sooner
        }
        TimerContext c = new TimerContext(parent, deadline);
        c.propagateCancel();
        long nanos = ChanTimer.nanos(Duration.between(Instant.now(), deadline));
        if (nanos <= 0) {
            c.cancel(true, DEADLINE_EXCEEDED, DEADLINE_EXCEEDED);
            return c;
        }
        c.arm(nanos);
        return c;
    }

    /**
     * Go's {@code context.WithTimeout}: {@code withDeadline(parent, now + timeout)}.
     *
     * @param parent  the parent context
     * @param timeout how long the child lives at most
     * @return the child
     */
    public static Context withTimeout(Context parent, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        Instant now = Instant.now();
        Instant deadline;
        try {
            deadline = now.plus(timeout);
        } catch (ArithmeticException | java.time.DateTimeException e) {
            deadline = timeout.isNegative() ? Instant.MIN : Instant.MAX;
        }
        return withDeadline(parent, deadline);
    }

    /**
     * Go's {@code context.WithValue}: a child that carries {@code key → value} and otherwise
     * behaves as its parent (cancelling the child cancels nothing).
     *
     * @param parent the parent context
     * @param key    the key (compared with {@code equals}); not null
     * @param value  the value
     * @return the child
     */
    public static Context withValue(Context parent, Object key, Object value) {
        Objects.requireNonNull(parent, "parent: null (use Context.background())");
        Objects.requireNonNull(key, "key");
        return new ValueContext(parent, key, value);
    }

    /**
     * A channel closed when this context ends (Go's {@code Done()}); nothing is ever sent on it.
     * For a context that can never end, a channel that is never closed.
     *
     * @return the done channel
     */
    public abstract Chan<?> done();

    /**
     * Null while the context is live; afterwards {@link #CANCELED} or {@link #DEADLINE_EXCEEDED}
     * (Go's {@code Err()}).
     *
     * @return null, {@link #CANCELED} or {@link #DEADLINE_EXCEEDED}
     */
    public abstract ContextException err();

    /**
     * Go's {@code context.Cause}: the cause given to {@link #cancel(Throwable)} on this context
     * or the ancestor that ended it, else {@link #err()}; null while live.
     *
     * @return the cause, or null
     */
    public abstract Throwable cause();

    /** {@return when this context will end by itself, if ever (Go's {@code Deadline()})} */
    public abstract Optional<Instant> deadline();

    /**
     * {@return the value for {@code key} from the nearest {@link #withValue} ancestor, or null (Go's {@code Value})}
     *
     * @param key the key given to {@link #withValue}
     */
    public abstract Object value(Object key);

    /**
     * Ends this context and its descendants with {@link #CANCELED}, releases its timer, and
     * detaches it from its parent. Idempotent; does nothing on a context that can never end.
     */
    public void cancel() {
        cancel(null);
    }

    /**
     * As {@link #cancel()}, recording {@code cause} for {@link #cause()} (Go's
     * {@code WithCancelCause}); a null cause means {@link #CANCELED}.
     *
     * @param cause why, or null
     */
    public abstract void cancel(Throwable cause);

    /**
     * Cancels this context: Go's {@code defer cancel()} as try-with-resources,
     * {@code try (Context ctx = Context.withTimeout(parent, d)) { ... }}. Same as
     * {@link #cancel()}.
     */
    @Override
    public void close() {
        cancel();
    }

    /**
     * Go's {@code if err := ctx.Err(); err != nil { return err }} as one call: does nothing
     * while the context is live; once it has ended, throws a new {@link ContextException} of
     * the same kind as {@link #err()} (its {@link ContextException#is} matches {@link #CANCELED}
     * or {@link #DEADLINE_EXCEEDED}) whose stack trace shows this call, with {@link #cause()}
     * attached as its cause when the context was cancelled with one. {@link #err()} itself
     * returns the shared constants, which carry no stack, so that they compare with {@code ==}
     * as Go's sentinel errors do; throw what this method throws instead.
     *
     * @throws ContextException if the context has ended
     */
    public void throwIfDone() {
        ContextException e = errWithStack();
        if (e != null) {
            throw e;
        }
    }

    /**
     * What a blocking call that gives up because this context ended should throw: a new
     * {@link ContextException} of the same kind as {@link #err()} ({@link ContextException#is}
     * matches it), with the stack trace of this call and {@link #cause()} as its cause when the
     * context was cancelled with one; null while the context is live. {@link #throwIfDone()} is
     * {@code throw} of this.
     *
     * @return the exception to throw, or null while live
     */
    public ContextException errWithStack() {
        ContextException err = err();
        if (err == null) {
            return null;
        }
        Throwable cause = cause();
        return new ContextException(err, cause == err ? null : cause);
    }

    /** The nearest ancestor-or-self that can be cancelled, or null. */
    abstract CancelContext cancelable();

    // ---------------------------------------------------------------- implementations

    private static final class Background extends Context {
        private static final Chan<?> NEVER = Chan.make();
        private final String name;

        Background(String name) {
            this.name = name;
        }

        @Override
        public Chan<?> done() {
            return NEVER;
        }

        @Override
        public ContextException err() {
            return null;
        }

        @Override
        public Throwable cause() {
            return null;
        }

        @Override
        public Optional<Instant> deadline() {
            return Optional.empty();
        }

        @Override
        public Object value(Object key) {
            return null;
        }

        @Override
        public void cancel(Throwable cause) {
            // A background context never ends.
        }

        @Override
        CancelContext cancelable() {
            return null;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Go's cancelCtx. State guarded by this object's monitor; err is also readable without it. */
    static class CancelContext extends Context {
        final Context parent;
        private Chan<Object> done;
        private volatile ContextException err;
        private Throwable cause;
        private Set<CancelContext> children;

        CancelContext(Context parent) {
            this.parent = parent;
        }

        /** Go's propagateCancel: end with the parent. */
        void propagateCancel() {
            CancelContext p = parent.cancelable();
            if (p == null) {
                return; // the parent never ends
            }
            ContextException perr;
            Throwable pcause;
            synchronized (p) {
                perr = p.err;
                pcause = p.cause;
                if (perr == null) {
                    if (p.children == null) {
                        p.children = new LinkedHashSet<>();
                    }
                    p.children.add(this);
                    return;
                }
            }
            cancel(false, perr, pcause);
        }

        @Override
        public synchronized Chan<?> done() {
            if (done == null) {
                done = Chan.make();
                if (err != null) {
                    done.close();
                }
            }
            return done;
        }

        @Override
        public ContextException err() {
            return err;
        }

        @Override
        public synchronized Throwable cause() {
            return cause;
        }

        @Override
        public Optional<Instant> deadline() {
            return parent.deadline();
        }

        @Override
        public Object value(Object key) {
            return parent.value(key);
        }

        @Override
        public void cancel(Throwable cause) {
            cancel(true, CANCELED, cause == null ? CANCELED : cause);
        }

        @Override
        CancelContext cancelable() {
            return this;
        }

        /**
         * Go's cancelCtx.cancel. As in Go, the children are cancelled while this context's
         * monitor is held: a concurrent cancel of this context, which finds err set and returns,
         * can only do so once the whole subtree is done (cascading after unlocking let it return
         * while a child was still live — found by Lincheck, ContextLincheckTest). Monitors are
         * taken ancestor first: propagateCancel and the removal from the parent below never hold
         * a child's monitor while taking its parent's.
         */
        void cancel(boolean removeFromParent, ContextException why, Throwable cause) {
            synchronized (this) {
                if (err != null) {
                    return; // already ended
                }
                this.cause = cause;
                this.err = why;
                if (done != null) {
                    done.close();
                }
                if (children != null) {
                    for (CancelContext k : children) {
                        k.cancel(false, why, cause); // does not touch our children (removeFromParent false)
                    }
                    children = null;
                }
            }
            released();
            if (removeFromParent) {
                CancelContext p = parent.cancelable();
                if (p != null) {
                    synchronized (p) {
                        if (p.children != null) {
                            p.children.remove(this);
                        }
                    }
                }
            }
        }

        /** Called once when the context ends: release resources. */
        void released() {}

        @Override
        public String toString() {
            return parent + ".WithCancel";
        }
    }

    /**
     * Go's timerCtx: a cancelCtx with a deadline and a runtime timer until it ends. As Go's
     * ({@code time.AfterFunc}), the expiry cancels from a new goroutine. Rule M
     * (docs/ARCHITECTURE.md): the timer fires on a machine holding a processor, which must not
     * wait for this context's monitor or its done channel's lock.
     */
    static final class TimerContext extends CancelContext {
        private final Instant deadline;
        private TimerService timers;
        /** The runtime whose timers hold the deadline; set in arm() before the timer is added. */
        private volatile GoRuntime rt;
        private final RuntimeTimer timer = new RuntimeTimer() {
            @Override
            protected void fire(long seq, long now) {
                GoRuntime r = rt; // written before the timer was added, so always set here
                try {
                    r.go(() -> cancel(true, DEADLINE_EXCEEDED, DEADLINE_EXCEEDED));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    cancel(true, DEADLINE_EXCEEDED, DEADLINE_EXCEEDED); // runtime closing: no goroutines any more
                }
            }
        };

        TimerContext(Context parent, Instant deadline) {
            super(parent);
            this.deadline = deadline;
        }

        synchronized void arm(long nanos) {
            if (err() != null) {
                return;
            }
            rt = GoRuntime.forTimers();
            timers = rt.timers();
            timers.add(timer, RuntimeTimer.deadline(nanos), 0);
        }

        @Override
        void released() {
            TimerService t;
            synchronized (this) {
                t = timers;
            }
            if (t != null) {
                t.stop(timer);
            }
        }

        @Override
        public Optional<Instant> deadline() {
            return Optional.of(deadline);
        }

        @Override
        public String toString() {
            return parent + ".WithDeadline(" + deadline + ")";
        }
    }

    private static final class ValueContext extends Context {
        private final Context parent;
        private final Object key;
        private final Object val;

        ValueContext(Context parent, Object key, Object val) {
            this.parent = parent;
            this.key = key;
            this.val = val;
        }

        @Override
        public Chan<?> done() {
            return parent.done();
        }

        @Override
        public ContextException err() {
            return parent.err();
        }

        @Override
        public Throwable cause() {
            return parent.cause();
        }

        @Override
        public Optional<Instant> deadline() {
            return parent.deadline();
        }

        @Override
        public Object value(Object k) {
            return key.equals(k) ? val : parent.value(k);
        }

        @Override
        public void cancel(Throwable cause) {
            // Go: WithValue has no cancel function; a value context ends only with its parent.
        }

        @Override
        CancelContext cancelable() {
            return parent.cancelable();
        }

        @Override
        public String toString() {
            return parent + ".WithValue(" + key + ")";
        }
    }
}
