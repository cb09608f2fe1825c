package org.segearth.cli;

import java.io.PrintWriter;
import org.segearth.runtime.Engines;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** Entry point of the {@code segearth} command. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        Cleanup.exitOnSignals();
        System.exit(run(args));
    }

    /** Runs the command on the standard streams and returns its exit code. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command writing to {@code out} and {@code err} and returns its exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        Engines.init();
        CommandLine cmd = commandLine(new SegEarthCommand(), out, err);
        int code;
        if (args.length == 0) {
            cmd.usage(err);
            code = ExitCodes.USAGE;
        } else {
            code = cmd.execute(args);
        }
        out.flush();
        err.flush();
        return code;
    }

    /** A command line for {@code command} with this CLI's error handling. */
    static CommandLine commandLine(Object command, PrintWriter out, PrintWriter err) {
        return new CommandLine(command)
                .setExecutionExceptionHandler(new ErrorHandler())
                .setExecutionStrategy(Main::execute)
                .setOut(out)
                .setErr(err);
    }

    /** Runs the command; an {@link Error} goes to the error handler like an exception. */
    private static int execute(ParseResult parsed) {
        try {
            return new CommandLine.RunLast().execute(parsed);
        } catch (Error e) {
            ParseResult last = parsed;
            while (last.subcommand() != null) {
                last = last.subcommand();
            }
            throw new CommandLine.ExecutionException(last.commandSpec().commandLine(), e.toString(),
                    new ErrorHandler.Fatal(e));
        }
    }
}
