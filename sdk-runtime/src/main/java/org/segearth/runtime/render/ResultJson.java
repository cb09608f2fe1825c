package org.segearth.runtime.render;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Target;
import org.segearth.runtime.data.CocoMasks;

/**
 * A {@link SegmentationResult} as JSON: the answer, the image size, per target its index, phrase,
 * score, area, box {@code [x, y, width, height]} and COCO RLE mask, and the timings.
 *
 * <pre>{@code
 * Files.writeString(Path.of("result.json"), ResultJson.toJson(result));
 * }</pre>
 */
public final class ResultJson {

    private ResultJson() {}

    /** The JSON object. */
    public static JsonObject toJsonObject(SegmentationResult result) {
        JsonObject o = new JsonObject();
        o.addProperty("answer", result.answer());
        o.addProperty("width", result.width());
        o.addProperty("height", result.height());
        JsonArray targets = new JsonArray();
        for (Target t : result.targets()) {
            JsonObject j = new JsonObject();
            j.addProperty("index", t.index());
            j.addProperty("phrase", t.phrase());
            j.addProperty("score", t.score());
            j.addProperty("area", t.area());
            t.box().ifPresent(b -> {
                JsonArray box = new JsonArray();
                box.add(b.x());
                box.add(b.y());
                box.add(b.width());
                box.add(b.height());
                j.add("box", box);
            });
            j.add("mask", CocoMasks.toJson(t.mask().toRle()));
            targets.add(j);
        }
        o.add("targets", targets);
        JsonObject timings = new JsonObject();
        result.timings().forEach(t -> timings.addProperty(t.stage() + "_ms", t.duration().toNanos() / 1e6));
        o.add("timings", timings);
        return o;
    }

    /** Pretty-printed JSON text. */
    public static String toJson(SegmentationResult result) {
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(toJsonObject(result));
    }
}
