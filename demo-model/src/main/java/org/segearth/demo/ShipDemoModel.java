package org.segearth.demo;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.FileTrees;

/**
 * Makes a trained, F16-packed demo package ready to embed: a copy whose manifest and adapter
 * configuration name nothing of the machine it was trained on. The manifest's description becomes
 * the demo description for its tokenizer plus the validation scores read from a metrics file of
 * {@link DemoEvaluation#write}; {@code base_package}, {@code data} and {@code weights} of the
 * provenance are written out in words (the training facade records the base package's absolute
 * path); the adapter's {@code base_model_name_or_path} becomes {@code mllm}, relative to the
 * package. Any value still holding an absolute path is refused. The copy is made next to
 * {@code DEST} and renamed into place; an existing {@code DEST} is replaced only with
 * {@code --overwrite}.
 *
 * <pre>{@code
 * java -cp ... org.segearth.demo.ShipDemoModel RUN/package demo-model/src/main/resources/org/segearth/demo/model \
 *     docs/demo-model/bpe-metrics-lambda0.01.json "text warm-up of 4000 steps, then 4500 steps" --overwrite
 * }</pre>
 */
public final class ShipDemoModel {

    /** A Unix path starting a value or a word, or a Windows drive path. */
    private static final Pattern ABSOLUTE_PATH = Pattern.compile("(^|\\s)(/[A-Za-z0-9._-]|[A-Za-z]:\\\\)");

    private ShipDemoModel() {}

    /** {@code PACKAGE DEST METRICS.json "TRAINING" [--overwrite]}. */
    public static void main(String[] args) {
        List<String> a = List.of(args);
        boolean overwrite = a.contains("--overwrite");
        List<String> positional = a.stream().filter(s -> !s.equals("--overwrite")).toList();
        if (positional.size() != 4) {
            System.err.println("usage: ShipDemoModel PACKAGE DEST METRICS.json \"TRAINING (for the description)\""
                    + " [--overwrite]");
            System.exit(2);
        }
        ship(Path.of(positional.get(0)), Path.of(positional.get(1)), Path.of(positional.get(2)), positional.get(3),
                overwrite);
    }

