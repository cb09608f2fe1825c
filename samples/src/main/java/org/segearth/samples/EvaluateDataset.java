package org.segearth.samples;

import java.nio.file.Path;
import java.util.Locale;
import org.segearth.api.Segmenter;
import org.segearth.runtime.data.BenchmarkDataset;
import org.segearth.runtime.data.Datasets;
import org.segearth.runtime.eval.EvalMode;
import org.segearth.runtime.eval.EvaluationReport;
import org.segearth.runtime.eval.Evaluator;
import org.segearth.runtime.eval.SegmentationFunction;

/**
 * Evaluates a model package on a split of a LaSeRS-format folder
 * ({@code ROOT/SPLIT/images/*} and {@code ROOT/SPLIT/annotations/*.json}) and prints gIoU and cIoU,
 * overall and per group (the annotation file, or the records' {@code dimension}/{@code category}).
 * Teacher-forced: the model segments one target per {@code [SEG]} of each reference answer, which
 * measures the masks alone (an upper bound; the official evaluation is generative, see
 * {@code EvalProtocol}, and so is {@code segearth eval} by default). The output folder gets {@code samples.csv} (one row per sample) and
 * {@code report.json}; a run that finds an earlier {@code samples.csv} there continues it.
 *
 * <pre>
 * EvaluateDataset MODEL_DIR LASERS_ROOT SPLIT OUT_DIR
 * EvaluateDataset models/segearth-r2 data/LaSeRS test eval-out
 * </pre>
 *
 * The core of it:
 *
 * <pre>{@code
 * try (Segmenter segmenter = Segmenter.builder().model(model).build()) {
 *     EvaluationReport report = Evaluator.builder()
 *             .function(SegmentationFunction.of(segmenter))
 *             .mode(EvalMode.TEACHER_FORCED)
 *             .output(out)
 *             .build()
 *             .run(Datasets.open("lasers", root, split));
 *     System.out.println("gIoU " + report.gIoU() + " cIoU " + report.cIoU());
 * }
 * }</pre>
 */
public final class EvaluateDataset {

    private EvaluateDataset() {}

    /** {@code EvaluateDataset MODEL_DIR LASERS_ROOT SPLIT OUT_DIR}. */
    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: EvaluateDataset MODEL_DIR LASERS_ROOT SPLIT OUT_DIR");
            System.exit(2);
        }
        run(Path.of(args[0]), Path.of(args[1]), args[2], Path.of(args[3]));
    }

    /** Evaluates {@code model} on {@code split} of the LaSeRS-format folder {@code root}, writing to {@code out}. */
    public static EvaluationReport run(Path model, Path root, String split, Path out) {
        BenchmarkDataset dataset = Datasets.open("lasers", root, split);
        System.out.println("evaluating " + model + " on " + root + " / " + split + ": " + dataset.size() + " samples");
        try (Segmenter segmenter = Segmenter.builder().model(model).build()) {
            EvaluationReport report = Evaluator.builder()
                    .function(SegmentationFunction.of(segmenter))
                    .mode(EvalMode.TEACHER_FORCED)
                    .output(out)
                    .build()
                    .run(dataset);
            System.out.printf(Locale.ROOT, "%-12s gIoU %6.2f %%  cIoU %6.2f %%%n", "overall", 100 * report.gIoU(),
                    100 * report.cIoU());
            // LaSeRS is scored per target (SegEarth-R2): every target's IoU counts, matched in answer order
            report.groups().forEach((group, m) -> System.out.printf(Locale.ROOT, "%-12s gIoU %6.2f %%  cIoU %6.2f %%"
                    + "  (%d targets)%n", group, 100 * m.perTarget().gIoU(), 100 * m.perTarget().cIoU(),
                    m.perTarget().targets()));
            System.out.println("per sample: " + out.resolve("samples.csv") + ", report: " + out.resolve("report.json"));
            return report;
        }
    }
}
