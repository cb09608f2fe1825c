package org.segearth.runtime.eval;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of an evaluation run: metrics overall and per group, and timings. Its JSON form is
 * what {@code report.json} holds, with the style's {@code gIoU} and {@code cIoU} at the top level.
 *
 * <pre>{@code
 * EvaluationReport r = evaluator.run(dataset);
 * double g = r.gIoU();
 * String json = r.toJson();
 * }</pre>
 */
public final class EvaluationReport {

    private final String dataset;
    private final String split;
    private final EvalMode mode;
    private final EvalProtocol protocol;
    private final MetricStyle style;
    private final GroupMetrics overall;
    private final Map<String, GroupMetrics> groups;
    private final int samples;
    private final int resumed;
    private final int withoutGroundTruth;
    private final double seconds;
    private final double modelSeconds;
    private final Map<String, Object> details;

    EvaluationReport(String dataset, String split, EvalMode mode, EvalProtocol protocol, MetricStyle style,
            GroupMetrics overall, Map<String, GroupMetrics> groups, int samples, int resumed, int withoutGroundTruth,
            double seconds, double modelSeconds, Map<String, Object> details) {
        this.dataset = dataset;
        this.split = split;
        this.mode = mode;
        this.protocol = protocol;
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        this.style = style;
        this.overall = overall;
        this.groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
        this.samples = samples;
        this.resumed = resumed;
        this.withoutGroundTruth = withoutGroundTruth;
        this.seconds = seconds;
        this.modelSeconds = modelSeconds;
    }

    /** The top-level gIoU (of the report's style). */
    public double gIoU() {
        return style == MetricStyle.PER_TARGET ? overall.perTarget().gIoU() : overall.perSample().gIoU();
    }

    /** The top-level cIoU (of the report's style). */
    public double cIoU() {
        return style == MetricStyle.PER_TARGET ? overall.perTarget().cIoU() : overall.perSample().cIoU();
    }

    /** Metrics over the whole split. */
    public GroupMetrics overall() {
        return overall;
    }

    /** Metrics per group (dimension/category), in order of first appearance. */
    public Map<String, GroupMetrics> groups() {
        return groups;
    }

    /** The number of samples evaluated (including those resumed from an earlier run). */
    public int samples() {
        return samples;
    }

    /** The dataset's name. */
    public String dataset() {
        return dataset;
    }

    /** The split evaluated. */
    public String split() {
        return split;
    }

    /** Which metrics are at the top level. */
    public MetricStyle style() {
        return style;
    }

    /** The evaluation protocol (prompt, decoding, IoU frame). */
    public EvalProtocol protocol() {
        return protocol;
    }

    /** The answer mode. */
    public EvalMode mode() {
        return mode;
    }

    /** The number of samples taken from an earlier partial run. */
    public int resumed() {
        return resumed;
    }

    /** The report as pretty-printed JSON. */
    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("dataset", dataset);
        o.addProperty("split", split);
        o.addProperty("protocol", protocol.label());
        o.addProperty("mode", mode.name().toLowerCase().replace('_', '-'));
        if (mode == EvalMode.TEACHER_FORCED) {
            o.addProperty("mode_note", "upper bound: the reference answer decides the targets");
        }
        o.addProperty("iou_frame", protocol == EvalProtocol.OFFICIAL
                ? "padded square frame (official eval.py: prediction in the letterbox frame, ground truth squashed)"
                : "original image size");
        o.addProperty("style", style.name().toLowerCase().replace('_', '-'));
        Gson gson = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
        details.forEach((k, v) -> o.add(k, gson.toJsonTree(v)));
        JsonObject all = overall.toJson(style);
        o.add("gIoU", all.get("gIoU"));
        o.add("cIoU", all.get("cIoU"));
        o.addProperty("samples", samples);
        o.addProperty("samples_without_ground_truth", withoutGroundTruth);
        o.add("overall", all);
        JsonObject g = new JsonObject();
        groups.forEach((k, v) -> g.add(k, v.toJson(style)));
        o.add("groups", g);
        JsonObject t = new JsonObject();
        t.add("total_s", GroupMetrics.number(seconds));
        t.add("model_s", GroupMetrics.number(modelSeconds));
        int fresh = samples - resumed;
        t.add("model_s_per_sample", GroupMetrics.number(fresh == 0 ? Double.NaN : modelSeconds / fresh));
        t.addProperty("resumed_samples", resumed);
        o.add("timing", t);
        return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(o);
    }
}
