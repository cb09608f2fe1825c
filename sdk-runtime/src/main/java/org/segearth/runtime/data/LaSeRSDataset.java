package org.segearth.runtime.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.segearth.api.InvalidInputException;
import org.segearth.api.Mask;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.Messages;

/**
 * LaSeRS (SegEarth-R2): {@code {root}/{train|test}/images/*} and
 * {@code {root}/{train|test}/annotations/*.json}, each annotation file a JSON list of records
 * {@code {"id", "image_name", "description", "answer", "mask": [RLE, ...]}} (no {@code mask} in
 * unannotated splits). The answer holds one {@code [SEG]} per target; the i-th RLE is the i-th
 * target, as the official evaluation reads them. Other fields are kept in {@link Sample#extra()};
 * a {@code dimension} (or {@code category}, {@code type}) field gives the group, else the
 * annotation file's name does (the official test set has one file per dimension: part, single,
 * multiple, implicit).
 *
 * <p>The split is {@code test} or {@code train} (every annotation file of that folder), or one
 * annotation file: {@code test/part.json}, or just {@code part.json} (looked up under test, then
 * train).
 *
 * <pre>{@code
 * BenchmarkDataset ds = new LaSeRSDataset(Path.of("/data/LaSeRS"), "test");
 * }</pre>
 */
public final class LaSeRSDataset extends ListedDataset {

    private static final Set<String> KNOWN = Set.of("id", "image_name", "description", "answer", "mask");
    private static final List<String> GROUP_FIELDS = List.of("dimension", "category", "type", "subset");
    private static final String SEG = "[SEG]";

    /** Reads the annotation files of {@code split} under {@code root}. */
    public LaSeRSDataset(Path root, String split) {
        super("lasers", split);
        List<Path> files = annotationFiles(root, split);
        for (Path file : files) {
            Path images = file.getParent().getParent().resolve("images");
            String stem = file.getFileName().toString().replaceFirst("\\.json$", "");
            read(file, images, stem);
        }
    }

    private static List<Path> annotationFiles(Path root, String split) {
        if (split.endsWith(".json")) {
            Path direct = DatasetPaths.inside(root, split, "LaSeRS under " + root, "split");
            if (split.contains("/") && Files.isRegularFile(direct)) {
                return List.of(direct);
            }
            for (String part : List.of("test", "train")) {
                Path candidate = DatasetPaths.inside(root.resolve(part).resolve("annotations"), split,
                        "LaSeRS under " + root, "split");
                if (Files.isRegularFile(candidate)) {
                    return List.of(candidate);
                }
            }
            if (Files.isRegularFile(direct)) {
                return List.of(direct);
            }
            throw new SegEarthException("LaSeRS annotation file '" + split + "' is not under " + root
                    + "/test/annotations or " + root + "/train/annotations");
        }
        Path dir = DatasetPaths.inside(root, split, "LaSeRS under " + root, "split").resolve("annotations");
        if (!Files.isDirectory(dir)) {
            throw new SegEarthException("LaSeRS split '" + split + "': folder " + dir + " does not exist; expected "
                    + "{root}/{split}/annotations/*.json");
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
            if (files.isEmpty()) {
                throw new SegEarthException("LaSeRS split '" + split + "': no .json annotation file in " + dir);
            }
            return files;
        } catch (IOException e) {
            throw new SegEarthException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private void read(Path file, Path images, String stem) {
        JsonElement root = JsonFiles.read(file);
        if (!root.isJsonArray()) {
            throw new SegEarthException("LaSeRS annotation file " + file + " holds a JSON "
                    + (root.isJsonObject() ? "object" : "value") + "; expected a list of records");
        }
        int index = 0;
        for (JsonElement e : root.getAsJsonArray()) {
            String where = "#" + index;
            if (!e.isJsonObject()) {
                throw new SegEarthException(file + ", record " + where + ": " + e + " is not a JSON object");
            }
            JsonObject o = e.getAsJsonObject();
            String id = o.has("id") ? JsonFiles.string(o, "id", file, where) : stem + "_" + index;
            String record = where + " (id " + Messages.printable(id) + ")";
            String imageName = JsonFiles.string(o, "image_name", file, record);
            String description = JsonFiles.string(o, "description", file, record);
            String answer = o.has("answer") ? JsonFiles.string(o, "answer", file, record) : null;
            String group = stem;
            for (String g : GROUP_FIELDS) {
                if (o.has(g) && o.get(g).isJsonPrimitive()) {
                    group = o.get(g).getAsString();
                    break;
                }
            }
            Supplier<List<Mask>> targets = null;
            if (o.has("mask")) {
                targets = targets(o.get("mask"), answer, file, record);
            }
            Path image = DatasetPaths.inside(images, imageName, file + ", record " + record, "image_name");
            samples.add(new Sample(id, group, description.strip(), answer, image, targets,
                    JsonFiles.extra(o, KNOWN)));
            index++;
        }
    }

    private static Supplier<List<Mask>> targets(JsonElement mask, String answer, Path file, String record) {
        if (!mask.isJsonArray()) {
            throw new SegEarthException(file + ", record " + record + ": \"mask\" is " + abbreviate(mask)
                    + "; expected a list of RLE objects");
        }
        JsonArray rles = mask.getAsJsonArray();
        int n = answer == null ? rles.size() : count(answer);
        if (rles.size() < n) {
            throw new SegEarthException(file + ", record " + record + ": the answer has " + n + " " + SEG
                    + " but \"mask\" holds " + rles.size() + " RLEs; expected one per " + SEG);
        }
        for (int i = 0; i < n; i++) {
            JsonElement r = rles.get(i);
            if (!r.isJsonObject() || !r.getAsJsonObject().has("size") || !r.getAsJsonObject().has("counts")) {
                throw new SegEarthException(file + ", record " + record + ": mask " + i + " is " + abbreviate(r)
                        + "; expected {\"size\": [h, w], \"counts\": ...}");
            }
        }
        return () -> {
            List<Mask> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                try {
                    out.add(CocoMasks.rleFromJson(rles.get(i).getAsJsonObject(), -1, -1).toMask());
                } catch (RuntimeException ex) {
                    throw new InvalidInputException(file + ", record " + record + ", mask " + i + ": " + ex.getMessage(),
                            ex);
                }
            }
            return out;
        };
    }

    static int count(String answer) {
        int n = 0;
        for (int i = answer.indexOf(SEG); i >= 0; i = answer.indexOf(SEG, i + SEG.length())) {
            n++;
        }
        return n;
    }

    private static String abbreviate(JsonElement e) {
        String s = String.valueOf(e);
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
