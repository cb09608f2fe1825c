package org.segearth.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.segearth.api.InvalidInputException;
import org.segearth.runtime.pipeline.PackageAssembler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code segearth init}: a trainable base package from Mipha-3B and Mask2Former folders. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {
            "Assembles a trainable package from Mipha-3B and Mask2Former.",
            "Takes --mllm (a Mipha-layout folder such as Mipha-3B) and",
            "--mask-head (a Hugging Face Mask2Former folder: the official recipe's is",
            "facebook/mask2former-swin-base-IN21k-coco-panoptic; or a SAM folder such as facebook/sam-vit-base,",
            "for the SAM head), linked as downloaded (safetensors or pytorch_model.bin; tokenizer.json or",
            "Mipha's vocab.json + merges.txt), plus a seeded untrained [SEG] projector and segearth.json.",
            "Everything is checked before the package is written; a failure leaves nothing behind.",
            "Then run `segearth train`."})
final class InitCommand implements Callable<Integer> {

    @Option(names = "--mllm", required = true, paramLabel = "DIR", description = "Mipha-layout language model folder.")
    Path mllm;

    @Option(names = "--mask-head", required = true, paramLabel = "DIR", description = "Mask2Former (or SAM) checkpoint folder.")
    Path maskHead;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The new package (an empty or new folder).")
    Path out;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the projector's initialisation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        OutputFolder.checkUsable(out, "--out");
        List<String> entries = OutputFolder.entries(out);
        if (!entries.isEmpty()) {
            throw new InvalidInputException("--out " + out + " is not empty (" + entries.size() + " entries, e.g. "
                    + entries.get(0) + "); init writes a new package: choose a new or empty folder");
        }
        OutputFolder.checkWritable(out, "--out");
        boolean existed = Files.exists(out);
        Path pkg;
        try {
            pkg = PackageAssembler.assemble(mllm, maskHead, out, seed);
        } catch (RuntimeException e) {
            if (!existed) {
                Cleanup.remove(out); // made by this run, and everything in it
            }
            throw e;
        }
        spec.commandLine().getOut().println("model package: " + pkg + " (untrained [SEG] projector; train it next)");
        return ExitCodes.OK;
    }
}
