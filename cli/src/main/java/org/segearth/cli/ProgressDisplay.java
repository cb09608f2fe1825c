package org.segearth.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress on standard error for a person at a terminal: stage messages and a bar with a count
 * and an ETA. Silent when standard output is not a terminal or when JSON output was asked for.
 */
final class ProgressDisplay {

    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean enabled;
    private final long start = System.nanoTime();

    ProgressDisplay(PrintWriter err, boolean wanted) {
        this.err = err;
        this.enabled = wanted && System.console() != null;
    }

    /** Shows what is being done now. */
    void stage(String what) {
        if (enabled) {
            err.printf(Locale.ROOT, "\r[%6.1fs] %-40s", elapsed(), what + " ...");
            err.flush();
        }
    }

    /** Shows {@code done} of {@code total} with an estimate of the time left. */
    void bar(int done, int total) {
        bar(done, total, "");
    }

    /** {@link #bar(int, int)} followed by {@code note} (e.g. the current loss). */
    void bar(int done, int total, String note) {
        if (!enabled || total <= 0) {
            return;
        }
        int filled = (int) ((long) WIDTH * done / total);
        double eta = done == 0 ? Double.NaN : elapsed() / done * (total - done);
        err.printf(Locale.ROOT, "\r[%s%s] %d/%d  %s%s", "#".repeat(filled), ".".repeat(WIDTH - filled), done, total,
                note.isEmpty() ? "" : note + "  ", Double.isNaN(eta) ? "" : String.format(Locale.ROOT, "ETA %.0fs ", eta));
        err.flush();
    }

    /** Ends the line. */
    void done() {
        if (enabled) {
            err.printf(Locale.ROOT, "\r[%6.1fs] %-40s%n", elapsed(), "done");
            err.flush();
        }
    }

    private double elapsed() {
        return (System.nanoTime() - start) / 1e9;
    }
}
