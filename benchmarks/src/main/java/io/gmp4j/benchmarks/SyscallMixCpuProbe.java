package io.gmp4j.benchmarks;

import io.gmp4j.runtime.Go;
import io.gmp4j.runtime.GoRuntime;
import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;
import java.lang.management.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

/**
 * Where the CPU goes in the syscall-mix workload ({@link SyscallMixBenchmark}), not JMH: runs
 * the workload 6 times on a {@code gmp} runtime with 2 processors and prints, per run, when the
 * 2 CPU goroutines and the blocking goroutines finished, the process CPU time, and the CPU time
 * of the system monitor's thread and of the machine threads (ThreadMXBean).
 *
 * <pre>
 * java --add-opens=java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
 *      -cp benchmarks/target/gmp4j-benchmarks.jar io.gmp4j.benchmarks.SyscallMixCpuProbe sysmon 50
 * </pre>
 * Arguments: {@code sysmon} or {@code nosysmon}; the number of blocking goroutines (0 runs the
 * CPU goroutines alone).
 */
public final class SyscallMixCpuProbe {
    private SyscallMixCpuProbe() {}

    static final MethodHandle USLEEP = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("usleep").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    static volatile long sink;
    static int us(int n) { try { return (int) USLEEP.invokeExact(n); } catch (Throwable t) { throw new RuntimeException(t); } }
    static long cpu(long units) { long x = 88172645463325252L; for (long i = 0; i < units; i++) { x ^= x << 13; x ^= x >>> 7; x ^= x << 17; } return x; }
    /**
     * Entry point.
     *
     * @param a {@code sysmon|nosysmon} and the number of blocking goroutines
     * @throws Exception if the workload fails
     */
    public static void main(String[] a) throws Exception {
        boolean mon = !a[0].equals("nosysmon");
        int blocking = Integer.parseInt(a[1]);
        GoRuntime rt = GoRuntime.builder().maxProcs(2).monitor(mon).build();
        ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int it = 0; it < 6; it++) {
            Map<String, Long> before = threadCpu(tmx);
            long p0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            CountDownLatch cpuDone = new CountDownLatch(2), blkDone = new CountDownLatch(blocking);
            AtomicLong cpuEnd = new AtomicLong(), blkEnd = new AtomicLong();
            for (int i = 0; i < 2; i++) rt.go(() -> { sink += cpu(250_000_000L); cpuEnd.accumulateAndGet(System.nanoTime(), Math::max); cpuDone.countDown(); });
            for (int i = 0; i < blocking; i++) rt.go(() -> { try { for (int k = 0; k < 20; k++) Go.syscall(() -> us(5000)); } catch (Throwable e) { throw new RuntimeException(e);} blkEnd.accumulateAndGet(System.nanoTime(), Math::max); blkDone.countDown(); });
            cpuDone.await(); blkDone.await();
            long p1 = os.getProcessCpuTime();
            Map<String, Long> after = threadCpu(tmx);
            long sys = 0, ms = 0;
            for (var e : after.entrySet()) { long d = e.getValue() - before.getOrDefault(e.getKey(), 0L); if (e.getKey().contains("sysmon")) sys += d; else if (e.getKey().startsWith("gmp4j")) ms += d; }
            System.out.printf("it %d: cpu %d ms, blocking %d ms, process cpu %d ms, sysmon %d ms, machines %d ms, stats %s%n", it,
                (cpuEnd.get()-t0)/1_000_000, blocking == 0 ? 0 : (blkEnd.get()-t0)/1_000_000, (p1-p0)/1_000_000, sys/1_000_000, ms/1_000_000,
                "handoffs=" + rt.stats().handoffs() + " threads=" + rt.stats().threads() + " ticks=" + rt.stats().sysmonTicks());
        }
        rt.close();
    }
    static Map<String, Long> threadCpu(ThreadMXBean tmx) {
        Map<String, Long> m = new HashMap<>();
        for (ThreadInfo ti : tmx.getThreadInfo(tmx.getAllThreadIds())) if (ti != null) { long c = tmx.getThreadCpuTime(ti.getThreadId()); if (c > 0) m.put(ti.getThreadName() + "#" + ti.getThreadId(), c); }
        return m;
    }
}
