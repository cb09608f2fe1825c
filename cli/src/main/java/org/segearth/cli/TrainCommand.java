package org.segearth.cli;

import java.io.PrintWriter;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.segearth.api.InvalidInputException;
import org.segearth.api.ModelPackageException;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.data.BenchmarkDataset;
import org.segearth.runtime.data.Datasets;
import org.segearth.runtime.chart.Charts;
import org.segearth.runtime.train.LossLog;
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
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {
            "Fine-tunes a model package on a LaSeRS-format dataset.",
            "Losses: text CE, 5 x BCE + 5 x Dice with deep supervision, lambda_S x spatial attention.",
            "Writes checkpoints/step-N and the final package model/ (adapter/, trained.safetensors,",
            "segearth.json with provenance), loss.csv (step, loss parts, learning rate, gradient norm)",
            "and its plot loss.png under --out. --resume continues the run in --out from its",
            "latest checkpoint (same settings and model only); an --out that holds another run or other",
            "files is refused unless --overwrite (which replaces only that run's checkpoints and model)."})
final class TrainCommand implements Callable<Integer>, ErrorHandler.Described {

    /** The loss curve written under --out. */
    static final String LOSS_CSV = "loss.csv";
    /** Its plot. */
    static final String LOSS_PNG = "loss.png";

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

    @Option(names = "--lora-r", defaultValue = "4",
            description = "LoRA rank of a new adapter (default: ${DEFAULT-VALUE}, as the official scripts/train.sh; the paper says 8).")
    int loraR;

    @Option(names = "--lora-alpha", defaultValue = "16", description = "LoRA alpha (default: ${DEFAULT-VALUE}).")
    double loraAlpha;

    @Option(names = "--lora-dropout", defaultValue = "0.05", description = "LoRA dropout (default: ${DEFAULT-VALUE}).")
    double loraDropout;

    @Option(names = "--lora-targets", defaultValue = "q_proj,v_proj", split = ",", description = "LoRA target modules (default: ${DEFAULT-VALUE}).")
    List<String> loraTargets;

    @Option(names = "--lm-head-bias",
            description = "Keep and train the base's lm_head bias (the official model has none: by default it is dropped).")
    boolean lmHeadBias;

    @Option(names = "--train-seg-row",
            description = "Train the [SEG] embedding row (officially embed_tokens stays frozen).")
    boolean trainSegRow;

    @Option(names = "--seg-row", defaultValue = "keep",
            description = "The [SEG] embedding row where the base tokenizer lacked [SEG]: keep (as the checkpoint has it,"
                    + " as the official resize_token_embeddings), normal or mean (default: ${DEFAULT-VALUE}).")
    String segRow;

    @Option(names = "--no-model-dropout",
            description = "Train without the language model's own dropout (Phi's resid_pdrop; officially applied).")
    boolean noModelDropout;

    @Option(names = "--save-every", defaultValue = "0", description = "Checkpoint every N steps; 0 only at the end (default: ${DEFAULT-VALUE}).")
    int saveEvery;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of everything random (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--resume", description = "Continue from the latest checkpoint under --out.")
    boolean resume;

    @Option(names = "--json", description = "Print the result as JSON; no progress bar.")
    boolean json;

    @Option(names = "--overwrite",
            description = "Start again in an --out that holds another run or other files (only segearth's files are replaced).")
    boolean overwrite;

    @Spec
    CommandSpec spec;

    @Override
    public String work() {
        return "training the model package " + model + " on " + data + " (--batch-size " + batchSize + ")";
    }

    @Override
    public Integer call() {
        // training processes need PyTorch's graph optimizer off; must be set before the engine starts
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        checkLora();
        OutputFolder.checkUsable(out, "--out");
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
                .lmHeadBias(lmHeadBias)
                .trainSegRow(trainSegRow)
                .segRowInit(parseSegRow(segRow))
                .modelDropout(!noModelDropout)
                .saveEvery(saveEvery)
                .build();
        BenchmarkDataset dataset = openData();
        OutputFolder.Record record = record();
        OutputFolder.Prepared folder = OutputFolder.prepare(out, "--out", record, overwrite);
        boolean startAgain = folder.state() == OutputFolder.State.OVERWRITE;
        if (startAgain && resume) {
            throw new InvalidInputException("--resume continues the run in --out " + out + ", but it holds "
                    + (folder.previous().isPresent() ? "a run with other settings ("
                            + OutputFolder.differences(folder.previous().get(), record) + ")" : "no segearth run")
                    + "; drop --resume to start again there with --overwrite");
        }
        if (folder.state() == OutputFolder.State.SAME && !resume && !overwrite) {
            List<String> earlier = OutputFolder.entries(out.resolve("checkpoints"));
            if (!earlier.isEmpty() || Files.exists(out.resolve("model"))) {
                throw new InvalidInputException("--out " + out + " holds a run of the same settings ("
                        + (earlier.isEmpty() ? "model/" : "checkpoints " + earlier) + "); add --resume to continue it,"
                        + " or --overwrite to start again");
            }
        }
        ProgressDisplay progress = new ProgressDisplay(spec.commandLine().getErr(), !json);
        Path lossCsv = out.resolve(LOSS_CSV);
        TrainingResult result;
        try (LossLog log = LossLog.open(lossCsv, resume)) {
            Trainer trainer = Trainer.builder()
                    .basePackage(model)
                    .data(dataset)
                    .output(out)
                    .config(config)
                    .resume(resume)
                    .overwrite(!resume && (startAgain || overwrite))
                    .listener(listener(progress, log))
                    .build();
            trainer.check(); // the base and the folder's checkpoints, before the record names this run
            OutputFolder.write(out, record);
            progress.stage("loading model");
            result = trainer.run();
        }
        if (Files.isRegularFile(lossCsv)) {
            Charts.lossCurves(LossLog.read(lossCsv), out.resolve(LOSS_PNG));
        }
        progress.done();
        PrintWriter stdout = spec.commandLine().getOut();
        String last = result.stepLosses().isEmpty() ? "none" : result.stepLosses().get(result.stepLosses().size() - 1).toString();
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("model", result.modelPackage() == null ? null : result.modelPackage().toString());
            o.addProperty("start_step", result.startStep());
            o.addProperty("end_step", result.endStep());
            stdout.println(new GsonBuilder().serializeNulls().disableHtmlEscaping().create().toJson(o));
        } else {
            stdout.println("trained steps " + result.startStep() + ".." + result.endStep() + "; last losses: " + last);
            stdout.println("model package: " + result.modelPackage());
        }
        return ExitCodes.OK;
    }

