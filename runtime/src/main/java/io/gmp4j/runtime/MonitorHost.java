package io.gmp4j.runtime;

import io.gmp4j.runtime.spi.MonitorTarget;
import io.gmp4j.runtime.spi.MonitoredScheduler;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What the system monitor sees of one runtime ({@link MonitorTarget}): its scheduler's control
 * view, Go's {@code schedtrace} settings and output, the deadlock check, and the monitor's own
 * counters (ticks, failures), which {@link GoRuntime#stats()} reports.
 */
final class MonitorHost implements MonitorTarget {
    private final GoRuntime rt;
    private final long schedtraceMillis;
    private final boolean scheddetail;
    private final Consumer<? super String> traceOutput;
    /** Go's checkdead for this runtime, run by the system monitor. */
    private final Checkdead checkdead;
    private final AtomicLong sysmonTicks = new AtomicLong();
    private final AtomicLong monitorErrors = new AtomicLong();
    /** Kinds of monitor failure logged already (class and throwing frame); a few at most. */
    private final Set<String> monitorFailuresLogged = ConcurrentHashMap.newKeySet();

    MonitorHost(GoRuntime rt, long schedtraceMillis, boolean scheddetail, Consumer<? super String> traceOutput,
                Checkdead checkdead) {
        this.rt = rt;
        this.schedtraceMillis = schedtraceMillis;
        this.scheddetail = scheddetail;
        this.traceOutput = traceOutput;
        this.checkdead = checkdead;
    }

    /** {@return the monitor's cycles so far} */
    long ticks() {
        return sysmonTicks.get();
    }

    /** {@return the monitor cycles that failed so far} */
    long errors() {
        return monitorErrors.get();
    }

    @Override
    public String name() {
        return rt.name();
    }

    @Override
    public MonitoredScheduler scheduler() {
        return rt.scheduler().monitored();
    }

    @Override
    public long schedtraceMillis() {
        return schedtraceMillis;
    }

    @Override
    public String schedtrace(boolean detail) {
        return detail ? rt.schedtraceDetail() : rt.schedtrace();
    }

    @Override
    public boolean scheddetail() {
        return scheddetail;
    }

    @Override
    public void printTrace(String text) {
        traceOutput.accept(text);
    }

    @Override
    public boolean checkDeadlock() {
        return checkdead.check();
    }

    @Override
    public void tick() {
        sysmonTicks.incrementAndGet();
    }

    @Override
    public void monitorFailed(Throwable error) {
        long n = monitorErrors.incrementAndGet();
        StackTraceElement[] st = error.getStackTrace();
        String kind = error.getClass().getName() + (st.length == 0 ? "" : " at " + st[0]);
        if (monitorFailuresLogged.size() < 16 && monitorFailuresLogged.add(kind)) {
            System.getLogger("io.gmp4j.runtime").log(System.Logger.Level.ERROR, "runtime: " + rt.name()
                    + ": a system monitor cycle failed (failure " + n + "; the monitor goes on; each kind of "
                    + "failure is logged once, RuntimeStats.monitorErrors counts them all)", error);
        }
    }
}
