package org.segearth.runtime.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.segearth.api.SegEarthException;

/**
 * EarthReason: {@code {root}/{split}/images/<name>.{jpg,jpeg,png}},
 * {@code {root}/{split}/labels/<name>.png} (non-zero = target) and
 * {@code {root}/{split}/QAs/<name>.json} holding {@code {"questions": [...], "answer": [...]}}.
 * Files pair by name. The first question is the instruction and the first answer the reference
 * answer, as in the official evaluation; an empty answer means the image holds no target (zero
 * targets).
 *
 * <pre>{@code
 * BenchmarkDataset ds = new EarthReasonDataset(Path.of("/data/EarthReason"), "val");
 * }</pre>
 */
public final class EarthReasonDataset extends ListedDataset {

    private static final Set<String> KNOWN = Set.of("questions", "answer");
    private static final List<String> IMAGE_EXTENSIONS = List.of(".jpg", ".jpeg", ".png");

    /** Reads the {@code split} folder under {@code root}. */
    public EarthReasonDataset(Path root, String split) {
        super("earthreason", split);
        Path dir = DatasetPaths.inside(root, split, "EarthReason under " + root, "split");
        Map<String, Path> images = list(dir.resolve("images"), IMAGE_EXTENSIONS);
        Map<String, Path> labels = list(dir.resolve("labels"), List.of(".png"));
        Map<String, Path> qas = list(dir.resolve("QAs"), List.of(".json"));
        for (Map.Entry<String, Path> e : images.entrySet()) {
            String name = e.getKey();
            Path qa = qas.get(name);
            if (qa == null) {
                throw new SegEarthException("EarthReason image " + e.getValue() + " has no " + dir.resolve("QAs")
                        .resolve(name + ".json"));
            }
            Path label = labels.get(name);
            JsonElement json = JsonFiles.read(qa);
            if (!json.isJsonObject()) {
                throw new SegEarthException(qa + ": expected a JSON object with \"questions\" and \"answer\"");
            }
            JsonObject o = json.getAsJsonObject();
            String question = first(o, "questions", qa, true);
            String answer = first(o, "answer", qa, false);
            boolean noTarget = answer == null || answer.isBlank();
            if (!noTarget && label == null) {
                throw new SegEarthException("EarthReason sample " + name + " (" + qa + ") has an answer but no label "
                        + dir.resolve("labels").resolve(name + ".png"));
            }
            samples.add(new Sample(name, null, question.strip(), noTarget ? null : answer, e.getValue(),
                    () -> noTarget ? List.of() : List.of(readLabel(label, name)), JsonFiles.extra(o, KNOWN)));
        }
        if (samples.isEmpty()) {
            throw new SegEarthException("EarthReason split '" + split + "': no image in " + dir.resolve("images"));
        }
    }

    private static org.segearth.api.Mask readLabel(Path label, String name) {
        try {
            return ImageFiles.readMask(label, v -> v != 0);
        } catch (SegEarthException ex) {
            throw new SegEarthException("EarthReason sample " + name + ": " + ex.getMessage(), ex);
        }
    }

    private static String first(JsonObject o, String key, Path file, boolean required) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            if (required) {
                throw new SegEarthException(file + ": field \"" + key + "\" is missing");
            }
            return null;
        }
        if (e.isJsonPrimitive()) {
            return e.getAsString();
        }
        if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            if (a.isEmpty()) {
                if (required) {
                    throw new SegEarthException(file + ": field \"" + key + "\" is an empty list");
                }
                return null;
            }
            if (a.get(0).isJsonPrimitive()) {
                return a.get(0).getAsString();
            }
        }
        throw new SegEarthException(file + ": field \"" + key + "\" is " + e + "; expected a string or a list of strings");
    }

    private static Map<String, Path> list(Path dir, List<String> extensions) {
        if (!Files.isDirectory(dir)) {
            throw new SegEarthException("EarthReason folder " + dir + " does not exist; expected "
                    + "{root}/{split}/images, labels and QAs");
        }
        Map<String, Path> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isRegularFile).forEach(p -> {
                String f = p.getFileName().toString();
                int dot = f.lastIndexOf('.');
                if (dot > 0 && extensions.contains(f.substring(dot).toLowerCase(Locale.ROOT))) {
                    out.put(f.substring(0, dot), DatasetPaths.inside(dir, f, "EarthReason folder " + dir, "file"));
                }
            });
        } catch (IOException e) {
            throw new SegEarthException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }
}
