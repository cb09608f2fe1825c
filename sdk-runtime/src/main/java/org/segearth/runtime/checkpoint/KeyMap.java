package org.segearth.runtime.checkpoint;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.Messages;
import org.segearth.spi.config.JsonConfig;

/**
 * A key map ({@value #FILE}): a checkpoint seen under other names, without copying its data. It
 * names a source checkpoint (a file, an index or a folder, relative to the key map's folder) and,
 * for every key it exposes, the source key it reads and optionally a range of rows (first
 * dimension) of it: how a fused tensor ({@code attn.qkv.weight}, {@code in_proj_weight}) becomes
 * its query, key and value parts. The rows of a contiguous tensor are a contiguous byte range, so
 * a mapped tensor is read from the file as directly as an unmapped one. Keys of the source that
 * the map does not name are not visible.
 *
 * <pre>{@code
 * {"format": "segearth-keymap/1", "source": "../official",
 *  "tensors": {"lm_head.weight": "lm_head.weight",
 *              "model.pixel_level_module.encoder.encoder.layers.0.blocks.0.attention.self.query.weight":
 *                  {"from": "model.vision_tower_mask.layers.0.blocks.0.attn.qkv.weight", "rows": [0, 128]}}}
 * }</pre>
 *
 * @param source the source checkpoint as written (relative to the key map's folder, or absolute)
 * @param tensors exposed key to its source, in the order written
 */
public record KeyMap(String source, Map<String, Source> tensors) {

    /** The file name {@link Checkpoint} looks for in a folder. */
    public static final String FILE = "model.keymap.json";
    /** The format this SDK writes and reads. */
    public static final String FORMAT = "segearth-keymap/1";

    /**
     * Where an exposed tensor comes from.
     *
     * @param key the source key
     * @param rowBegin first row taken (first dimension), or -1 for the whole tensor
     * @param rowEnd one past the last row taken, or -1
     */
    public record Source(String key, long rowBegin, long rowEnd) {
        /** The whole of {@code key}. */
        public static Source whole(String key) {
            return new Source(key, -1, -1);
        }

        /** Rows {@code begin} (inclusive) to {@code end} (exclusive) of {@code key}. */
        public static Source rows(String key, long begin, long end) {
            return new Source(key, begin, end);
        }

        boolean sliced() {
            return rowBegin >= 0;
        }
    }

    public KeyMap {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** Reads {@code file}. */
    public static KeyMap read(Path file) {
        JsonConfig c = JsonConfig.read(file);
        String format = c.getString("format", "");
        if (!format.equals(FORMAT)) {
            throw new SegEarthException(file + ": format '" + Messages.abbreviate(format, 60) + "' is not supported;"
                    + " expected '" + FORMAT + "'");
        }
        String source = c.getString("source", "");
        if (source.isEmpty()) {
            throw c.invalid("source", "must name the source checkpoint");
        }
        Map<String, Source> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : c.object("tensors").json().entrySet()) {
            out.put(e.getKey(), parse(file, e.getKey(), e.getValue()));
        }
        return new KeyMap(source, out);
    }

    private static Source parse(Path file, String key, JsonElement v) {
        String where = file + ": tensors." + Messages.abbreviate(key, 120);
        if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isString()) {
            return Source.whole(v.getAsString());
        }
        if (!v.isJsonObject() || !v.getAsJsonObject().has("from")
                || !v.getAsJsonObject().get("from").isJsonPrimitive()) {
            throw new SegEarthException(where + " must be a source key or {\"from\": key, \"rows\": [begin, end]}");
        }
        JsonObject o = v.getAsJsonObject();
        String from = o.get("from").getAsString();
        if (!o.has("rows")) {
            return Source.whole(from);
        }
        JsonElement r = o.get("rows");
        try {
            JsonArray a = r.getAsJsonArray();
            long begin = a.get(0).getAsBigDecimal().longValueExact();
            long end = a.get(1).getAsBigDecimal().longValueExact();
            if (a.size() != 2 || begin < 0 || end <= begin) {
                throw new IllegalStateException();
            }
            return Source.rows(from, begin, end);
        } catch (RuntimeException e) {
            throw new SegEarthException(where + ": rows must be [begin, end] with 0 <= begin < end, found "
                    + Messages.abbreviate(r.toString(), 60));
        }
    }

    /** Writes this map to {@code file} (a temporary file, then a rename). */
    public void write(Path file) {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("source", source);
        JsonObject t = new JsonObject();
        tensors.forEach((k, s) -> {
            if (!s.sliced()) {
                t.addProperty(k, s.key());
            } else {
                JsonObject e = new JsonObject();
                e.addProperty("from", s.key());
                JsonArray rows = new JsonArray();
                rows.add(s.rowBegin());
                rows.add(s.rowEnd());
                e.add("rows", rows);
                t.add(k, e);
            }
        });
        o.add("tensors", t);
        String text = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o) + "\n";
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SegEarthException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The header entry of an exposed tensor: {@code info} itself renamed, or the byte range of the
     * rows taken.
     */
    static TensorInfo map(Path file, String key, Source s, TensorInfo info) {
        if (!s.sliced()) {
            return new TensorInfo(key, info.dtype(), info.shape(), info.begin(), info.end());
        }
        long[] shape = info.shape();
        if (shape.length == 0 || s.rowEnd() > shape[0]) {
            throw new SegEarthException(file + ": '" + Messages.abbreviate(key, 120) + "' takes rows " + s.rowBegin()
                    + ".." + s.rowEnd() + " of '" + Messages.abbreviate(s.key(), 120) + "', which has shape "
                    + Arrays.toString(shape));
        }
        long rowBytes = shape[0] == 0 ? 0 : info.byteLength() / shape[0];
        long[] out = shape.clone();
        out[0] = s.rowEnd() - s.rowBegin();
        return new TensorInfo(key, info.dtype(), out, info.begin() + s.rowBegin() * rowBytes,
                info.begin() + s.rowEnd() * rowBytes);
    }
}
