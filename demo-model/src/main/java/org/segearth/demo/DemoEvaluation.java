package org.segearth.demo;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.segearth.api.Mask;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.data.BenchmarkDataset;
import org.segearth.runtime.data.Sample;
import org.segearth.runtime.eval.EvalMode;
import org.segearth.runtime.eval.EvaluationReport;
import org.segearth.runtime.eval.Evaluator;
import org.segearth.runtime.eval.MaskScores;
import org.segearth.runtime.eval.SegmentationFunction;
import org.segearth.runtime.eval.TargetMetrics;

/**
 * Evaluates a segmentation function on the demo's validation split with the SDK's
 * {@link Evaluator} (SegEarth-R2 metrics overall and per category: single, multiple, implicit,
 * empty) and adds what the demo needs: gIoU/cIoU per class (every target counts for the class
 * the record names at its position), per number of classes in one instruction, and how often the
 * number of masks is right (zero for the "empty" instructions). Writes the tables as Markdown and
 * JSON.
 *
 * <pre>{@code
 * DemoEvaluation.Result r = DemoEvaluation.evaluate(new LaSeRSDataset(data, "val"), function,
 *         EvalMode.GENERATIVE, Path.of("target/demo-eval"));
 * DemoEvaluation.write(r, Path.of("docs/demo-model-metrics.md"), Path.of("docs/demo-model-metrics.json"), "...");
 * }</pre>
 */
public final class DemoEvaluation {

    private DemoEvaluation() {}

    /**
     * The numbers of one evaluation.
     *
     * @param report the evaluator's report (overall and per category)
     * @param perClass per class name, over the targets of that class
     * @param perClassCount per number of classes in the instruction ("1 class", "2 classes", ...)
     * @param countCorrect per category, the fraction of samples given exactly as many masks as targets
     * @param answerCorrect per category, the fraction of samples whose generated answer is the
     *     reference's (case and spacing aside: the right classes, in order, after their [SEG]s, or
     *     the right "Sorry"); empty in teacher-forced mode, where the model writes no answer
     * @param samples samples evaluated
     */
    public record Result(EvaluationReport report, Map<String, TargetMetrics> perClass,
            Map<String, TargetMetrics> perClassCount, Map<String, Double> countCorrect,
            Map<String, Double> answerCorrect, int samples) {}

    /**
     * Runs {@code function} over {@code dataset}; the evaluator's own outputs ({@code samples.csv},
     * {@code report.json}) go to {@code evalDir}, which must not hold an earlier run (a resumed run
     * would not pass the resumed samples through the function).
     */
    public static Result evaluate(BenchmarkDataset dataset, SegmentationFunction function, EvalMode mode,
            Path evalDir) {
        if (Files.exists(evalDir.resolve("samples.csv"))) {
            throw new SegEarthException(evalDir + " holds an earlier evaluation (samples.csv); use an empty folder");
        }
        List<SegmentationFunction.Output> outputs = Collections.synchronizedList(new ArrayList<>());
        SegmentationFunction recording = (BufferedImage image, String instruction, String answer) -> {
            SegmentationFunction.Output out = function.segment(image, instruction, answer);
            outputs.add(out);
            return out;
        };
        EvaluationReport report = Evaluator.builder().function(recording).mode(mode).output(evalDir).build()
                .run(dataset);
        if (outputs.size() != dataset.size()) {
            throw new SegEarthException("the evaluator ran " + outputs.size() + " of " + dataset.size() + " samples");
        }
        Map<String, TargetMetrics> perClass = new TreeMap<>();
        Map<String, TargetMetrics> perCount = new TreeMap<>();
        Map<String, int[]> counts = new TreeMap<>();
        for (int i = 0; i < dataset.size(); i++) {
            Sample s = dataset.get(i);
            SegmentationFunction.Output out = outputs.get(i);
            List<Mask> gt = s.hasGroundTruth() ? s.targets() : List.of();
            int[] c = counts.computeIfAbsent(s.group().orElse("all"), k -> new int[3]);
            c[0] += out.masks().size() == gt.size() ? 1 : 0;
            c[1]++;
            c[2] += s.answer().map(a -> normalised(a).equals(normalised(out.answer()))).orElse(false) ? 1 : 0;
            if (gt.isEmpty()) {
                continue;
            }
            List<String> classes = classes(s);
            List<long[]> iu = MaskScores.perTarget(gt, out.masks(), gt.get(0).width(), gt.get(0).height());
            TargetMetrics byCount = perCount.computeIfAbsent(gt.size() == 1 ? "1 class" : gt.size() + " classes",
                    k -> new TargetMetrics());
            for (int t = 0; t < iu.size(); t++) {
                String name = t < classes.size() ? classes.get(t) : "unknown";
                perClass.computeIfAbsent(name, k -> new TargetMetrics()).add(iu.get(t)[0], iu.get(t)[1]);
                byCount.add(iu.get(t)[0], iu.get(t)[1]);
            }
        }
        Map<String, Double> countCorrect = new TreeMap<>();
        Map<String, Double> answerCorrect = new TreeMap<>();
        counts.forEach((k, v) -> {
            countCorrect.put(k, v[1] == 0 ? 0 : (double) v[0] / v[1]);
            if (mode == EvalMode.GENERATIVE) {
                answerCorrect.put(k, v[1] == 0 ? 0 : (double) v[2] / v[1]);
            }
        });
        return new Result(report, perClass, perCount, countCorrect, answerCorrect, dataset.size());
    }

