package org.segearth.cli;

import org.segearth.runtime.SdkInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

/** {@code segearth}: language-guided segmentation of remote-sensing images. */
@Command(name = "segearth",
        mixinStandardHelpOptions = true,
        versionProvider = SegEarthCommand.Version.class,
        description = "Language-guided segmentation of remote-sensing images (SegEarth-R2).",
        subcommands = {SegmentCommand.class, EvalCommand.class, InitCommand.class, TrainCommand.class, InfoCommand.class, ParityCommand.class})
public final class SegEarthCommand implements Runnable {

    @Option(names = "--verbose", description = "Print stack traces of errors.", scope = picocli.CommandLine.ScopeType.INHERIT)
    boolean verbose;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Prints the SDK version. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"segearth " + SdkInfo.version()};
        }
    }
}
