package org.segearth.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.segearth.api.SegEarthException;
import org.segearth.api.Segmenter;
import org.segearth.api.Target;
import org.segearth.runtime.data.LaSeRSDataset;
import org.segearth.runtime.eval.EvalMode;
import org.segearth.runtime.eval.SegmentationFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the demo model end to end:
 *
 * <ol>
 *   <li>{@code OUT/init}: the initial package ({@link DemoModelFactory}, {@link DemoConfig#proposed()}, seeded);
 *   <li>{@code OUT/trained}: the training facade ({@code org.segearth.runtime.train}) on
 *       {@code DATA/train} (the {@link DubaiConverter} output), every weight trainable (nothing is
 *       pretrained), attention loss weight {@code LAMBDA_S};
 *   <li>{@code OUT/package}: the trained package packed to F16 ({@link F16Packer}, at most 25 MiB);
 *   <li>{@code OUT/eval} and {@code docs/}: validation metrics on {@code DATA/val}, generative mode
 *       ({@link DemoEvaluation}).
 * </ol>
 *
 * <pre>
 * java -cp ... org.segearth.demo.TrainDemoModel DATA OUT SEED LAMBDA_S STEPS [DOCS_DIR]
 * java -cp ... org.segearth.demo.TrainDemoModel /work/demo-data /work/demo-run 42 0.01 3500 docs
 * </pre>
 */
public final class TrainDemoModel {

    private static final Logger LOG = LoggerFactory.getLogger(TrainDemoModel.class);

    private TrainDemoModel() {}

    /**
     * One training run.
     *
     * @param data the LaSeRS-format demo dataset ({@code train/} and {@code val/})
     * @param out the run's folder
     * @param seed seeds the initial weights, the data order and every random choice of training
     * @param lambdaS the spatial attention loss weight (0.01; 0 is the paper's ablation)
     * @param steps optimizer steps
     */
    public record Run(Path data, Path out, long seed, double lambdaS, int steps) {

        /** The initial package. */
        public Path init() {
            return out.resolve("init");
        }

        /** The trained package (F32, as the facade saves it). */
        public Path trained() {
            return out.resolve("trained");
        }

        /** The shipped package (F16). */
        public Path packed() {
            return out.resolve("package");
        }
    }

    /** Parses {@code DATA OUT SEED LAMBDA_S STEPS [DOCS_DIR]} and runs every stage. */
    public static void main(String[] args) {
        if (args.length < 5) {
            System.err.println("usage: TrainDemoModel DATA OUT SEED LAMBDA_S STEPS [DOCS_DIR]");
            System.exit(2);
        }
        Run run = new Run(Path.of(args[0]), Path.of(args[1]), Long.parseLong(args[2]), Double.parseDouble(args[3]),
                Integer.parseInt(args[4]));
        Path docs = args.length > 5 ? Path.of(args[5]) : null;
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        if (!Files.isDirectory(run.data().resolve("train")) || !Files.isDirectory(run.data().resolve("val"))) {
            throw new SegEarthException(run.data() + " has no train/ and val/ splits; make them with DubaiConverter");
        }
        DemoModelFactory.create(run.init(), DemoConfig.proposed(), run.seed(), true);
        train(run);
        long bytes = F16Packer.pack(run.trained(), run.packed(), F16Packer.DEFAULT_LIMIT);
        LOG.info("packed model: {} bytes in {}", bytes, run.packed());
        if (docs != null) {
            String tag = run.lambdaS() == 0 ? "lambda0" : "lambda" + run.lambdaS();
            DemoEvaluation.Result r = validate(run.packed(), run.data(), run.out().resolve("eval-" + tag));
            DemoEvaluation.write(r, docs.resolve("demo-model-metrics-" + tag + ".md"),
                    docs.resolve("demo-model-metrics-" + tag + ".json"), "Demo model (Dubai), validation metrics,"
                            + " lambda_S = " + run.lambdaS() + ", seed " + run.seed() + ", " + run.steps() + " steps");
        }
    }

    /**
     * THE TRAINING FACADE CALL SITE (the only one). {@code org.segearth.runtime.train} is being
     * written on its own branch; wire it here. Expected shape of the call:
     *
     * <pre>{@code
     * TrainingResult result = Trainer.builder()
     *         .basePackage(ModelPackage.open(run.init()))       // the initial package (adapter included)
     *         .dataset(new LaSeRSDataset(run.data(), "train"))  // LaSeRS records, one [SEG] per mask
     *         .trainable(Trainable.ALL)                         // from scratch: SigLIP, projector, Phi base
     *                                                           //   weights and embeddings, Swin, head, LoRA,
     *                                                           //   lm_head, [SEG] projector
     *         .lambdaS(run.lambdaS())                           // 0 skips capturing attention
     *         .steps(run.steps()).batchSize(4).learningRate(1e-3).warmup(0.03)  // cosine after warmup
     *         .seed(run.seed())
     *         .output(run.trained())                            // a package: mllm/, adapter/, mask_head/,
     *                                                           //   seg_projector, segearth.json (provenance)
     *         .progress(event -> LOG.info("{}", event))         // step, loss parts, samples/s, ETA
     *         .build()
     *         .run();                                           // loss curve for docs/ from result or a CSV
     * }</pre>
     *
     * <p>The output must be a complete package whose weights are the trained ones (either written in
     * place of the base files, or base files plus {@code trained.safetensors} overriding them: the
     * F16 packer converts every safetensors file of the folder either way).
     */
    static void train(Run run) {
        throw new SegEarthException("the training facade (org.segearth.runtime.train) is not wired in yet: call it in"
                + " TrainDemoModel.train with the initial package " + run.init() + ", the data " + run.data()
                + "/train, lambda_S " + run.lambdaS() + ", " + run.steps() + " steps, seed " + run.seed()
                + ", every weight trainable, output " + run.trained());
    }

    /** Validation in generative mode: the model writes its own answer and decides the number of targets. */
    static DemoEvaluation.Result validate(Path pkg, Path data, Path evalDir) {
        try (Segmenter segmenter = Segmenter.builder().model(pkg).seed(0).build()) {
            return DemoEvaluation.evaluate(new LaSeRSDataset(data, "val"), function(segmenter), EvalMode.GENERATIVE,
                    evalDir);
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new SegEarthException("validation failed: " + e.getMessage(), e);
        }
    }

    /** A {@link Segmenter} as the evaluator's function (generative: the reference answer is not used). */
    public static SegmentationFunction function(Segmenter segmenter) {
        return (image, instruction, answer) -> {
            var result = segmenter.segment(image, instruction);
            List<org.segearth.api.Mask> masks = result.targets().stream().map(Target::mask).toList();
            return new SegmentationFunction.Output(result.answer(), masks);
        };
    }
}
