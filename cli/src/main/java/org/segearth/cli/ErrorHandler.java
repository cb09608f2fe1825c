package org.segearth.cli;

import org.segearth.api.InvalidInputException;
import org.segearth.api.ModelPackageException;
import org.segearth.api.ProviderNotFoundException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Prints errors as one line; the stack trace only with {@code --verbose}. */
final class ErrorHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        boolean verbose = parsed.hasMatchedOption("--verbose")
                || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--verbose"));
        cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        if (verbose) {
            e.printStackTrace(cmd.getErr());
        } else {
            cmd.getErr().println("(run with --verbose for details)");
        }
        return exitCode(e);
    }

    static int exitCode(Exception e) {
        if (e instanceof InvalidInputException) {
            return ExitCodes.BAD_INPUT;
        }
        if (e instanceof ModelPackageException || e instanceof ProviderNotFoundException) {
            return ExitCodes.BAD_MODEL;
        }
        return ExitCodes.ERROR;
    }
}
