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
import org.segearth.runtime.chart.Charts;
import org.segearth.runtime.data.BenchmarkDataset;
import org.segearth.runtime.data.Datasets;
import org.segearth.runtime.eval.EvalMode;
import org.segearth.runtime.eval.EvalProtocol;
import org.segearth.runtime.eval.OfficialProtocol;
import org.segearth.runtime.eval.EvaluationReport;
import org.segearth.runtime.eval.Evaluator;
import org.segearth.runtime.eval.SegmentationFunction;
import org.segearth.runtime.text.GenerationConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code segearth eval}: the paper's metrics of a model on a benchmark dataset. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {
            "Evaluates a model on a benchmark with the paper's metrics.",
            "Datasets: lasers, refsegrs, earthreason, rrsisd. By default the model writes its own answer",
            "and its [SEG]s decide the targets (generative); --mode teacher-forced gives it the reference",
            "answer instead, an upper bound rather than a benchmark result. --protocol official scores as",
            "the official eval.py does (llava_phi prompt, sampling at temperature 0.2 with top-k 50, IoU",
            "in the padded 1024x1024 frame); the default (sdk) scores at the original image size.",
            "Writes report.json (gIoU and cIoU at the top level, per group, protocol, sampling, model and",
            "its content hash, timings), samples.csv and groups.png (a bar chart per group) to --out. A partial run of the same settings and",
            "model in --out continues where it stopped; an --out that holds other files or a run with",
            "other settings or another model is refused unless --overwrite (which replaces only the",
            "earlier evaluation's files)."})
final class EvalCommand implements Callable<Integer>, ErrorHandler.Described {

    /** The per-group bar chart written next to report.json. */
    static final String GROUPS_PNG = "groups.png";

    @Option(names = "--dataset", required = true, description = "One of ${COMPLETION-CANDIDATES}.",
            completionCandidates = DatasetNames.class)
    String dataset;

    @Option(names = "--root", required = true, paramLabel = "DIR", description = "The dataset's folder.")
    Path root;

    @Option(names = "--split", required = true, paramLabel = "NAME", description = "Split (e.g. test, val).")
    String split;

    @Mixin
    ModelOptions model;

    @Option(names = "--mode", defaultValue = "generative",
            description = "generative (the model decides the targets) or teacher-forced (the reference answer is"
                    + " given: an upper bound) (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--protocol", defaultValue = "sdk",
            description = "sdk (the package's prompt, greedy decoding, IoU at the original size) or official"
                    + " (segearth_r2/eval/eval.py: llava_phi prompt, temperature 0.2, top-k 50, IoU in the padded"
                    + " frame) (default: ${DEFAULT-VALUE}).")
    String protocol;

