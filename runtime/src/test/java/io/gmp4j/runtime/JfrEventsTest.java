package io.gmp4j.runtime;

import io.gmp4j.runtime.spi.MonitoredScheduler;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scheduler's JFR events (hand-off, preemption request, steal): recorded when a recording
 * enables them, absent from a recording with the JDK's default settings. The hand-off is driven
 * through the monitor's view, as the system monitor would, so this runs without the sysmon module.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JfrEventsTest {
    @TempDir
    Path tmp;

    @Test
    void handoffPreemptionAndStealEventsAreRecordedWhenEnabled() throws Exception {
        List<RecordedEvent> events;
        try (Recording r = new Recording()) {
            r.enable("io.gmp4j.Handoff");
            r.enable("io.gmp4j.PreemptRequest");
            r.enable("io.gmp4j.Steal");
            r.start();
            heldProcessorHandedOff();
            stealWork();
            r.stop();
            Path file = tmp.resolve("enabled.jfr");
            r.dump(file);
            events = RecordingFile.readAllEvents(file);
        }
        List<RecordedEvent> handoffs = ofType(events, "io.gmp4j.Handoff");
        assertEquals(1, handoffs.size(), events.toString());
        assertEquals("held", handoffs.get(0).getString("reason"));
        assertEquals(0, handoffs.get(0).getInt("processor"));
        assertTrue(handoffs.get(0).getInt("queued") >= 1, handoffs.toString());
        assertTrue(ofType(events, "io.gmp4j.PreemptRequest").size() >= 1, events.toString());
        List<RecordedEvent> steals = ofType(events, "io.gmp4j.Steal");
        assertTrue(steals.size() >= 1, "no steal event");
        assertTrue(steals.stream().allMatch(e -> e.getInt("count") >= 1 && e.getInt("thief") != e.getInt("victim")));
    }

    /**
     * Every steal is recorded, also when goroutines commit JFR events of their own on the same
     * machines (here the JDK's {@code jdk.VirtualThreadStart}, one per goroutine). A JDK 25 bug
     * made the first event a platform thread commits after a virtual thread committed one on it
     * vanish, and a machine steals right after running goroutines: a recording kept 1–2 steal
     * events out of hundreds (see {@code CarrierEventWriter}).
     */
    @Test
    void everyStealIsRecordedWhileGoroutinesRecordEventsOnTheSameMachines() throws Exception {
        List<RecordedEvent> events;
        long steals;
        try (Recording r = new Recording()) {
            r.enable("io.gmp4j.Steal");
            r.enable("jdk.VirtualThreadStart");
            r.start();
            steals = stealRounds(40);
            r.stop();
            Path file = tmp.resolve("steals.jfr");
            r.dump(file);
            events = RecordingFile.readAllEvents(file);
        }
        List<RecordedEvent> stealEvents = ofType(events, "io.gmp4j.Steal");
        assertTrue(ofType(events, "jdk.VirtualThreadStart").size() >= 40, "goroutines recorded their starts");
        assertTrue(steals >= 40, "the workload stole goroutines in every round: " + steals);
        long recorded = stealEvents.stream().mapToLong(e -> e.getInt("count")).sum();
        assertEquals(steals, recorded, "goroutines stolen (RuntimeStats.steals) against the sum of the "
                + stealEvents.size() + " Steal events' counts");
    }

    @Test
    void theEventsAreOffInTheDefaultConfiguration() throws Exception {
        List<RecordedEvent> events;
        try (Recording r = new Recording(Configuration.getConfiguration("default"))) {
            r.start();
            heldProcessorHandedOff();
            stealWork();
            r.stop();
            Path file = tmp.resolve("default.jfr");
            r.dump(file);
            events = RecordingFile.readAllEvents(file);
        }
        assertTrue(events.stream().noneMatch(e -> e.getEventType().getName().startsWith("io.gmp4j.")),
                "gmp4j events in a default recording");
        assertTrue(events.size() > 0, "the recording recorded the JDK's own events");
    }

    private static List<RecordedEvent> ofType(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }

    /** A goroutine loops on the only processor with one goroutine queued; hand the processor off. */
    private static void heldProcessorHandedOff() throws Exception {
        try (GoRuntime rt = GoRuntime.builder().maxProcs(1).monitor(false).build()) {
            MonitoredScheduler ms = rt.scheduler().monitored();
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch looping = new CountDownLatch(1);
            CountDownLatch queued = new CountDownLatch(1);
            rt.go(() -> {
                Go.go(queued::countDown);
                looping.countDown();
                while (!stop.get()) {
                    Thread.onSpinWait();
                }
            });
            try {
                assertTrue(looping.await(10, TimeUnit.SECONDS));
                assertTrue(ms.preempt(0), "processor 0 runs a goroutine");
                assertTrue(ms.retakeRunning(0, ms.schedtick(0)), "hand-off of the held processor");
                assertTrue(queued.await(10, TimeUnit.SECONDS), "the queued goroutine ran on another machine");
                assertEquals(1, rt.stats().handoffs());
                assertEquals(2, rt.stats().threads());
            } finally {
                stop.set(true);
            }
        }
    }

    /**
     * Rounds in which one goroutine queues CPU-bound goroutines on its processor and waits for
     * them: the other processor's machine, which ran goroutines in the round before, steals. Returns
     * the runtime's steal count once every goroutine is done.
     */
    private static long stealRounds(int rounds) throws Exception {
        int perRound = 8;
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).monitor(false).build()) {
            CountDownLatch done = new CountDownLatch(1);
            rt.go(() -> {
                for (int round = 0; round < rounds; round++) {
                    long before = rt.stats().steals();
                    CountDownLatch all = new CountDownLatch(perRound);
                    for (int i = 0; i < perRound; i++) {
                        Go.go(() -> {
                            spin(200_000);
                            all.countDown();
                        });
                    }
                    // Keep this processor busy until the other one has stolen, so every round steals.
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (rt.stats().steals() == before && System.nanoTime() < deadline) {
                        spin(10_000);
                    }
                    try {
                        all.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                done.countDown();
            });
            assertTrue(done.await(60, TimeUnit.SECONDS), "the rounds finished");
            return rt.stats().steals();
        }
    }

    private static void spin(int n) {
        long x = 1;
        for (int k = 0; k < n; k++) {
            x = x * 31 + k;
        }
        if (x == 42) {
            System.out.print("");
        }
    }

    private static void stealWork() throws Exception {
        int n = 200;
        CountDownLatch all = new CountDownLatch(n);
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).monitor(false).build()) {
            rt.go(() -> {
                for (int i = 0; i < n; i++) {
                    Go.go(() -> {
                        long x = 1;
                        for (int k = 0; k < 200_000; k++) {
                            x = x * 31 + k;
                        }
                        if (x == 42) {
                            System.out.print("");
                        }
                        all.countDown();
                    });
                }
            });
            assertTrue(all.await(60, TimeUnit.SECONDS));
            assertTrue(rt.stats().steals() > 0, "no steal");
        }
    }
}
