package io.gmp4j.runtime.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR: the system monitor took a processor from its machine and handed it to another. Off by default. */
@Name("io.gmp4j.Handoff")
@Label("Processor Hand-off")
@Category({"gmp4j", "Scheduler"})
@Description("The system monitor took a processor from a machine blocked in a syscall or held by one goroutine, "
        + "and handed it with its queued goroutines to another machine")
@Enabled(false)
@StackTrace(false)
final class HandoffEvent extends jdk.jfr.Event {
    @Label("Processor")
    int processor;
    @Label("Reason")
    @Description("syscall, or held (schedule tick unchanged for 10 ms)")
    String reason;
    @Label("Machine")
    @Description("Id of the machine the processor was taken from")
    long machine;
    @Label("Queued Goroutines")
    int queued;
}
