package io.gmp4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bounded goroutine dump ({@link GoRuntime#dumpGoroutineProfile}), which the deadlock
 * report uses: the lowest ids in full, every goroutine counted by wait reason and stack.
 */
@Timeout(value = 60, unit = SECONDS)
class GoroutineProfileTest {
    private static final Pattern ENTRY = Pattern.compile("(?m)^goroutine (\\d+) \\[");

    @Test
    void fewGoroutinesAreAllShownInFullWithoutAProfile() throws Exception {
        Chan<Integer> never = Chan.make();
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            try {
                List<Thread> gs = start(rt, 3, never::recv);
                String out = profile(rt);
                assertEquals(3, ids(out).size(), out);
                assertFalse(out.contains("goroutine profile"), out);
                assertEquals(gs.stream().map(Thread::threadId).sorted().toList(), ids(out), out);
            } finally {
                never.close();
            }
        }
    }

    @Test
    void goroutinesAreCountedByWaitReasonAndStackAndTheLowestIdsShownInFull() throws Exception {
        Chan<Integer> never = Chan.make();
        Chan<Integer> sink = Chan.make(); // nobody receives: its senders wait
        Chan<Integer> other = Chan.make();
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            try {
                List<Thread> all = new ArrayList<>(start(rt, 600, () -> receiveHere(never)));
                all.addAll(start(rt, 400, () -> sendHere(sink)));
                all.addAll(start(rt, 3, () -> Select.builder().recv(other, v -> {}).recv(other, v -> {}).run()));
                String out = profile(rt);
                assertEquals(all.stream().map(Thread::threadId).sorted().limit(Traceback.FULL).toList(), ids(out), out);
                assertTrue(out.contains("... 993 more goroutines, not shown one by one\n"), out);
                assertTrue(out.contains("goroutine profile: total 1003\n"), out);
                assertGroup(out, 600, "chan receive", "receiveHere");
                assertGroup(out, 400, "chan send", "sendHere");
                assertTrue(out.contains("\n3 goroutines [select]:\n3 @\n"), out);
            } finally {
                never.close();
                sink.close();
                other.close();
            }
        }
    }

    @Test
    void aBigGroupIsSampledAndASmallOneStillReadWhole() throws Exception {
        Chan<Integer> never = Chan.make();
        Chan<Integer> sink = Chan.make();
        try (GoRuntime rt = GoRuntime.builder().maxProcs(2).build()) {
            try {
                start(rt, 19_900, () -> receiveHere(never));
                start(rt, 100, () -> sendHere(sink));
                String out = profile(rt);
                // Quotas: 10,000 stacks shared in proportion, at least 100 per wait reason.
                assertTrue(out.contains("\n19900 goroutines [chan receive], stacks read from 9950 of them:\n9950 @\n"),
                        out);
                assertGroup(out, 100, "chan send", "sendHere");
                assertTrue(out.length() < 16 * 1024, () -> out.length() + " chars");
            } finally {
                never.close();
                sink.close();
            }
        }
    }

    private static void receiveHere(Chan<Integer> c) {
        c.recv();
    }

    private static void sendHere(Chan<Integer> c) {
        try {
            c.send(1);
        } catch (ChanClosedException e) {
            // released by the test's close
        }
    }

    /** A group of n goroutines, all read, whose one stack passes through {@code method}. */
    private static void assertGroup(String out, int n, String reason, String method) {
        String head = "\n" + n + " goroutines [" + reason + "]:\n" + n + " @\n";
        int at = out.indexOf(head);
        assertTrue(at >= 0, "no '" + head.strip() + "' in\n" + out);
        int end = out.indexOf("\n\n", at + head.length());
        assertTrue(out.substring(at, end).contains("." + method + "("), out);
    }

    private static List<Thread> start(GoRuntime rt, int n, Runnable body) {
        List<Thread> gs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            gs.add(rt.go(body));
        }
        for (Thread g : gs) {
            Blocking.awaitBlocked(g);
        }
        return gs;
    }

    private static String profile(GoRuntime rt) {
        StringBuilder sb = new StringBuilder();
        rt.dumpGoroutineProfile(sb);
        return sb.toString();
    }

    private static List<Long> ids(String out) {
        List<Long> ids = new ArrayList<>();
        Matcher m = ENTRY.matcher(out);
        while (m.find()) {
            ids.add(Long.parseLong(m.group(1)));
        }
        return ids;
    }
}
