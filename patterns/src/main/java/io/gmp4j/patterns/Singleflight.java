package io.gmp4j.patterns;

import io.gmp4j.runtime.Chan;
import io.gmp4j.runtime.GoRuntime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;

/**
 * golang.org/x/sync's {@code singleflight.Group}: duplicate suppression. Concurrent callers
 * with the same key share one execution of the function and its result.
 *
 * <pre>{@code
 * Singleflight<String, User> users = new Singleflight<>();
 * Singleflight.Result<User> r = users.doCall(id, () -> db.load(id));
 * if (r.error() != null) { ... }   // r.shared(): another caller got the same result
 * }</pre>
 *
 * <p>Semantics (x/sync's): {@link #doCall} runs the function in the calling goroutine unless an
 * execution for the key is in flight, in which case it waits for that one; {@link #doChan} runs
 * it in a new goroutine and returns a channel (capacity 1, never closed) that receives the
 * result; {@code shared} is true when more than one caller received the result; {@link #forget}
 * makes the next call for the key run anew while the execution in flight still serves the
 * callers already waiting for it. Where Java differs: whatever the function throws — checked
 * or not, Go's error or panic — is the {@link Result#error()} of every caller (the same
 * instance), and no caller is crashed. Keys need {@code equals}/{@code hashCode}; null keys are
 * rejected.
 *
 * <p>Thread-safe.
 *
 * @param <K> the key type
 * @param <V> the result type
 */
public final class Singleflight<K, V> {

    /**
     * One execution's outcome.
     *
     * @param value  what the function returned (null if it threw)
     * @param error  what the function threw, or null
     * @param shared whether the result was given to more than one caller
     * @param <V>    the result type
     */
    public record Result<V>(V value, Throwable error, boolean shared) {}

    private final ReentrantLock lock = new ReentrantLock();
    /** In-flight executions. Guarded by lock. */
    private final Map<K, Call<V>> calls = new HashMap<>();

    /** An execution in flight. */
    private static final class Call<V> {
        final Chan<Boolean> done = Chan.make();
        V value;
        Throwable error;
        /** Guarded by the group's lock. */
        int dups;
        /** DoChan receivers. Guarded by the group's lock. */
        final List<Chan<Result<V>>> chans = new ArrayList<>();
    }

    /** The runtime {@link #doChan} starts goroutines on, or null for the caller's. */
    private final GoRuntime rt;

    /** Creates an empty group; {@link #doChan} starts its goroutines on the caller's runtime. */
    public Singleflight() {
        this.rt = null;
    }

    /**
     * Creates an empty group whose {@link #doChan} starts its goroutines on {@code rt}.
     *
     * @param rt the runtime for {@link #doChan}'s goroutines
     */
    public Singleflight(GoRuntime rt) {
        this.rt = Objects.requireNonNull(rt, "rt");
    }

    /**
     * Runs {@code fn} for {@code key}, or waits for the execution already in flight for it.
     *
     * @param key the key
     * @param fn  the function, run in the calling goroutine if no execution is in flight
     * @return the execution's result, shared or not
     */
    public Result<V> doCall(K key, Callable<V> fn) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(fn, "fn");
        Call<V> c;
        boolean waiter;
        lock.lock();
        try {
            c = calls.get(key);
            waiter = c != null;
            if (waiter) {
                c.dups++;
            } else {
                c = new Call<>();
                calls.put(key, c);
            }
        } finally {
            lock.unlock();
        }
        if (waiter) {
            c.done.recv();
            return new Result<>(c.value, c.error, true);
        }
        run(c, key, fn);
        lock.lock();
        try {
            return new Result<>(c.value, c.error, c.dups > 0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Like {@link #doCall}, but runs {@code fn} in a new goroutine (of the group's runtime, else
     * the caller's: {@link GoRuntime#forCaller()}) and returns at once.
     *
     * @param key the key
     * @param fn  the function
     * @return a channel of capacity 1 that receives the result once; it is never closed
     * @throws IllegalStateException if the group has no runtime of its own and is called outside
     *                               a goroutine while several runtimes are open
     * @throws java.util.concurrent.RejectedExecutionException if that runtime is closed and no
     *                               execution for the key is in flight
     */
    public Chan<Result<V>> doChan(K key, Callable<V> fn) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(fn, "fn");
        GoRuntime on = rt != null ? rt : GoRuntime.forCaller(); // before registering: a failure leaves nothing behind
        Chan<Result<V>> ch = Chan.make(1);
        Call<V> c;
        lock.lock();
        try {
            c = calls.get(key);
            if (c != null) {
                c.dups++;
                c.chans.add(ch);
                return ch;
            }
            c = new Call<>();
            c.chans.add(ch);
            calls.put(key, c);
        } finally {
            lock.unlock();
        }
        Call<V> call = c;
        try {
            on.go(() -> run(call, key, fn));
        } catch (RuntimeException | Error e) { // closed runtime: complete the call so nobody waits for it
            call.error = e;
            finish(call, key);
            throw e;
        }
        return ch;
    }

    /**
     * Forgets the execution in flight for {@code key}: the next call runs the function anew.
     *
     * @param key the key
     */
    public void forget(K key) {
        Objects.requireNonNull(key, "key");
        lock.lock();
        try {
            calls.remove(key);
        } finally {
            lock.unlock();
        }
    }

    private void run(Call<V> c, K key, Callable<V> fn) {
        try {
            c.value = fn.call();
        } catch (Throwable t) {
            c.error = t;
        }
        finish(c, key);
    }

    /** Ends execution {@code c}: forgets it, wakes doCall waiters, sends doChan results. */
    private void finish(Call<V> c, K key) {
        List<Chan<Result<V>>> chans;
        boolean shared;
        lock.lock();
        try {
            if (calls.get(key) == c) {
                calls.remove(key);
            }
            chans = List.copyOf(c.chans);
            shared = c.dups > 0;
        } finally {
            lock.unlock();
        }
        c.done.close(); // waiters of doCall read value/error after this (happens-before)
        Result<V> r = new Result<>(c.value, c.error, shared);
        for (Chan<Result<V>> ch : chans) {
            ch.send(r); // capacity 1, one result each: never blocks
        }
    }
}
