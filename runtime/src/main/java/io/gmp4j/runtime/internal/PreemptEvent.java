package io.gmp4j.runtime.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR: the system monitor asked the goroutine running on a processor to yield. Off by default. */
@Name("io.gmp4j.PreemptRequest")
@Label("Preemption Request")
@Category({"gmp4j", "Scheduler"})
@Description("A goroutine held its processor for 10 ms; it yields at its next runtime call or Go.checkpoint()")
@Enabled(false)
@StackTrace(false)
final class PreemptEvent extends jdk.jfr.Event {
    @Label("Processor")
    int processor;
    @Label("Goroutine")
    @Description("Thread id of the goroutine asked to yield, or -1")
    long goroutine;
}
