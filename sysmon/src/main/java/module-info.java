/**
 * gmp4j sysmon. The system monitor (Go's sysmon): syscall hand-off, hog detection, schedtrace, deadlock report. Provides the runtime's monitor SPI (to come).
 */
module io.gmp4j.sysmon {
    requires io.gmp4j.runtime;
}