    private static String normalised(String answer) {
        return answer == null ? "" : answer.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
    }

    @SuppressWarnings("unchecked")
    private static List<String> classes(Sample s) {
        Object c = s.extra().get("classes");
        if (c instanceof List<?> list) {
            List<String> out = new ArrayList<>();
            list.forEach(x -> out.add(String.valueOf(x)));
            return out;
        }
        return List.of();
    }

    /** Writes {@code r} as a Markdown table ({@code markdown}) and as JSON ({@code json}). */
    public static void write(Result r, Path markdown, Path json, String title) {
        JsonObject rep = com.google.gson.JsonParser.parseString(r.report().toJson()).getAsJsonObject();
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
        md.append(String.format(Locale.ROOT, "%d samples of the %s split, %s mode. SegEarth-R2 metrics: gIoU = mean IoU"
                + " over targets, cIoU = total intersection / total union; the i-th mask goes with the i-th target"
                + " (too few masks repeat the last, none counts as empty).%n%n", r.samples(),
                rep.has("split") ? rep.get("split").getAsString() : "?",
                rep.has("mode") ? rep.get("mode").getAsString() : "?"));
        md.append("| group | targets | gIoU | cIoU |\n|---|---|---|---|\n");
        row(md, "**overall**", r.report().overall().perTarget());
        r.report().groups().forEach((k, v) -> row(md, "category: " + k, v.perTarget()));
        r.perClass().forEach((k, v) -> row(md, "class: " + k, v));
        r.perClassCount().forEach((k, v) -> row(md, "instruction with " + k, v));
        if (r.answerCorrect().isEmpty()) {
            md.append("\n| category | samples with as many masks as targets |\n|---|---|\n");
            r.countCorrect().forEach((k, v) -> md.append(String.format(Locale.ROOT, "| %s | %.1f %% |%n", k, 100 * v)));
        } else {
            md.append("\n| category | samples with as many masks as targets | answers as the reference's |\n|---|---|---|\n");
            r.countCorrect().forEach((k, v) -> md.append(String.format(Locale.ROOT, "| %s | %.1f %% | %.1f %% |%n", k,
                    100 * v, 100 * r.answerCorrect().get(k))));
        }
        JsonObject o = new JsonObject();
        o.addProperty("title", title);
        o.add("evaluator", rep);
        o.add("per_class", metrics(r.perClass()));
        o.add("per_class_count", metrics(r.perClassCount()));
        JsonObject cc = new JsonObject();
        r.countCorrect().forEach(cc::addProperty);
        o.add("mask_count_correct", cc);
        if (!r.answerCorrect().isEmpty()) {
            JsonObject ac = new JsonObject();
            r.answerCorrect().forEach(ac::addProperty);
            o.add("answer_correct", ac);
        }
        writeText(markdown, md.toString());
        writeText(json, new GsonBuilder().setPrettyPrinting().create().toJson(o) + "\n");
    }

    private static void row(StringBuilder md, String name, TargetMetrics m) {
        md.append(String.format(Locale.ROOT, "| %s | %d | %.4f | %.4f |%n", name, m.targets(), m.gIoU(), m.cIoU()));
    }

    private static JsonObject metrics(Map<String, TargetMetrics> map) {
        JsonObject o = new JsonObject();
        Map<String, TargetMetrics> sorted = new LinkedHashMap<>(map);
        sorted.forEach((k, v) -> {
            JsonObject m = new JsonObject();
            m.addProperty("targets", v.targets());
            m.addProperty("gIoU", v.gIoU());
            m.addProperty("cIoU", v.cIoU());
            o.add(k, m);
        });
        return o;
    }

    private static void writeText(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SegEarthException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
