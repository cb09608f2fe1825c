package org.segearth.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.segearth.runtime.parity.ParityResult;
import org.segearth.runtime.parity.ParityRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code segearth parity DIR...}: reproduce reference dumps with the SDK. */
@Command(name = "parity", mixinStandardHelpOptions = true,
        description = {
            "Reproduces reference dumps with the SDK and compares every output.",
            "Loads the checkpoint in each DIR, runs the component the folder holds on the inputs in its",
            "io.safetensors and compares every expected output. The folder name says the component: "
                    + "preprocess, siglip_vision, phi, mask2former, sam, losses, metrics, segearth_r2_tiny, official_r2_tiny (an official checkpoint folder, imported first).",
            "Prints one line per compared tensor, then PARITY <component> OK max_abs_diff=<x> or",
            "PARITY <component> FAIL <reason>. Exit code 0 when every folder passes, else 1."})
final class ParityCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "DIR", description = "Reference dump folders.")
    List<Path> dirs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ParityRunner runner = new ParityRunner();
        boolean ok = true;
        for (Path dir : dirs) {
            ParityResult result = runner.run(dir, out::println);
            out.println(result.verdict());
            out.flush();
            ok &= result.ok();
        }
        return ok ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }
}
