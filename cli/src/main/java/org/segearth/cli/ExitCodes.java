package org.segearth.cli;

/** Exit codes of the {@code segearth} command. */
public final class ExitCodes {

    /** Success. */
    public static final int OK = 0;
    /** A check ran and failed (e.g. parity out of tolerance). */
    public static final int CHECK_FAILED = 1;
    /** Bad usage (picocli's own code). */
    public static final int USAGE = 2;
    /** The work could not be done: bad input, missing model, I/O error. */
    public static final int ERROR = 3;

    private ExitCodes() {}
}
