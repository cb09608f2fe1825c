package org.segearth.runtime.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.List;

/**
 * Both metric families over one set of samples (the whole split or one group).
 *
 * <pre>{@code
 * GroupMetrics g = new GroupMetrics();
 * g.add(perTargetIntersectionsAndUnions, mergedIntersectionAndUnion);
 * g.perTarget().gIoU(); g.perSample().cIoU();
 * }</pre>
 */
public final class GroupMetrics {

    private final TargetMetrics perTarget = new TargetMetrics();
    private final ReferringMetrics perSample = new ReferringMetrics();

    /** Adds one sample: {@code {I, U}} per target and {@code {I, U}} of the merged masks. */
    public void add(List<long[]> targets, long[] merged) {
        for (long[] iu : targets) {
            perTarget.add(iu[0], iu[1]);
        }
        perSample.add(merged[0], merged[1]);
    }

    /** SegEarth-R2 metrics. */
    public TargetMetrics perTarget() {
        return perTarget;
    }

    /** SegEarth-R1 / referring metrics. */
    public ReferringMetrics perSample() {
        return perSample;
    }

    /** {@code gIoU} and {@code cIoU} of {@code style}, then both families in full. */
    public JsonObject toJson(MetricStyle style) {
        JsonObject o = new JsonObject();
        boolean target = style == MetricStyle.PER_TARGET;
        o.add("gIoU", number(target ? perTarget.gIoU() : perSample.gIoU()));
        o.add("cIoU", number(target ? perTarget.cIoU() : perSample.cIoU()));
        o.addProperty("samples", perSample.samples());
        o.addProperty("targets", perTarget.targets());
        JsonObject t = new JsonObject();
        t.add("gIoU", number(perTarget.gIoU()));
        t.add("cIoU", number(perTarget.cIoU()));
        t.addProperty("targets", perTarget.targets());
        t.addProperty("intersection", perTarget.intersection());
        t.addProperty("union", perTarget.union());
        o.add("per_target", t);
        JsonObject s = new JsonObject();
        s.add("gIoU", number(perSample.gIoU()));
        s.add("cIoU", number(perSample.cIoU()));
        perSample.precisions().forEach((k, v) -> s.add(k, number(v)));
        s.addProperty("samples", perSample.samples());
        o.add("per_sample", s);
        return o;
    }

    static JsonElement number(double v) {
        return Double.isFinite(v) ? new JsonPrimitive(v) : JsonNull.INSTANCE;
    }
}
