package io.gmp4j.runtime;

import io.gmp4j.runtime.spi.SchedulerStats;
import io.gmp4j.runtime.spi.WaitReason;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Go's diagnostics formatted for a runtime: {@code schedtrace} with {@code scheddetail=1}
 * ({@link GoRuntime#schedtraceDetail()}) and the note a dump starts with when the system
 * monitor has died. The goroutine dumps themselves are {@link Traceback}'s; the deadlock check
 * is {@link Checkdead}.
 */
final class Diagnostics {
    private Diagnostics() {}

    /**
     * Go's {@code schedtrace} line with the {@code scheddetail} fields, then one line per
     * processor, machine and goroutine (see {@link GoRuntime#schedtraceDetail()}).
     *
     * @param st            the runtime's counters, read once
     * @param uptimeMillis  the schedtrace clock
     * @param goroutines    the live goroutine threads
     * @return the lines, separated by {@code '\n'}
     */
    static String schedtraceDetail(RuntimeStats st, long uptimeMillis, Collection<Thread> goroutines) {
        StringBuilder sb = new StringBuilder(st.schedtraceHeader(uptimeMillis));
        sb.append(" gcwaiting=false nmidlelocked=0 stopwait=0 sysmonwait=").append(st.idleProcs() == st.maxProcs());
        Map<Long, Long> machineOf = new HashMap<>();
        Map<Long, Boolean> inSyscall = new HashMap<>();
        for (SchedulerStats.Processor p : st.processors()) {
            sb.append("\n  P").append(p.id()).append(": status=").append(p.statusCode())
                    .append(" schedtick=").append(p.schedTick())
                    .append(" syscalltick=").append(p.syscallTick())
                    .append(" m=").append(p.machine() < 0 ? "nil" : Long.toString(p.machine()))
                    .append(" runqsize=").append(p.runQueue() + (p.runNext() ? 1 : 0))
                    .append(" gfreecnt=0 timerslen=").append(p.timers());
        }
        for (SchedulerStats.Machine m : st.machines()) {
            if (m.goroutine() >= 0) {
                machineOf.put(m.goroutine(), m.id());
                inSyscall.put(m.goroutine(), m.syscall());
            }
            sb.append("\n  M").append(m.id()).append(": p=").append(m.processor() < 0 ? "nil" : Integer.toString(m.processor()))
                    .append(" curg=").append(m.goroutine() < 0 ? "nil" : Long.toString(m.goroutine()))
                    .append(" mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=").append(m.spinning())
                    .append(" blocked=").append(m.blocked())
                    .append(" lockedg=nil");
        }
        List<Thread> threads = new ArrayList<>(goroutines);
        threads.sort(Comparator.comparingLong(Thread::threadId));
        for (Thread t : threads) {
            Thread.State state = t.getState();
            if (state == Thread.State.TERMINATED) {
                continue;
            }
            Long m = machineOf.get(t.threadId());
            Object blocker = LockSupport.getBlocker(t);
            int status;
            String why = "";
            if (m != null) {
                status = Boolean.TRUE.equals(inSyscall.get(t.threadId())) ? 3 : 2;
            } else if (state == Thread.State.RUNNABLE || state == Thread.State.NEW) {
                status = 1;
            } else {
                status = 4;
                why = blocker instanceof WaitReason w ? w.reason() : Traceback.describe(t, state);
            }
            sb.append("\n  G").append(t.threadId()).append(": status=").append(status).append('(').append(why)
                    .append(") m=").append(m == null ? "nil" : Long.toString(m)).append(" lockedm=nil");
        }
        return sb.toString();
    }

    /** Writes the first lines of a dump taken while the system monitor is not running. */
    static void noteMonitorDead(Appendable out, String monitorName) throws IOException {
        out.append("runtime: the system monitor (").append(monitorName).append(") is not running: no "
                + "processor is retaken, no overdue timer run, no deadlock reported\n\n");
    }
}
