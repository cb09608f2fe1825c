package org.segearth.runtime.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.segearth.api.InvalidInputException;
import org.segearth.api.SegEarthException;

/**
 * RRSIS-D in the REFER layout: {@code {root}/rrsisd/refs(unc).p} (a Python pickle: a list of refs
 * {@code {"ref_id", "ann_id", "image_id", "split", "sentences": [{"raw", "sent", ...}],
 * "category_id"}}, read with {@link SafePickle}), {@code {root}/rrsisd/instances.json} (COCO:
 * images with their size, annotations with polygon or RLE segmentations, categories) and the images
 * in {@code {root}/images/rrsisd/JPEGImages}. (The two files may also lie directly in
 * {@code root}, and the images in {@code {root}/JPEGImages} or {@code {root}/images}.)
 *
 * <p>One sample per ref of the split, with its first sentence (as the official evaluation), or
 * one per sentence with {@code allSentences}. The ref's annotation is the one target; the group is
 * the category's name.
 *
 * <pre>{@code
 * BenchmarkDataset ds = new RrsisdDataset(Path.of("/data/RRSIS-D"), "test", false);
 * }</pre>
 */
public final class RrsisdDataset extends ListedDataset {

    private record ImageInfo(String fileName, int height, int width) {}

    /** Reads the refs of {@code split}, one sample per ref (first sentence). */
    public RrsisdDataset(Path root, String split) {
        this(root, split, false);
    }

    /** Reads the refs of {@code split}; one sample per sentence when {@code allSentences}. */
    public RrsisdDataset(Path root, String split, boolean allSentences) {
        super("rrsisd", split);
        Path refsFile = locate(root, "refs(unc).p");
        Path instancesFile = locate(root, "instances.json");
        Path imageDir = imageDir(root);

        JsonElement instancesJson = JsonFiles.read(instancesFile);
        if (!instancesJson.isJsonObject()) {
            throw new SegEarthException(instancesFile + ": expected a COCO JSON object");
        }
        JsonObject instances = instancesJson.getAsJsonObject();
        Map<Long, ImageInfo> images = new HashMap<>();
        for (JsonElement e : array(instances, "images", instancesFile)) {
            JsonObject o = e.getAsJsonObject();
            long id = JsonFiles.integer(o, "id", Long.MIN_VALUE, Long.MAX_VALUE, instancesFile, "of \"images\"");
            String where = "image " + id;
            int height = (int) JsonFiles.integer(o, "height", 1, Integer.MAX_VALUE, instancesFile, where);
            int width = (int) JsonFiles.integer(o, "width", 1, Integer.MAX_VALUE, instancesFile, where);
            if ((long) height * width > CocoMasks.MAX_PIXELS) {
                throw new InvalidInputException(instancesFile + ", record " + where + ": size " + width + "x" + height
                        + " is beyond the limit of " + CocoMasks.MAX_PIXELS + " pixels");
            }
            images.put(id, new ImageInfo(JsonFiles.string(o, "file_name", instancesFile, where), height, width));
        }
        Map<Long, JsonObject> annotations = new HashMap<>();
        for (JsonElement e : array(instances, "annotations", instancesFile)) {
            JsonObject o = e.getAsJsonObject();
            annotations.put(JsonFiles.integer(o, "id", Long.MIN_VALUE, Long.MAX_VALUE, instancesFile,
                    "of \"annotations\""), o);
        }
        Map<Long, String> categories = new HashMap<>();
        if (instances.has("categories")) {
            for (JsonElement e : array(instances, "categories", instancesFile)) {
                JsonObject o = e.getAsJsonObject();
                long id = JsonFiles.integer(o, "id", Long.MIN_VALUE, Long.MAX_VALUE, instancesFile, "of \"categories\"");
                categories.put(id, o.has("name") ? JsonFiles.string(o, "name", instancesFile, "category " + id) : null);
            }
        }

        Object refs = SafePickle.read(refsFile);
        if (!(refs instanceof List<?> refList)) {
            throw new SegEarthException(refsFile + " holds a " + (refs == null ? "None" : refs.getClass().getSimpleName())
                    + "; expected a list of refs");
        }
        int index = 0;
        for (Object r : refList) {
            String where = refsFile + ", ref #" + index++;
            if (!(r instanceof Map<?, ?> ref)) {
                throw new SegEarthException(where + " is not a dict");
            }
            if (!split.equals(String.valueOf(ref.get("split")))) {
                continue;
            }
            long refId = number(ref, "ref_id", where);
            where = refsFile + ", ref_id " + refId;
            long annId = number(ref, "ann_id", where);
            long imageId = number(ref, "image_id", where);
            ImageInfo image = images.get(imageId);
            if (image == null) {
                throw new SegEarthException(where + ": image_id " + imageId + " is not in " + instancesFile);
            }
            JsonObject ann = annotations.get(annId);
            if (ann == null || !ann.has("segmentation")) {
                throw new SegEarthException(where + ": ann_id " + annId + " is not in " + instancesFile
                        + (ann == null ? "" : " with a segmentation"));
            }
            List<String> sentences = sentences(ref, where);
            String group = ref.get("category_id") instanceof Long c ? categories.getOrDefault(c, String.valueOf(c)) : null;
            Path imagePath = DatasetPaths.inside(imageDir, image.fileName(),
                    where + " (image_id " + imageId + " in " + instancesFile + ")", "file_name");
            String annWhere = where + " (ann_id " + annId + " in " + instancesFile + ")";
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("ref_id", refId);
            extra.put("ann_id", annId);
            extra.put("image_id", imageId);
            int n = allSentences ? sentences.size() : 1;
            for (int s = 0; s < n; s++) {
                String id = allSentences ? refId + "_" + s : String.valueOf(refId);
                samples.add(new Sample(id, group, sentences.get(s).strip(), null, imagePath, () -> {
                    try {
                        return List.of(CocoMasks.fromJson(ann.get("segmentation"), image.height(), image.width()));
                    } catch (RuntimeException ex) {
                        throw new InvalidInputException(annWhere + ": " + ex.getMessage(), ex);
                    }
                }, extra));
            }
        }
    }

