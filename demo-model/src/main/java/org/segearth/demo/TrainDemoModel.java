package org.segearth.demo;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.segearth.api.SegEarthException;
import org.segearth.api.Segmenter;
import org.segearth.runtime.data.LaSeRSDataset;
import org.segearth.runtime.eval.EvalMode;
import org.segearth.runtime.eval.SegmentationFunction;
import org.segearth.runtime.train.LossValues;
import org.segearth.runtime.train.Trainer;
import org.segearth.runtime.train.LossLog;
import org.segearth.runtime.train.TrainingConfig;
import org.segearth.runtime.train.TrainingProgress;
import org.segearth.runtime.train.TrainingResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the demo model end to end, in two stages:
 *
 * <ol>
 *   <li><b>text warm-up</b> ({@code warmup}): {@code OUT/init}, the initial package
 *       ({@link DemoModelFactory}, {@link DemoConfig#proposed()}, seeded), trained by the facade with
 *       the text loss alone ({@link TrainingConfig.Objective#TEXT}: the mask branch does not run) on
 *       {@code DATA/train}, so that the language model, trained from scratch, learns to read the
 *       instructions before the masks join in; the result is {@code OUT/trained/model};
 *   <li><b>the run</b>: from the warm-up package (or a fresh initial package), the training facade
 *       with every loss ({@code org.segearth.runtime.train}) on {@code DATA/train}, every weight
 *       trainable, attention loss weight {@code LAMBDA_S}; {@code OUT/trained/model}; then
 *       {@code OUT/package}, the trained package packed to F16 ({@link F16Packer}, at most 25 MiB),
 *       and {@code OUT/eval*} and {@code docs/}: validation metrics on {@code DATA/val} in both modes
 *       ({@link DemoEvaluation}).
 * </ol>
 *
 * <pre>
 * java -cp ... org.segearth.demo.TrainDemoModel warmup DATA OUT SEED STEPS BATCH LR
 * java -cp ... org.segearth.demo.TrainDemoModel DATA OUT SEED LAMBDA_S STEPS BATCH LR [DOCS_DIR [BASE]]
 * java -cp ... org.segearth.demo.TrainDemoModel warmup /work/demo-data /work/demo-warmup 42 4000 2 3e-4
 * java -cp ... org.segearth.demo.TrainDemoModel /work/demo-data /work/demo-run 42 0.01 4000 2 3e-4 docs/demo-model \
 *     /work/demo-warmup/trained/model
 * </pre>
 */
public final class TrainDemoModel {

    private static final Logger LOG = LoggerFactory.getLogger(TrainDemoModel.class);

    /** Optimizer steps per model load and between checkpoints (see {@link #train}). */
    static final int CHUNK = Integer.getInteger("segearth.demo.chunk", 500);

    /** The text warm-up's chunk: without the mask branch a step is light, and a model load costs seconds. */
    static final int WARMUP_CHUNK = 1000;

    /**
     * The mask losses over every pixel of the letterbox frame: from scratch, the dense loss lowers
     * the mask losses several times faster than the official 12,544 importance-sampled points
     * (which suit a pretrained head whose uncertain pixels are few).
     */
    static final TrainingConfig.MaskLossMode MASK_LOSS = TrainingConfig.MaskLossMode.DENSE;

    /**
     * The system property choosing what the run trains: {@code EVERYTHING} (the default) or
     * {@code SEGEARTH}, the official subset (LoRA, lm_head, the head's pixel and transformer
     * decoders, the [SEG] projector), for a run that starts from the mask-branch stage
     * ({@link PretrainMaskBranch}) the way the official fine-tuning starts from Mipha and Mask2Former.
     * The text warm-up always trains everything.
     */
    static final String RUN_TRAINABLE = "segearth.demo.run.trainable";

    static TrainingConfig.Trainable runTrainable() {
        String v = System.getProperty(RUN_TRAINABLE, "EVERYTHING");
        try {
            return TrainingConfig.Trainable.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SegEarthException(RUN_TRAINABLE + " is '" + v + "'; expected EVERYTHING or SEGEARTH");
        }
    }

    /** The system property thinning the validation records for trial runs ({@link #validate}). */
    static final String EVAL_EVERY = "segearth.demo.eval.every";

    private TrainDemoModel() {}

    /** Records 0, k, 2k, ... of {@code ds} (all of them for k = 1). */
    static org.segearth.runtime.data.BenchmarkDataset everyKth(org.segearth.runtime.data.BenchmarkDataset ds, int k) {
        if (k < 1) {
            throw new SegEarthException(EVAL_EVERY + " is " + k + "; expected 1 or more");
        }
        if (k == 1) {
            return ds;
        }
        return new org.segearth.runtime.data.BenchmarkDataset() {
            @Override
            public String name() {
                return ds.name();
            }

            @Override
            public String split() {
                return ds.split();
            }

            @Override
            public int size() {
                return (ds.size() + k - 1) / k;
            }

            @Override
            public org.segearth.runtime.data.Sample get(int index) {
                return ds.get(index * k);
            }
        };
    }

    /**
     * One training run.
     *
     * @param data the LaSeRS-format demo dataset ({@code train/} and {@code val/})
     * @param out the run's folder
     * @param seed seeds the initial weights, the data order and every random choice of training
     * @param lambdaS the spatial attention loss weight (0.01; 0 is the paper's ablation)
     * @param steps optimizer steps
     * @param batchSize samples per optimizer step
     * @param learningRate peak learning rate (warmup 3 %, then cosine)
     * @param base the package the run starts from (the text warm-up's), or null for a fresh
     *     initial package in {@code OUT/init}
     */
    public record Run(Path data, Path out, long seed, double lambdaS, int steps, int batchSize, double learningRate,
            Path base) {

        /** The package training starts from. */
        public Path init() {
            return base != null ? base : out.resolve("init");
        }

        /** The training facade's output folder (checkpoints; the trained F32 package is {@code model/}). */
        public Path trained() {
            return out.resolve("trained");
        }

        /** The shipped package (F16). */
        public Path packed() {
            return out.resolve("package");
        }
    }

    /** Parses {@code warmup DATA OUT SEED STEPS BATCH LR} or {@code DATA OUT SEED LAMBDA_S STEPS BATCH LR [DOCS_DIR [BASE]]}. */
    public static void main(String[] args) {
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        if (args.length == 7 && args[0].equals("warmup")) {
            Path data = requireData(Path.of(args[1]));
            Path out = Path.of(args[2]);
            long seed = Long.parseLong(args[3]);
            DemoModelFactory.create(out.resolve("init"), DemoConfig.proposed(), seed, true);
            Path warm = warmup(data, out, seed, Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                    Double.parseDouble(args[6]));
            LOG.info("text warm-up package: {}", warm);
            return;
        }
        if (args.length < 7 || args.length > 9) {
            System.err.println("usage: TrainDemoModel warmup DATA OUT SEED STEPS BATCH LR\n"
                    + "       TrainDemoModel DATA OUT SEED LAMBDA_S STEPS BATCH LR [DOCS_DIR [BASE]]");
            System.exit(2);
        }
        Run run = new Run(requireData(Path.of(args[0])), Path.of(args[1]), Long.parseLong(args[2]),
                Double.parseDouble(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                Double.parseDouble(args[6]), args.length > 8 ? Path.of(args[8]) : null);
        Path docs = args.length > 7 && !args[7].isEmpty() ? Path.of(args[7]) : null;
        if (run.base() == null) {
            DemoModelFactory.create(run.init(), DemoConfig.proposed(), run.seed(), true);
        }
        Path trained = train(run);
        long bytes = F16Packer.pack(trained, run.packed(), F16Packer.DEFAULT_LIMIT);
        LOG.info("packed model: {} bytes in {}", bytes, run.packed());
        if (docs != null) {
            evaluate(run, docs);
        }
    }

    private static Path requireData(Path data) {
        if (!Files.isDirectory(data.resolve("train")) || !Files.isDirectory(data.resolve("val"))) {
            throw new SegEarthException(data + " has no train/ and val/ splits; make them with DubaiConverter");
        }
        return data;
    }

    /**
     * Validation of {@code run}'s packed model in both modes, written to
     * {@code docs/metrics-lambdaX.{md,json}} (generative: the model writes its own answer) and
     * {@code docs/metrics-lambdaX-teacher-forced.{md,json}} (the reference answer is given: the
     * masks alone, as LaSeRS is officially evaluated).
     */
    static void evaluate(Run run, Path docs) {
        String tag = tag(run.lambdaS());
        String title = "lambda_S = " + run.lambdaS() + ", seed " + run.seed() + ", " + run.steps() + " steps x batch "
                + run.batchSize();
        for (EvalMode mode : EvalMode.values()) {
            String name = tag + suffix(mode);
            DemoEvaluation.Result r = validate(run.packed(), run.data(), run.out().resolve("eval-" + name), mode);
            DemoEvaluation.write(r, docs.resolve("metrics-" + name + ".md"), docs.resolve("metrics-" + name + ".json"),
                    "Demo model (Dubai), validation metrics (" + mode.name().toLowerCase(Locale.ROOT).replace('_', '-')
                            + "), " + title);
        }
    }

    /** {@code ""} for the generative mode, {@code "-teacher-forced"} for the other. */
    static String suffix(EvalMode mode) {
        return mode == EvalMode.GENERATIVE ? "" : "-teacher-forced";
    }

    /** {@code lambda0} or {@code lambda0.01}. */
    static String tag(double lambdaS) {
        return lambdaS == 0 ? "lambda0" : "lambda" + lambdaS;
    }

    /**
     * The text warm-up: the facade with the text loss alone from {@code OUT/init}, every weight
     * trainable, AdamW with warmup + cosine, global-norm clipping 1.0; the loss curve in
     * {@code OUT/loss.csv}. Returns the package {@code OUT/trained/model}.
     */
    static Path warmup(Path data, Path out, long seed, int steps, int batchSize, double learningRate) {
        TrainingConfig config = recipe(steps, batchSize, learningRate, seed, WARMUP_CHUNK)
                .objective(TrainingConfig.Objective.TEXT).build();
        return train(out.resolve("init"), data, out.resolve("trained"), config, out.resolve("loss.csv"), WARMUP_CHUNK);
    }

    /**
     * The training facade call site of a run: every weight trains, AdamW with warmup + cosine,
     * global-norm clipping 1.0, the run's seed for the data order, the sampled mask points and LoRA
     * dropout. Every step's loss parts go to {@code OUT/loss.csv} (flushed per step). The trained
     * package is {@code OUT/trained/model}.
     */
    static Path train(Run run) {
        TrainingConfig config = recipe(run.steps(), run.batchSize(), run.learningRate(), run.seed(), CHUNK)
                .trainable(runTrainable()).attentionWeight((float) run.lambdaS()).maskLoss(MASK_LOSS).build();
        LOG.info("training {} with {}", run, config);
        return train(run.init(), run.data(), run.trained(), config, run.out().resolve("loss.csv"), CHUNK);
    }

    /**
     * What both stages share: every weight trains, AdamW with warmup 3 % + cosine, clipping 1.0, a
     * checkpoint per chunk. The demo model's own recipe, pinned where the SDK's defaults follow the
     * official fine-tuning (LoRA r 8, lm_head keeps its bias, no model dropout, a fresh [SEG] row
     * drawn from a normal), so that the shipped model stays reproducible.
     */
    private static TrainingConfig.Builder recipe(int steps, int batchSize, double learningRate, long seed, int chunk) {
        return TrainingConfig.builder()
                .trainable(TrainingConfig.Trainable.EVERYTHING)
                .lora(new org.segearth.spi.config.LoraConfig(8, 16, 0.05, java.util.List.of("q_proj", "v_proj"), false,
                        false))
                .lmHeadBias(true).modelDropout(false).segRowInit(TrainingConfig.SegRowInit.NORMAL)
                .learningRate(learningRate).warmupRatio(0.03).maxGradNorm(1.0).weightDecay(0)
                .batchSize(batchSize).maxSteps(steps).seed(seed)
                .saveEvery(chunk).logEvery(1);
    }

    /**
     * In chunks of {@code chunk} steps, each a fresh model resumed from the last checkpoint (same
     * losses as one uninterrupted run): a run stopped at any point resumes from its last chunk.
     */
    private static Path train(Path base, Path data, Path trained, TrainingConfig config, Path lossCsv, int chunk) {
        try (LossLog csv = LossLog.open(lossCsv, false)) {
            TrainingResult result = null;
            while (result == null || result.modelPackage() == null) {
                int before = result == null ? 0 : result.endStep();
                result = Trainer.builder().basePackage(base)
                        .data(new LaSeRSDataset(data, "train")).output(trained).config(config)
                        .resume(true).stopAfter(chunk)
                        .listener(p -> {
                            csv.onStep(p);
                            LOG.info("{}", p);
                        }).build().run();
                if (result.endStep() <= before) {
                    throw new SegEarthException("training made no progress after step " + before);
                }
            }
            return result.modelPackage();
        }
    }

    /**
     * Validation of the package {@code pkg} on {@code data/val}: generative (the model writes its own
     * answer and decides the number of targets) or teacher-forced (one mask per [SEG] of the
     * reference answer).
     */
    static DemoEvaluation.Result validate(Path pkg, Path data, Path evalDir, EvalMode mode) {
        return validate(pkg, data, "val", evalDir, mode);
    }

    /**
     * The same on the split {@code split} ({@code val}, or {@code val-unseen}: the validation-only
     * phrasings). With {@code -Dsegearth.demo.eval.every=K} only every K-th record is evaluated (for
     * short trial runs of the recipe; the published numbers use every record).
     */
    static DemoEvaluation.Result validate(Path pkg, Path data, String split, Path evalDir, EvalMode mode) {
        try (Segmenter segmenter = Segmenter.builder().model(pkg).seed(0).build()) {
            return DemoEvaluation.evaluate(everyKth(new LaSeRSDataset(data, split), Integer.getInteger(EVAL_EVERY, 1)),
                    SegmentationFunction.of(segmenter), mode,
                    evalDir);
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new SegEarthException("validation failed: " + e.getMessage(), e);
        }
    }
}
