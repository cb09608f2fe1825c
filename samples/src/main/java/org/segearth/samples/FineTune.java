package org.segearth.samples;

import java.nio.file.Path;
import java.util.Locale;
import org.segearth.api.ImageSource;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.api.Target;
import org.segearth.runtime.data.BenchmarkDataset;
import org.segearth.runtime.data.Datasets;
import org.segearth.runtime.train.Trainer;
import org.segearth.runtime.train.TrainingConfig;
import org.segearth.runtime.train.TrainingResult;

/**
 * Fine-tunes a model package on a split of a LaSeRS-format folder
 * ({@code ROOT/SPLIT/images/*}, {@code ROOT/SPLIT/annotations/*.json}) for a few optimizer steps,
 * then segments an image with the package the run wrote.
 *
 * <p>Training follows the paper's recipe (LoRA r 8 on {@code q_proj}/{@code v_proj}, the [SEG]
 * embedding row, the LM head, the [SEG] projector and the mask head train; AdamW 5e-5 with warmup
 * and cosine; text cross-entropy + BCE + Dice + 0.01 x the spatial attention loss). The run writes
 * {@code OUTPUT_DIR/checkpoints/step-N} and the final package {@code OUTPUT_DIR/model}, a complete
 * model package (base files, the adapter and {@code trained.safetensors}) that records the base
 * package, the data, the settings and the seed in its manifest.
 *
 * <pre>
 * FineTune BASE_PACKAGE LASERS_ROOT SPLIT OUTPUT_DIR STEPS IMAGE INSTRUCTION [ANSWER]
 * FineTune models/segearth-r2 data/LaSeRS train runs/r2 20 port.jpg "segment the ships" "the ships [SEG]"
 * </pre>
 *
 * The core of it:
 *
 * <pre>{@code
 * TrainingResult run = Trainer.builder()
 *         .basePackage(base)
 *         .data(Datasets.open("lasers", root, "train"))
 *         .output(out)
 *         .config(TrainingConfig.builder().maxSteps(20).batchSize(2).seed(7).build())
 *         .listener(progress -> System.out.println(progress))
 *         .build()
 *         .run();
 * try (Segmenter segmenter = Segmenter.builder().model(run.modelPackage()).build()) {
 *     SegmentationResult r = segmenter.segment(ImageSource.of(image), "segment the ships");
 * }
 * }</pre>
 */
public final class FineTune {

    private FineTune() {}

    /**
     * What the sample did.
     *
     * @param training the training run (its losses and the package it wrote)
     * @param result the trained package's segmentation of the image
     */
    public record Outcome(TrainingResult training, SegmentationResult result) {}

    /** {@code FineTune BASE_PACKAGE LASERS_ROOT SPLIT OUTPUT_DIR STEPS IMAGE INSTRUCTION [ANSWER]}. */
    public static void main(String[] args) {
        if (args.length < 7 || args.length > 8) {
            System.err.println("usage: FineTune BASE_PACKAGE LASERS_ROOT SPLIT OUTPUT_DIR STEPS IMAGE INSTRUCTION [ANSWER]");
            System.exit(2);
        }
        // training needs PyTorch's graph optimizer off; set before the engine starts
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        TrainingConfig config = TrainingConfig.builder().maxSteps(Integer.parseInt(args[4])).batchSize(2).seed(7)
                .build();
        run(Path.of(args[0]), Path.of(args[1]), args[2], Path.of(args[3]), config, Path.of(args[5]), args[6],
                args.length == 8 ? args[7] : null);
    }

    /**
     * Trains {@code base} on {@code split} of {@code root} with {@code config} into {@code output},
     * then segments {@code image} with the result.
     *
     * @param answer the answer to segment (teacher-forced), or null to let the trained model write it
     */
    public static Outcome run(Path base, Path root, String split, Path output, TrainingConfig config, Path image,
            String instruction, String answer) {
        BenchmarkDataset data = Datasets.open("lasers", root, split);
        System.out.println("fine-tuning " + base + " on " + data.size() + " samples of " + root + " / " + split);
        TrainingResult run = Trainer.builder()
                .basePackage(base)
                .data(data)
                .output(output)
                .config(config)
                .listener(progress -> System.out.println("  " + progress))
                .build()
                .run();
        System.out.println("trained package: " + run.modelPackage());
        try (Segmenter segmenter = Segmenter.builder().model(run.modelPackage()).build()) {
            ImageSource source = ImageSource.of(image);
            SegmentationResult r = answer == null ? segmenter.segment(source, instruction)
                    : segmenter.segmentWithAnswer(source, instruction, answer);
            System.out.println("answer: " + r.answer());
            for (Target t : r.targets()) {
                System.out.printf(Locale.ROOT, "  %d  %-24s score %.2f  area %d px%n", t.index(), '"' + t.phrase() + '"',
                        t.score(), t.area());
            }
            return new Outcome(run, r);
        }
    }
}
