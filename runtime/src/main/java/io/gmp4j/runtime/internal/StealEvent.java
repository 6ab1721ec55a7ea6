package io.gmp4j.runtime.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR: a processor stole goroutines from another's local queue. Off by default. */
@Name("io.gmp4j.Steal")
@Label("Work Steal")
@Category({"gmp4j", "Scheduler"})
@Description("A processor with nothing to run took half of another processor's local run queue (or its runnext)")
@Enabled(false)
@StackTrace(false)
final class StealEvent extends jdk.jfr.Event {
    @Label("Thief")
    int thief;
    @Label("Victim")
    int victim;
    @Label("Goroutines")
    int count;
}
