package org.segearth.cli;

/** Exit codes of the {@code segearth} command. */
public final class ExitCodes {

    /** Success. */
    public static final int OK = 0;
    /** A check ran and failed (e.g. parity out of tolerance). */
    public static final int CHECK_FAILED = 1;
    /** Bad usage (picocli's own code). */
    public static final int USAGE = 2;
    /** The work could not be done (an I/O error, an engine failure). */
    public static final int ERROR = 3;
    /** The input was unusable: an unreadable image, an empty or too long instruction. */
    public static final int BAD_INPUT = 4;
    /** The model package is missing, incomplete, or needs a component that is not installed. */
    public static final int BAD_MODEL = 5;

    private ExitCodes() {}
}
