/**
 * The {@code gmp} scheduler and the runtime's timers; not exported. The public package and the
 * SPI reach it; nothing outside the module does.
 *
 * <p>The map in brief, with Go's names ({@code docs/ARCHITECTURE.md} has the full Go-to-gmp4j
 * table, the lock order and Rule M):
 * <ul>
 *   <li>{@link io.gmp4j.runtime.internal.GmpScheduler}: Go's scheduler ({@code proc.go}) —
 *       placement ({@code ready}), {@code findRunnable}, the global run queue and the idle
 *       lists ({@code sched}), spinning, {@code wakep}/{@code startm}/{@code stopm},
 *       {@code entersyscall}/{@code exitsyscall}, the monitor's view (retake,
 *       {@code handoffp}) and the network poller's place in the loop;
 *       {@link io.gmp4j.runtime.internal.GmpSchedulerProvider} names it {@code gmp}.</li>
 *   <li>{@code Processor} (Go's P: local run queue, {@code runnext}, status, timers),
 *       {@code Machine} (M: a platform thread) and {@code G} (a goroutine's virtual thread as
 *       the scheduler queues it).</li>
 *   <li>Timers ({@code time.go}): {@link io.gmp4j.runtime.internal.RuntimeTimer},
 *       {@link io.gmp4j.runtime.internal.TimerHeap} (one per processor),
 *       {@link io.gmp4j.runtime.internal.TimerService}, and
 *       {@link io.gmp4j.runtime.internal.ThreadTimers} (one heap and one thread for schedulers
 *       without processors).</li>
 *   <li>{@code RuntimeLock}: the lock that machines and goroutines share ({@code sched.lock}, the
 *       heaps' locks), on which goroutines spin instead of unmounting (Rule M).</li>
 *   <li>The baselines: {@code FifoScheduler} and {@code JdkScheduler}, named {@code fifo} and
 *       {@code jdk} by their providers.</li>
 *   <li>JVM machinery with no Go counterpart: {@link io.gmp4j.runtime.internal.JdkAccess}
 *       (virtual threads on a custom executor, behind {@code --add-opens}),
 *       {@link io.gmp4j.runtime.internal.JdkPoller} (starts the JDK's socket poller from a
 *       platform thread), {@code CarrierEventWriter} and the JFR events
 *       ({@code HandoffEvent}, {@code PreemptEvent}, {@code StealEvent}).</li>
 * </ul>
 */
package io.gmp4j.runtime.internal;
