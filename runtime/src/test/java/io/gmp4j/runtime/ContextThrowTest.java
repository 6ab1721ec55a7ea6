package io.gmp4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Context#throwIfDone()} throws with a stack; a context is AutoCloseable (Go's defer cancel()). */
@Timeout(30)
class ContextThrowTest {
    @Test
    void throwIfDoneThrowsACopyWithThisStackAndErrStaysTheSharedConstant() {
        Context ctx = Context.withCancel(Context.background());
        assertDoesNotThrow(ctx::throwIfDone);
        ctx.cancel();
        ContextException e = assertThrows(ContextException.class, ctx::throwIfDone);
        assertTrue(e.getStackTrace().length > 0, "no stack trace");
        assertTrue(Arrays.stream(e.getStackTrace()).anyMatch(f -> f.getMethodName().contains("throwIfDoneThrows")),
                "the stack does not show the caller");
        assertTrue(e.is(Context.CANCELED));
        assertFalse(e.is(Context.DEADLINE_EXCEEDED));
        assertFalse(e.isTimeout());
        assertSame(Context.CANCELED, ctx.err(), "err() keeps Go's sentinel identity");
        assertTrue(Context.CANCELED.is(Context.CANCELED));
    }

    @Test
    void aDeadlineCopyIsATimeoutAndACauseIsAttached() throws Exception {
        Context ctx = Context.withTimeout(Context.background(), Duration.ofMillis(1));
        ctx.done().recv();
        ContextException e = assertThrows(ContextException.class, ctx::throwIfDone);
        assertTrue(e.is(Context.DEADLINE_EXCEEDED) && e.isTimeout());
        assertNull(e.getCause());
        IOException why = new IOException("upstream gone");
        Context c2 = Context.withCancel(Context.background());
        c2.cancel(why);
        assertSame(why, assertThrows(ContextException.class, c2::throwIfDone).getCause());
    }

    @Test
    void tryWithResourcesCancelsTheContextAndItsTimer() {
        Context outer;
        try (Context ctx = Context.withTimeout(Context.background(), Duration.ofHours(1))) {
            outer = ctx;
            assertNull(ctx.err());
        }
        assertSame(Context.CANCELED, outer.err());
        assertNull(outer.done().recv()); // closed: returns at once (a live context would block: @Timeout)
        try (Context bg = Context.background()) {
            assertNull(bg.err()); // closing background does nothing
        }
        assertNull(Context.background().err());
    }
}