    private static List<String> sentences(Map<?, ?> ref, String where) {
        if (!(ref.get("sentences") instanceof List<?> list) || list.isEmpty()) {
            throw new SegEarthException(where + ": \"sentences\" is " + DatasetPaths.abbreviate(ref.get("sentences"))
                    + "; expected a non-empty list");
        }
        List<String> out = new ArrayList<>();
        for (Object s : list) {
            if (s instanceof Map<?, ?> m && m.get("raw") instanceof String raw) {
                out.add(raw);
            } else if (s instanceof Map<?, ?> m && m.get("sent") instanceof String sent) {
                out.add(sent);
            } else {
                throw new SegEarthException(where + ": sentence " + DatasetPaths.abbreviate(s) + " has no \"raw\" text");
            }
        }
        return out;
    }

    private static long number(Map<?, ?> ref, String key, String where) {
        Object v = ref.get(key);
        if (v instanceof Long l) {
            return l;
        }
        throw new SegEarthException(where + ": \"" + key + "\" is " + DatasetPaths.abbreviate(v) + "; expected an integer");
    }

    private static Iterable<JsonElement> array(JsonObject o, String key, Path file) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonArray()) {
            throw new SegEarthException(file + ": \"" + key + "\" is " + (e == null ? "missing" : "not a list"));
        }
        for (JsonElement x : e.getAsJsonArray()) {
            if (!x.isJsonObject() || !x.getAsJsonObject().has("id")) {
                throw new SegEarthException(file + ": an entry of \"" + key + "\" is " + DatasetPaths.abbreviate(x)
                        + "; expected an object with an id");
            }
        }
        return e.getAsJsonArray();
    }

    private static Path locate(Path root, String name) {
        for (Path p : List.of(root.resolve("rrsisd").resolve(name), root.resolve(name))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new SegEarthException("RRSIS-D: " + name + " is neither in " + root.resolve("rrsisd") + " nor in " + root);
    }

    private static Path imageDir(Path root) {
        for (Path p : List.of(root.resolve("images/rrsisd/JPEGImages"), root.resolve("JPEGImages"), root.resolve("images"))) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new SegEarthException("RRSIS-D: no image folder; expected " + root.resolve("images/rrsisd/JPEGImages"));
    }
}