    private void checkLora() {
        if (loraR < 1) {
            throw new InvalidInputException("--lora-r must be >= 1, not " + loraR);
        }
        if (!(loraAlpha > 0) || Double.isInfinite(loraAlpha)) {
            throw new InvalidInputException("--lora-alpha must be a positive number, not " + loraAlpha);
        }
        if (!(loraDropout >= 0 && loraDropout < 1)) {
            throw new InvalidInputException("--lora-dropout must be in [0, 1), not " + loraDropout);
        }
        if (loraTargets == null || loraTargets.isEmpty() || loraTargets.stream().anyMatch(String::isBlank)) {
            throw new InvalidInputException("--lora-targets must name modules, e.g. q_proj,v_proj; got " + loraTargets);
        }
    }

    private BenchmarkDataset openData() {
        try {
            return Datasets.open("lasers", data, split);
        } catch (InvalidInputException | ModelPackageException e) {
            throw e;
        } catch (SegEarthException | IllegalArgumentException | IllegalStateException e) {
            throw new InvalidInputException("--data " + data + " --split " + split + ": "
                    + ErrorHandler.firstLine(String.valueOf(e.getMessage())), e);
        }
    }

    /** What decides this run's checkpoints (the checkpoint cadence and output format do not). */
    private OutputFolder.Record record() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("model", model.toAbsolutePath().normalize().toString());
        s.put("model_content", ModelIdentity.contentSha256(Inputs.modelRoot(model)));
        s.put("data", data.toAbsolutePath().normalize().toString());
        s.put("split", split);
        s.put("epochs", Integer.toString(epochs));
        s.put("max_steps", Integer.toString(maxSteps));
        s.put("batch_size", Integer.toString(batchSize));
        s.put("grad_accumulation", Integer.toString(gradientAccumulation));
        s.put("lr", Double.toString(learningRate));
        s.put("weight_decay", Double.toString(weightDecay));
        s.put("lambda_s", Float.toString(lambdaS));
        s.put("mask_loss", maskLoss.toLowerCase(Locale.ROOT));
        s.put("trainable", trainable.toLowerCase(Locale.ROOT));
        s.put("lora", loraR + "/" + loraAlpha + "/" + loraDropout + "/" + String.join(",", loraTargets));
        s.put("seed", Long.toString(seed));
        s.put("lm_head_bias", lmHeadBias ? "kept" : "dropped");
        s.put("seg_row", (trainSegRow ? "trained, " : "frozen, ") + segRow.toLowerCase(Locale.ROOT));
        s.put("model_dropout", noModelDropout ? "off" : "on");
        return new OutputFolder.Record("train", s, List.of("checkpoints/", "model/", LOSS_CSV, LOSS_PNG));
    }

    /** The progress bar with the step's loss, and the loss log. */
    private static TrainingListener listener(ProgressDisplay progress, LossLog log) {
        return (TrainingProgress p) -> {
            log.onStep(p);
            progress.bar(p.step(), p.totalSteps(), String.format(Locale.ROOT, "loss %.4f (text %.3f, mask %.3f)",
                    p.losses().total(), p.losses().textCe(), p.losses().maskBce() + p.losses().maskDice()));
        };
    }

    private static TrainingConfig.MaskLossMode parseMaskLoss(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "point", "point-sampled", "point_sampled" -> TrainingConfig.MaskLossMode.POINT_SAMPLED;
            case "dense" -> TrainingConfig.MaskLossMode.DENSE;
            default -> throw new InvalidInputException("--mask-loss must be point or dense, not '" + v + "'");
        };
    }

    private static TrainingConfig.SegRowInit parseSegRow(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "keep" -> TrainingConfig.SegRowInit.KEEP;
            case "normal" -> TrainingConfig.SegRowInit.NORMAL;
            case "mean" -> TrainingConfig.SegRowInit.MEAN;
            default -> throw new InvalidInputException("--seg-row must be keep, normal or mean, not '" + v + "'");
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