    @Option(names = "--seed", defaultValue = "42",
            description = "Seed of the official protocol's sampling (default: ${DEFAULT-VALUE}).")
    long seed;

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
        return "evaluating " + model.described() + " on "
                + dataset + " " + split + " in " + root;
    }

    @Override
    public Integer call() {
        EvalMode evalMode = parseMode(mode);
        EvalProtocol evalProtocol = parseProtocol(protocol);
        Evaluator.MaskOutput maskOutput = parseMasks(masks);
        OutputFolder.checkUsable(out, "--out");
        BenchmarkDataset data = openDataset();
        Path modelRoot = model.root();
        String modelHash = ModelIdentity.contentSha256(modelRoot);
        OutputFolder.Record record = record(evalProtocol, modelHash);
        OutputFolder.Prepared folder = OutputFolder.prepare(out, "--out", record, overwrite);
        if (folder.state() == OutputFolder.State.OVERWRITE) {
            OutputFolder.deleteQuietly(out.resolve(GROUPS_PNG)); // the earlier run's chart, redrawn at the end
        }
        OutputFolder.write(out, record);
        ProgressDisplay progress = new ProgressDisplay(spec.commandLine().getErr(), !json);
        SegmenterBuilder builder = model.builder(modelRoot).seed(seed);
        progress.stage("loading model");
        EvaluationReport report;
        try (Segmenter segmenter = builder.build()) {
            SegmentationFunction function = evalProtocol == EvalProtocol.OFFICIAL
                    ? OfficialProtocol.function(segmenter, seed) : SegmentationFunction.of(segmenter);
            report = Evaluator.builder()
                    .function(function)
                    .mode(evalMode)
                    .protocol(evalProtocol)
                    .detail("sampling", sampling(evalProtocol, evalMode, builder.settings()))
                    .detail("prompt_template", evalProtocol == EvalProtocol.OFFICIAL ? EvalProtocol.OFFICIAL_TEMPLATE
                            : "(the package's)")
                    .detail("model", modelDetail(modelHash))
                    .output(out)
                    .masks(maskOutput)
                    .resume(folder.state() == OutputFolder.State.SAME)
                    .progress((done, total, sample, seconds) -> progress.bar(done, total))
                    .build()
                    .run(data);
        }
        Charts.groupBars(report, out.resolve(GROUPS_PNG));
        progress.done();
        PrintWriter stdout = spec.commandLine().getOut();
        if (json) {
            stdout.println(report.toJson());
        } else {
            stdout.println(String.format(Locale.ROOT, "%s %s: %d samples  gIoU %.4f  cIoU %.4f  (%s protocol, %s%s;"
                    + " report: %s)", dataset, split, report.samples(), report.gIoU(), report.cIoU(),
                    evalProtocol.label(), evalMode == EvalMode.GENERATIVE ? "generative" : "teacher-forced",
                    evalMode == EvalMode.GENERATIVE ? "" : ": an upper bound", out.resolve("report.json")));
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

    /** The decoding the report records: the official sampling, or the segmenter's settings. */
    private static Map<String, Object> sampling(EvalProtocol protocol, EvalMode mode, SegmenterBuilder.Settings s) {
        Map<String, Object> o = new LinkedHashMap<>();
        if (mode == EvalMode.TEACHER_FORCED) {
            o.put("decoding", "none (teacher-forced: the reference answer is given)");
            return o;
        }
        GenerationConfig g = protocol == EvalProtocol.OFFICIAL ? EvalProtocol.officialGeneration(s.seed())
                : new GenerationConfig(s.maxNewTokens(), s.temperature(), s.topP(), s.seed(), -1, java.util.Set.of());
        o.put("decoding", g.sampling() ? "sampling" : "greedy");
        if (g.sampling()) {
            o.put("temperature", g.temperature());
            o.put("top_k", g.topK());
            o.put("top_p", g.topP());
            o.put("seed", g.seed());
        }
        o.put("max_new_tokens", g.maxNewTokens());
        return o;
    }

    private Map<String, Object> modelDetail(String hash) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("path", model.recorded());
        o.put("content_sha256", hash);
        o.put("precision", model.precision);
        o.put("head", model.recordedHead());
        return o;
    }

    /** What decides this run's outputs. */
    private OutputFolder.Record record(EvalProtocol evalProtocol, String modelHash) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("dataset", dataset);
        s.put("root", root.toAbsolutePath().normalize().toString());
        s.put("split", split);
        s.put("mode", mode.toLowerCase(Locale.ROOT).replace('_', '-'));
        s.put("protocol", evalProtocol.label());
        if (evalProtocol == EvalProtocol.OFFICIAL && parseMode(mode) == EvalMode.GENERATIVE) {
            s.put("seed", Long.toString(seed));
        }
        s.put("masks", masks.toLowerCase(Locale.ROOT));
        s.put("head", model.recordedHead());
        s.put("precision", model.precision);
        s.put("model", model.recorded());
        s.put("model_content", modelHash);
        return new OutputFolder.Record("eval", s,
                List.of("samples.csv", "report.json", "predictions.jsonl", "masks/", GROUPS_PNG));
    }

    private static EvalMode parseMode(String mode) {
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "generative" -> EvalMode.GENERATIVE;
            case "teacher-forced", "teacher_forced" -> EvalMode.TEACHER_FORCED;
            default -> throw new org.segearth.api.InvalidInputException("--mode must be generative or teacher-forced, not '" + mode + "'");
        };
    }

    private static EvalProtocol parseProtocol(String protocol) {
        return switch (protocol.toLowerCase(Locale.ROOT)) {
            case "sdk" -> EvalProtocol.SDK;
            case "official" -> EvalProtocol.OFFICIAL;
            default -> throw new org.segearth.api.InvalidInputException("--protocol must be sdk or official, not '"
                    + protocol + "'");
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
