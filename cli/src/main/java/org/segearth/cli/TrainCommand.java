package org.segearth.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.segearth.api.InvalidInputException;
import org.segearth.runtime.data.Datasets;
import org.segearth.runtime.train.Trainer;
import org.segearth.runtime.train.TrainingConfig;
import org.segearth.runtime.train.TrainingListener;
import org.segearth.runtime.train.TrainingProgress;
import org.segearth.runtime.train.TrainingResult;
import org.segearth.spi.config.LoraConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code segearth train}: fine-tune a model package on a LaSeRS-format dataset. */
@Command(name = "train",
        description = {
            "Fine-tunes a model package on a LaSeRS-format dataset with the SegEarth-R2 losses (text CE,",
            "5 x BCE + 5 x Dice with deep supervision, lambda_S x spatial attention loss). Writes",
            "checkpoints and the final model package (adapter/, trained.safetensors, segearth.json with",
            "provenance) under --out; --resume continues from the latest checkpoint there."})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "The model package to start from.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "LaSeRS-format dataset folder.")
    Path data;

    @Option(names = "--split", defaultValue = "train", description = "Split to train on (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Checkpoints and the final package.")
    Path out;

    @Option(names = "--epochs", defaultValue = "1", description = "Passes over the data (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--max-steps", defaultValue = "0", description = "Stop after this many optimizer steps (0: epochs decide).")
    int maxSteps;

    @Option(names = "--batch-size", defaultValue = "1", description = "Samples per optimizer step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--grad-accumulation", defaultValue = "1", description = "Batches per optimizer step (default: ${DEFAULT-VALUE}).")
    int gradientAccumulation;

    @Option(names = "--lr", defaultValue = "5e-5", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--weight-decay", defaultValue = "0", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--lambda-s", defaultValue = "0.01", description = "Spatial attention loss weight; 0 disables it (default: ${DEFAULT-VALUE}).")
    float lambdaS;

    @Option(names = "--mask-loss", defaultValue = "point", description = "point (12544 importance-sampled points) or dense (default: ${DEFAULT-VALUE}).")
    String maskLoss;

    @Option(names = "--trainable", defaultValue = "segearth", description = "segearth (the paper's subset) or everything (default: ${DEFAULT-VALUE}).")
    String trainable;

    @Option(names = "--lora-r", defaultValue = "8", description = "LoRA rank of a new adapter (default: ${DEFAULT-VALUE}).")
    int loraR;

    @Option(names = "--lora-alpha", defaultValue = "16", description = "LoRA alpha (default: ${DEFAULT-VALUE}).")
    double loraAlpha;

    @Option(names = "--lora-dropout", defaultValue = "0.05", description = "LoRA dropout (default: ${DEFAULT-VALUE}).")
    double loraDropout;

    @Option(names = "--lora-targets", defaultValue = "q_proj,v_proj", split = ",", description = "LoRA target modules (default: ${DEFAULT-VALUE}).")
    List<String> loraTargets;

    @Option(names = "--save-every", defaultValue = "0", description = "Checkpoint every N steps; 0 only at the end (default: ${DEFAULT-VALUE}).")
    int saveEvery;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of everything random (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--resume", description = "Continue from the latest checkpoint under --out.")
    boolean resume;

    @Option(names = "--json", description = "Print the result as JSON; no progress bar.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // training processes need PyTorch's graph optimizer off; must be set before the engine starts
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        TrainingConfig config = TrainingConfig.builder()
                .learningRate(learningRate)
                .weightDecay(weightDecay)
                .batchSize(batchSize)
                .gradientAccumulation(gradientAccumulation)
                .epochs(epochs)
                .maxSteps(maxSteps)
                .seed(seed)
                .attentionWeight(lambdaS)
                .maskLoss(parseMaskLoss(maskLoss))
                .trainable(parseTrainable(trainable))
                .lora(new LoraConfig(loraR, loraAlpha, loraDropout, loraTargets, false, false))
                .saveEvery(saveEvery)
                .build();
        ProgressDisplay progress = new ProgressDisplay(spec.commandLine().getErr(), !json);
        progress.stage("loading model");
        TrainingResult result = Trainer.builder()
                .basePackage(model)
                .data(Datasets.open("lasers", data, split))
                .output(out)
                .config(config)
                .resume(resume)
                .listener(listener(progress))
                .build()
                .run();
        progress.done();
        PrintWriter stdout = spec.commandLine().getOut();
        String last = result.stepLosses().isEmpty() ? "none" : result.stepLosses().get(result.stepLosses().size() - 1).toString();
        if (json) {
            stdout.println(String.format(Locale.ROOT, "{\"model\": \"%s\", \"start_step\": %d, \"end_step\": %d}",
                    result.modelPackage().toString().replace("\\", "\\\\").replace("\"", "\\\""),
                    result.startStep(), result.endStep()));
        } else {
            stdout.println("trained steps " + result.startStep() + ".." + result.endStep() + "; last losses: " + last);
            stdout.println("model package: " + result.modelPackage());
        }
        return ExitCodes.OK;
    }

    private static TrainingListener listener(ProgressDisplay progress) {
        return (TrainingProgress p) -> progress.bar(p.step(), p.totalSteps());
    }

    private static TrainingConfig.MaskLossMode parseMaskLoss(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "point", "point-sampled", "point_sampled" -> TrainingConfig.MaskLossMode.POINT_SAMPLED;
            case "dense" -> TrainingConfig.MaskLossMode.DENSE;
            default -> throw new InvalidInputException("--mask-loss must be point or dense, not '" + v + "'");
        };
    }

    private static TrainingConfig.Trainable parseTrainable(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "segearth" -> TrainingConfig.Trainable.SEGEARTH;
            case "everything" -> TrainingConfig.Trainable.EVERYTHING;
            default -> throw new InvalidInputException("--trainable must be segearth or everything, not '" + v + "'");
        };
    }
}
