package io.gmp4j.soak;

/** The throwables the soak injects on purpose; anything else reaching a handler is a failure. */
final class Injected {
    private Injected() {}

    /** An exception a goroutine throws on purpose (it reaches the uncaught-exception handler). */
    static final class Fault extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Fault(String message) {
            super(message, null, false, false); // no stack: cheap, and never printed
        }
    }

    /** An {@link Error} a goroutine throws on purpose: it must not kill the machine that ran it. */
    static final class Failure extends Error {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message, null, false, false);
        }
    }

    static boolean is(Throwable t) {
        return t instanceof Fault || t instanceof Failure;
    }
}
