package org.segearth.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.segearth.api.Segmenter;
import org.segearth.api.SegmenterBuilder;
import org.segearth.runtime.data.BenchmarkDataset;
import org.segearth.runtime.data.Datasets;
import org.segearth.runtime.eval.EvalMode;
import org.segearth.runtime.eval.EvaluationReport;
import org.segearth.runtime.eval.Evaluator;
import org.segearth.runtime.eval.SegmentationFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code segearth eval}: the paper's metrics of a model on a benchmark dataset. */
@Command(name = "eval",
        description = {
            "Evaluates a model on a dataset (lasers, refsegrs, earthreason, rrsisd). Writes report.json",
            "(gIoU and cIoU at the top level, per group, timings) and samples.csv to --out; a partial",
            "run in the same --out continues where it stopped."})
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--dataset", required = true, description = "One of ${COMPLETION-CANDIDATES}.",
            completionCandidates = DatasetNames.class)
    String dataset;

    @Option(names = "--root", required = true, paramLabel = "DIR", description = "The dataset's folder.")
    Path root;

    @Option(names = "--split", required = true, paramLabel = "NAME", description = "Split (e.g. test, val).")
    String split;

    @Option(names = "--model", paramLabel = "DIR", description = "Model package (default: the embedded demo model).")
    Path model;

    @Option(names = "--head", paramLabel = "NAME", description = "Segmentation head (default: the package's).")
    String head;

    @Option(names = "--mode", defaultValue = "teacher-forced",
            description = "generative or teacher-forced (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where report.json and samples.csv go.")
    Path out;

    @Option(names = "--masks", defaultValue = "none", description = "Save predicted masks: none, png or rle (default: ${DEFAULT-VALUE}).")
    String masks;

    @Option(names = "--json", description = "Print report.json to standard output.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** The dataset names for the help text. */
    static final class DatasetNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Datasets.NAMES.iterator();
        }
    }

    @Override
    public Integer call() {
        EvalMode evalMode = parseMode(mode);
        Evaluator.MaskOutput maskOutput = parseMasks(masks);
        ProgressDisplay progress = new ProgressDisplay(spec.commandLine().getErr(), !json);
        BenchmarkDataset data = Datasets.open(dataset, root, split);
        SegmenterBuilder builder = Segmenter.builder();
        if (model != null) {
            builder.model(model);
        }
        if (head != null) {
            builder.head(head);
        }
        progress.stage("loading model");
        EvaluationReport report;
        try (Segmenter segmenter = builder.build()) {
            report = Evaluator.builder()
                    .function(SegmentationFunction.of(segmenter))
                    .mode(evalMode)
                    .output(out)
                    .masks(maskOutput)
                    .progress((done, total, sample, seconds) -> progress.bar(done, total))
                    .build()
                    .run(data);
        }
        progress.done();
        PrintWriter stdout = spec.commandLine().getOut();
        if (json) {
            stdout.println(report.toJson());
        } else {
            stdout.println(String.format(Locale.ROOT, "%s %s: %d samples  gIoU %.4f  cIoU %.4f  (report: %s)", dataset,
                    split, report.samples(), report.gIoU(), report.cIoU(), out.resolve("report.json")));
        }
        return ExitCodes.OK;
    }

    private static EvalMode parseMode(String mode) {
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "generative" -> EvalMode.GENERATIVE;
            case "teacher-forced", "teacher_forced" -> EvalMode.TEACHER_FORCED;
            default -> throw new org.segearth.api.InvalidInputException("--mode must be generative or teacher-forced, not '" + mode + "'");
        };
    }

    private static Evaluator.MaskOutput parseMasks(String masks) {
        try {
            return Evaluator.MaskOutput.valueOf(masks.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new org.segearth.api.InvalidInputException("--masks must be none, png or rle, not '" + masks + "'");
        }
    }
}