    /**
     * Copies {@code pkg} to {@code dest} with the manifest and adapter configuration rewritten (see
     * the class comment); {@code training} says in words how it was trained (it goes into the
     * description). Returns the new description.
     */
    public static String ship(Path pkg, Path dest, Path metrics, String training, boolean overwrite) {
        if (!Files.isRegularFile(pkg.resolve("segearth.json"))) {
            throw new SegEarthException(pkg + " is not a model package (no segearth.json)");
        }
        if (Files.exists(dest) && !overwrite && !isEmptyFolder(dest)) {
            throw new SegEarthException(dest + " exists and is not empty; add --overwrite to replace it");
        }
        try {
            JsonObject scores = JsonParser.parseString(Files.readString(metrics)).getAsJsonObject()
                    .getAsJsonObject("evaluator");
            JsonObject manifest = read(pkg.resolve("segearth.json"));
            JsonObject provenance = manifest.getAsJsonObject("provenance");
            String tokenizer = Files.readString(pkg.resolve("mllm/tokenizer.json"));
            boolean bpe = DemoModelFactory.Vocabulary.of(tokenizer).byteLevel();
            String description = (bpe ? DemoModelFactory.BPE_DESCRIPTION : DemoModelFactory.DESCRIPTION) + String.format(Locale.ROOT,
                    " Trained on 2 CPU cores (%s); validation gIoU %.2f / cIoU %.2f (%s, %s) on held-out parts of its"
                            + " tiles.", training, scores.get("gIoU").getAsDouble(), scores.get("cIoU").getAsDouble(),
                    scores.get("split").getAsString(), scores.get("mode").getAsString());
            manifest.addProperty("description", description);
            String seed = text(provenance, "seed");
            boolean masks = provenance.has("mask_branch_stage");
            String initial = " of the initial package (org.segearth.demo.DemoModelFactory, DemoConfig.proposed(), seed "
                    + seed + ")";
            if (masks) {
                // the stage's package records its own steps; the warm-up's are in the configuration it carries
                java.util.regex.Matcher warm = java.util.regex.Pattern.compile("maxSteps=(\\d+)")
                        .matcher(text(provenance, "base_training_config"));
                provenance.addProperty("base_package", "mask-branch package (org.segearth.demo.PretrainMaskBranch, "
                        + text(provenance, "base_trained_steps") + " steps) of the text warm-up package"
                        + " (org.segearth.demo.TrainDemoModel warmup, " + (warm.find() ? warm.group(1) : "?")
                        + " steps)" + initial);
            } else {
                provenance.addProperty("base_package", "text warm-up package (org.segearth.demo.TrainDemoModel warmup, "
                        + text(provenance, "base_trained_steps") + " steps)" + initial);
            }
            provenance.addProperty("data", "Dubai aerial tiles (Humans in the Loop / MBRSC, CC0 1.0) converted by"
                    + " org.segearth.demo.DubaiConverter" + (bpe ? " --recipe" : "") + " seed " + seed + ": "
                    + text(provenance, "data"));
            provenance.addProperty("weights", "trained from a seeded random initialisation (DemoModelFactory, seed "
                    + seed + ") by org.segearth.demo.TrainDemoModel (text warm-up, "
                    + (masks ? "org.segearth.demo.PretrainMaskBranch, " : "") + "then every loss); stored as F16 by"
                    + " F16Packer");
            JsonObject adapter = read(pkg.resolve("adapter/adapter_config.json"));
            adapter.addProperty("base_model_name_or_path", "mllm");
            refuseAbsolutePaths(manifest, "segearth.json");
            refuseAbsolutePaths(adapter, "adapter/adapter_config.json");

            Path parent = dest.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempDirectory(parent, ".ship-");
            try {
                readableByAll(tmp); // a temporary folder is private to its owner; the package is not
                FileTrees.copyTree(pkg, tmp);
                write(tmp.resolve("segearth.json"), manifest);
                write(tmp.resolve("adapter/adapter_config.json"), adapter);
                if (Files.exists(dest)) {
                    Path old = Files.createTempDirectory(parent, ".replaced-");
                    Files.move(dest, old.resolve("old"), StandardCopyOption.ATOMIC_MOVE);
                    try {
                        Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
                    } catch (IOException e) {
                        Files.move(old.resolve("old"), dest, StandardCopyOption.ATOMIC_MOVE);
                        throw e;
                    } finally {
                        if (Files.exists(dest)) {
                            FileTrees.deleteTree(old);
                        }
                    }
                } else {
                    Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
                }
            } finally {
                FileTrees.deleteTree(tmp);
            }
            return description;
        } catch (IOException e) {
            throw new SegEarthException("cannot ship " + pkg + " to " + dest + ": " + e.getMessage(), e);
        }
    }

    private static void readableByAll(Path dir) throws IOException {
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static boolean isEmptyFolder(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(JsonObject provenance, String key) {
        JsonElement e = provenance.get(key);
        if (e == null) {
            throw new SegEarthException("the manifest's provenance has no '" + key + "': not a trained demo package");
        }
        return e.getAsString();
    }

    private static void refuseAbsolutePaths(JsonObject o, String file) {
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            JsonElement v = e.getValue();
            if (v.isJsonObject()) {
                refuseAbsolutePaths(v.getAsJsonObject(), file);
            } else if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isString()) {
                String s = v.getAsString();
                if (ABSOLUTE_PATH.matcher(s).find()) {
                    throw new SegEarthException(file + " still names a path of this machine in '" + e.getKey()
                            + "': " + s);
                }
            }
        }
    }

    private static JsonObject read(Path json) throws IOException {
        return JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    }

    private static void write(Path file, JsonObject o) throws IOException {
        String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o);
        Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
    }
}
