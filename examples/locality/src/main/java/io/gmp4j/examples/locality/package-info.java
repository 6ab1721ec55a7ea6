/**
 * A locality-first goroutine scheduler, the worked example of gmp4j's scheduler SPI: the
 * policy of Netty's virtual-thread scheduler (a goroutine belongs to one carrier, as a Netty
 * channel belongs to one event loop) on the building blocks any third party has —
 * {@link io.gmp4j.runtime.spi.VirtualThreads#newThread(java.util.concurrent.Executor, Runnable)}
 * and JCTools' MPSC queues.
 *
 * <h2>The policy</h2>
 * <ul>
 *   <li>{@code maxProcs} carrier platform threads, each with its own unbounded MPSC run queue;
 *       a carrier runs one goroutine at a time, so at most {@code maxProcs} run at once.</li>
 *   <li>Every goroutine has a home: the carrier that last ran it. Each time it becomes
 *       runnable (unpark, {@code Thread.yield}, the end of a sleep, a channel hand-off) its
 *       continuation goes back to that carrier's queue, whoever readied it.</li>
 *   <li>A goroutine started by a goroutine starts on its parent's carrier; one started from a
 *       platform thread gets a carrier round-robin.</li>
 *   <li>A carrier whose own queue is empty may steal, one goroutine at a time, from another
 *       carrier that has a backlog (two or more waiting); the stolen goroutine's home becomes
 *       the thief. Nothing else ever moves a goroutine.</li>
 *   <li>An idle carrier parks. It publishes a {@code sleeping} flag and then re-checks its queue
 *       (and the others' backlogs); a submitter publishes into the queue and then reads the
 *       flag. One of the two always sees the other, so no wake-up is lost.</li>
 * </ul>
 *
 * <h2>Trade-offs against gmp4j's {@code gmp} scheduler</h2>
 * A goroutine keeps its caches warm and its carrier's queue sees no contention from other
 * carriers' consumers, but: there is no global run queue and no fairness tick, so nothing
 * bounds how long a goroutine waits behind others on its carrier; a lone goroutine queued
 * behind one that never blocks waits for it (idle carriers take only a backlog); two goroutines
 * that talk to each other from different carriers stay apart, so every hand-off wakes a parked
 * carrier, where {@code gmp}'s {@code runnext} would run the woken one on the waker's processor;
 * and there is no monitor retake: {@code monitored()} stays {@code null}, so the system monitor
 * only traces and reports deadlocks — it can neither hand off a carrier stuck in a CPU loop or
 * in {@code Go.syscall} nor ask a goroutine to yield.
 */
package io.gmp4j.examples.locality;
