package org.segearth.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.segearth.api.InvalidInputException;
import org.segearth.api.ModelPackageException;
import org.segearth.api.SegEarthException;
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
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {
            "Evaluates a model on a benchmark with the paper's metrics.",
            "Datasets: lasers, refsegrs, earthreason, rrsisd. Writes report.json (gIoU and cIoU at the",
            "top level, per group, timings) and samples.csv to --out. A partial run of the same",
            "settings and model in --out continues where it stopped; an --out that holds other files",
            "or a run with other settings is refused unless --overwrite (which replaces only the",
            "earlier evaluation's files)."})
final class EvalCommand implements Callable<Integer>, ErrorHandler.Described {

    @Option(names = "--dataset", required = true, description = "One of ${COMPLETION-CANDIDATES}.",
            completionCandidates = DatasetNames.class)
    String dataset;

    @Option(names = "--root", required = true, paramLabel = "DIR", description = "The dataset's folder.")
    Path root;

    @Option(names = "--split", required = true, paramLabel = "NAME", description = "Split (e.g. test, val).")
    String split;

    @Option(names = "--model", paramLabel = "DIR", description = "Model package (default: the embedded demo model).")
    Path model;

    @Option(names = "--precision", defaultValue = "auto", paramLabel = "P",
            description = "Weights stored in 16 bits: auto, f16-upcast, f16 or f32 (see segment --help) (default: ${DEFAULT-VALUE}).")
    String precision;

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

    @Option(names = "--overwrite",
            description = "Start again in an --out that holds other files or another run (only segearth's files are replaced).")
    boolean overwrite;

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
    public String work() {
        return "evaluating " + (model == null ? "the embedded demo model" : "the model package " + model) + " on "
                + dataset + " " + split + " in " + root;
    }

    @Override
    public Integer call() {
        EvalMode evalMode = parseMode(mode);
        Evaluator.MaskOutput maskOutput = parseMasks(masks);
        OutputFolder.checkUsable(out, "--out");
        BenchmarkDataset data = openDataset();
        Path modelRoot = Inputs.modelRoot(model);
        OutputFolder.Record record = record(modelRoot);
        OutputFolder.Prepared folder = OutputFolder.prepare(out, "--out", record, overwrite);
        OutputFolder.write(out, record);
        ProgressDisplay progress = new ProgressDisplay(spec.commandLine().getErr(), !json);
        SegmenterBuilder builder = Segmenter.builder().model(modelRoot).precision(precision);
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
                    .resume(folder.state() == OutputFolder.State.SAME)
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

    private BenchmarkDataset openDataset() {
        try {
            return Datasets.open(dataset, root, split);
        } catch (InvalidInputException | ModelPackageException e) {
            throw e;
        } catch (SegEarthException | IllegalArgumentException | IllegalStateException e) {
            throw new InvalidInputException("--dataset " + dataset + " --root " + root + " --split " + split + ": "
                    + ErrorHandler.firstLine(String.valueOf(e.getMessage())), e);
        }
    }

    /** What decides this run's outputs. */
    private OutputFolder.Record record(Path modelRoot) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("dataset", dataset);
        s.put("root", root.toAbsolutePath().normalize().toString());
        s.put("split", split);
        s.put("mode", mode.toLowerCase(Locale.ROOT).replace('_', '-'));
        s.put("masks", masks.toLowerCase(Locale.ROOT));
        s.put("head", head == null ? "(the package's)" : head);
        s.put("precision", precision);
        s.put("model", model == null ? "(embedded demo model)" : model.toAbsolutePath().normalize().toString());
        s.put("model_identity", ModelIdentity.of(modelRoot));
        return new OutputFolder.Record("eval", s,
                List.of("samples.csv", "report.json", "predictions.jsonl", "masks/"));
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
