package org.segearth.cli;

import java.io.PrintWriter;
import org.segearth.runtime.Engines;
import picocli.CommandLine;

/** Entry point of the {@code segearth} command. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command on the standard streams and returns its exit code. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command writing to {@code out} and {@code err} and returns its exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        Engines.init();
        CommandLine cmd = new CommandLine(new SegEarthCommand())
                .setExecutionExceptionHandler(new ErrorHandler())
                .setOut(out)
                .setErr(err);
        int code = cmd.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
