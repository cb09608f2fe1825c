package org.segearth.cli;

import org.segearth.runtime.SdkInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

/** {@code segearth}: language-guided segmentation of remote-sensing images. */
@Command(name = "segearth",
        mixinStandardHelpOptions = true,
        versionProvider = SegEarthCommand.Version.class,
        // the command list: one line per command summary, with room for the longest name (export-demo)
        usageHelpWidth = 100,
        description = "Language-guided segmentation of remote-sensing images (SegEarth-R2).",
        subcommands = {SegmentCommand.class, EvalCommand.class, InitCommand.class, ImportCommand.class, TrainCommand.class,
                InfoCommand.class, ParityCommand.class, ServeCommand.class, ExportDemoCommand.class})
public final class SegEarthCommand implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--verbose", description = "Print stack traces of errors.", scope = picocli.CommandLine.ScopeType.INHERIT)
    boolean verbose;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Without a command: the usage on standard error, exit code 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** Prints the SDK version. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"segearth " + SdkInfo.version()};
        }
    }
}
