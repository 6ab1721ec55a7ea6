package io.gmp4j.soak;

/** What the soak counts, per phase and in total; {@link Counters} holds one adder per constant. */
enum Counter {
    GOROUTINES_STARTED("goroutines started"),
    GOROUTINES_ENDED("goroutines ended"),
    BURSTS("spawn bursts"),
    BURST_GOROUTINES("burst goroutines"),
    HOGS("cpu hogs"),
    SYSCALLS("Go.syscall calls"),
    VALUES_SENT("values sent"),
    VALUES_RECEIVED("values received"),
    CHANNELS_CLOSED("channels closed"),
    CONTEXTS("contexts"),
    CONTEXTS_CANCELED("contexts canceled"),
    CONTEXTS_DEADLINE("contexts past deadline"),
    TIMER_FIRES("timer fires"),
    TIMER_STOPS("timer stops"),
    TIMER_RESETS("timer resets"),
    AFTER_FUNCS("afterFunc runs"),
    TICKS("ticks"),
    SLEEPS("sleeps"),
    CONNS("connections"),
    CONN_BYTES("bytes checked"),
    CONN_RESETS("resets"),
    CONN_TIMEOUTS("deadline timeouts"),
    CONN_CLOSED("closed under a reader"),
    THROWN("thrown"),
    THROWN_HANDLED("uncaught handled"),
    STACK_TRACES("stack traces"),
    DUMPS("dumps"),
    PATTERN_RUNS("pattern runs");

    final String label;

    Counter(String label) {
        this.label = label;
    }
}
