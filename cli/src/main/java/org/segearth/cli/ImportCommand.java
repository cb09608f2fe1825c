package org.segearth.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.segearth.api.InvalidInputException;
import org.segearth.runtime.pipeline.OfficialImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code segearth import --official DIR --out PKG}: a model package from an official SegEarth-R2 checkpoint. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {
            "Makes a model package from an official SegEarth-R2 checkpoint folder.",
            "--official is what the official merge script saves (config.json, model.safetensors or shards",
            "with model.safetensors.index.json, tokenizer files). Nothing is copied: the package links the",
            "folder and maps its key names (fused qkv / in_proj split on load) to the SDK's; sizes come from",
            "the tensors' shapes. The mask head keeps the official pixel decoder's ReLU after the lateral",
            "convolution (--hf-lateral-conv drops it, as Hugging Face's Mask2Former)."})
final class ImportCommand implements Callable<Integer> {

    @Option(names = "--official", required = true, paramLabel = "DIR", description = "The official checkpoint folder.")
    Path official;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The new package (an empty or new folder).")
    Path out;

    @Option(names = "--hf-lateral-conv", description = "Pixel decoder without the official lateral ReLU (Hugging Face semantics).")
    boolean hfLateralConv;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        OutputFolder.checkUsable(out, "--out");
        List<String> entries = OutputFolder.entries(out);
        if (!entries.isEmpty()) {
            throw new InvalidInputException("--out " + out + " is not empty (" + entries.size() + " entries, e.g. "
                    + entries.get(0) + "); import writes a new package: choose a new or empty folder");
        }
        OutputFolder.checkWritable(out, "--out");
        OfficialImporter.Result r = OfficialImporter.importFolder(official, out, !hfLateralConv);
        spec.commandLine().getOut().println("model package: " + r.packageRoot() + " (" + r.tensors()
                + " official tensors: " + OfficialImporter.describe(r.dtypes()) + "; " + r.dropped().size()
                + " not used at inference; tokenizer " + (r.tokenizer() ? "linked" : "absent: token ids only") + ")");
        return ExitCodes.OK;
    }
}
