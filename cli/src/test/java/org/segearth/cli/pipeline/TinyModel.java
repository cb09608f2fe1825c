package org.segearth.cli.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.checkpoint.SafetensorsWriter;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.pipeline.Manifest;
import org.segearth.spi.config.JsonConfig;

/**
 * Test fixtures: the {@code segearth_r2_tiny} golden copied into a complete model package (a
 * manifest with its 128-pixel letterbox and a word-level {@code tokenizer.json} whose ids fit the
 * 601-row embedding table: {@code [SEG]} = 600, {@code <|endoftext|>} = the config's eos id), its
 * variant with the {@code sam} golden in the head slot, the golden's image, and helpers that damage
 * a package. Public for the samples' tests (this module's test-jar).
 */
public final class TinyModel {

    /** The golden's letterbox size. */
    public static final int FRAME = 128;
    /** Rows of the tiny embedding table. */
    static final int VOCAB = 601;
    /** The id of [SEG] in the tiny model. */
    public static final int SEG_ID = 600;

    private static final List<String> WORDS = List.of(
            "A", "chat", "between", "a", "curious", "user", "and", "an", "artificial", "intelligence", "assistant",
            ".", "The", "gives", "helpful", ",", "detailed", "polite", "answers", "to", "the", "'", "s", "questions",
            "USER", ":", "This", "is", "image", "please", "doing", "Reasoning", "Segmentation", "according",
            "following", "instruction", "<|", "|>", "ASSISTANT", "segment", "ships", "port", "water", "buildings",
            "roads", "trees", "where", "are", "planes", "?", "here", "nothing", "it", "them", "all", "of");

    private TinyModel() {}

    /** A complete package (manifest + tokenizer) made from the golden, in {@code dir}. */
    public static Path create(Path dir) {
        Path root = copyGolden(dir);
        writeManifest(root, Manifest.defaults().withMaskImageSize(FRAME));
        writeTokenizer(root.resolve("mllm/tokenizer.json"), eosId(root));
        return root;
    }

    /**
     * A package variant with the {@code sam} golden as mask encoder and head: its config and weights
     * in {@code mask_head/}, a manifest naming {@code sam} for both with SAM's 64-pixel input, and a
     * seeded [SEG] projector from the language model's 80 to SAM's 16 channels.
     */
    public static Path createWithSam(Path dir) {
        Path pkg = create(dir);
        Path sam = Goldens.dir("sam");
        try {
            Files.copy(sam.resolve("config.json"), pkg.resolve("mask_head/config.json"),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.copy(sam.resolve("model.safetensors"), pkg.resolve("mask_head/model.safetensors"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Manifest d = Manifest.defaults();
        writeManifest(pkg, new Manifest(d.format(), "tiny-sam", "tiny LLM + SAM", d.visionEncoder(),
                d.languageModel(), "sam", "sam", d.segToken(), d.eosToken(), d.promptTemplate(), 64, Map.of()));
        Random random = new Random(3);
        float[] weight = new float[16 * 80];
        for (int i = 0; i < weight.length; i++) {
            weight[i] = (float) (random.nextGaussian() * 0.1);
        }
        try (NDManager m = Engines.newManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            tensors.put("weight", m.create(weight, new Shape(16, 80)));
            tensors.put("bias", m.zeros(new Shape(16)));
            SafetensorsWriter.write(pkg.resolve("seg_projector.safetensors"), tensors, Map.of());
        }
        return pkg;
    }

    /** The golden's files only (no manifest, no tokenizer), in a new folder below {@code dir}. */
    static Path copyGolden(Path dir) {
        return copyGoldenInto(dir.resolve("tiny-" + System.nanoTime()));
    }

    /** The golden's package files (no {@code io.*}, no manifest, no tokenizer) copied into {@code root}. */
    public static Path copyGoldenInto(Path root) {
        Path source = Goldens.dir("segearth_r2_tiny");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : files.toList()) {
                Path rel = source.relativize(f);
                if (rel.toString().startsWith("io.")) {
                    continue;
                }
                Path target = root.resolve(rel.toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return root;
    }

    static void writeManifest(Path root, Manifest manifest) {
        write(root.resolve(Manifest.FILE), manifest.toJson());
    }

    static int eosId(Path root) {
        return JsonConfig.read(root.resolve("mllm/config.json")).getInt("eos_token_id");
    }

    /** A word-level tokenizer over {@link #WORDS}, every id below {@link #VOCAB} used. */
    static void writeTokenizer(Path file, int eosId) {
        JsonObject vocab = new JsonObject();
        vocab.addProperty("<unk>", 0);
        vocab.addProperty("<|endoftext|>", eosId);
        int next = 1;
        for (String w : WORDS) {
            while (next == eosId) {
                next++;
            }
            vocab.addProperty(w, next++);
        }
        for (; next < SEG_ID; next++) {
            if (next != eosId) {
                vocab.addProperty("w" + next, next);
            }
        }
        vocab.addProperty("[SEG]", SEG_ID);
        JsonObject model = new JsonObject();
        model.addProperty("type", "WordLevel");
        model.add("vocab", vocab);
        model.addProperty("unk_token", "<unk>");
        JsonArray added = new JsonArray();
        added.add(addedToken(eosId, "<|endoftext|>", true));
        added.add(addedToken(SEG_ID, "[SEG]", false));
        JsonObject pre = new JsonObject();
        pre.addProperty("type", "Whitespace");
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", null);
        root.add("padding", null);
        root.add("added_tokens", added);
        root.add("normalizer", null);
        root.add("pre_tokenizer", pre);
        root.add("post_processor", null);
        root.add("decoder", null);
        root.add("model", model);
        write(file, root.toString());
    }

    /** An {@code added_tokens} entry of a tokenizer.json. */
    public static JsonObject addedToken(int id, String content, boolean special) {
        JsonObject t = new JsonObject();
        t.addProperty("id", id);
        t.addProperty("content", content);
        t.addProperty("single_word", false);
        t.addProperty("lstrip", false);
        t.addProperty("rstrip", false);
        t.addProperty("normalized", false);
        t.addProperty("special", special);
        return t;
    }

    /** The golden's image (460 x 299). */
    public static BufferedImage image() {
        try (NDManager m = Engines.newManager();
                Checkpoint io = Checkpoint.open(Goldens.dir("segearth_r2_tiny").resolve("io.safetensors"), m)) {
            NDArray hwc = io.get("image_rgb_hwc");
            int h = (int) hwc.getShape().get(0);
            int w = (int) hwc.getShape().get(1);
            byte[] rgb = hwc.toByteArray();
            BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int o = (y * w + x) * 3;
                    out.setRGB(x, y, (rgb[o] & 0xFF) << 16 | (rgb[o + 1] & 0xFF) << 8 | (rgb[o + 2] & 0xFF));
                }
            }
            return out;
        }
    }

    /** Rewrites the safetensors file {@code file} with {@code extra} tensors added (or replaced). */
    public static void addTensors(Path file, Map<String, float[]> extra) {
        try (NDManager m = Engines.newManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            if (Files.exists(file)) {
                try (Checkpoint c = Checkpoint.open(file, m)) {
                    for (String k : c.keys()) {
                        tensors.put(k, c.get(k));
                    }
                }
            }
            extra.forEach((k, v) -> tensors.put(k, m.create(v)));
            SafetensorsWriter.write(file, tensors, Map.of());
        }
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
