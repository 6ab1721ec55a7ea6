package io.gmp4j.patterns;

import io.gmp4j.runtime.Context;
import io.gmp4j.runtime.ContextException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

import java.time.Duration;

/**
 * The semaphore's lock-free fast path against its queue: all 2 tokens are held; one actor
 * releases them (one CAS when nobody waits), the other acquires 2 (a CAS, else it queues under
 * the lock and sets the waiters bit). Whatever the interleaving the acquire must succeed: a
 * release that slipped in between the acquirer's failed CAS and its bit would otherwise wake
 * nobody (the acquire then times out after 5 s). r1 = 1 if acquired, 0 if it timed out;
 * r2 = tokens held afterwards.
 */
@JCStressTest
@Description("Semaphore: fast-path release racing a queueing acquire: no lost wake-up, count exact.")
@Outcome(id = "1, 2", expect = Expect.ACCEPTABLE, desc = "acquired all tokens")
@Outcome(id = "0, .*", expect = Expect.FORBIDDEN, desc = "lost wake-up: the acquire timed out with tokens free")
@Outcome(id = ".*", expect = Expect.FORBIDDEN, desc = "wrong token count")
@State
public class SemaphoreFastPathTest {
    static {
        // The timeout context needs a runtime; the jdk scheduler needs no --add-opens in the
        // forked JVMs (the actors are platform threads either way).
        System.setProperty("gmp4j.scheduler", "jdk");
    }

    final Semaphore sem = new Semaphore(2);
    long acquired;

    public SemaphoreFastPathTest() {
        if (!sem.tryAcquire(2)) {
            throw new IllegalStateException("setup");
        }
    }

    @Actor
    public void releaser() {
        sem.release(2);
    }

    @Actor
    public void acquirer() {
        Context ctx = Context.withTimeout(Context.background(), Duration.ofSeconds(5));
        try {
            sem.acquire(ctx, 2);
            acquired = 1;
        } catch (ContextException e) {
            acquired = 0;
        } finally {
            ctx.cancel();
        }
    }

    @Arbiter
    public void arbiter(JJ_Result r) {
        r.r1 = acquired;
        // Held afterwards: 2 if the count is exact (tryAcquire(1) must fail, release(2) must work).
        boolean full = !sem.tryAcquire(1);
        long held;
        try {
            sem.release(2);
            held = full ? 2 : -1;
        } catch (IllegalStateException e) {
            held = -2;
        }
        r.r2 = held;
    }
}
