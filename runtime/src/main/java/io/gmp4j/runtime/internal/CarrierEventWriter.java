package io.gmp4j.runtime.internal;

/**
 * Keeps JFR events that a machine commits on its own platform thread (the {@code io.gmp4j.Steal}
 * event) from being dropped after a goroutine ran on that thread.
 *
 * <h2>The JDK behaviour</h2>
 * JFR gives each platform thread one event writer, shared with every virtual thread mounted on
 * it; when the writer is fetched on a thread other than the one it last wrote for, the JVM
 * stamps it with the new thread's id. Observed on Temurin 25.0.3: when that fetch runs outside
 * C2-compiled code ({@code JVM.getEventWriter()} in the interpreter or C1), the writer of a
 * platform thread comes back with {@code valid == false} (a dump of the writer right after the
 * fetch shows it; its {@code pinVirtualThread} flag never changes), so the next event written
 * on it is silently discarded ({@code EventWriter.endEvent} then makes the writer valid
 * again). On a machine, the first event committed after a goroutine committed one — with
 * {@code jdk.VirtualThreadStart} enabled, every goroutine start does — is lost: a recording
 * kept 1–2 steal events for about 1,000 steals. With C2 only, nearly all are kept; with
 * {@code -Xint} or C1 only, nearly none. A plain JDK program shows the same (a platform thread
 * that carries virtual threads which commit events loses its own next event), so this is the
 * JDK's behaviour, not gmp4j's. Events committed by virtual threads, and by platform threads
 * that never carry one (the system monitor), are not affected.
 *
 * <h2>The work-around</h2>
 * Before committing, {@link #prepare()} fetches the writer itself (so any switch of thread id
 * happens now, not inside the commit) and marks it valid again if that fetch invalidated it.
 * Between two events a writer is valid — {@code endEvent} itself sets it valid again after a
 * discarded event and writes the next one at the same position — so this does early what the
 * JDK does after losing the event; when the fetch leaves the writer valid it does nothing.
 * It needs JFR's internal packages, which gmp4j opens to itself through {@code java.lang}
 * (already open to it; the access lives in {@link JdkAccess.Jfr}); if that fails, {@link #prepare()} does nothing
 * and the JDK's behaviour stands.
 */
final class CarrierEventWriter {
    private CarrierEventWriter() {}

    /** Whether the work-around is in place (JFR's internals were reachable). */
    static boolean available() {
        return JdkAccess.Jfr.available();
    }

    /**
     * Makes this thread's JFR event writer ready for an event: call right before
     * {@code commit()}, on the committing thread, with no other event being written on it.
     */
    static void prepare() {
        try {
            JdkAccess.Jfr.revalidateWriter();
        } catch (Throwable e) {
            // leave the JDK's behaviour: at worst this event is lost, as without the work-around
        }
    }
}
