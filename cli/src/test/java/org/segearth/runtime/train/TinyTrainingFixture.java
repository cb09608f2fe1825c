package org.segearth.runtime.train;

import com.google.gson.JsonArray;
import org.segearth.cli.pipeline.TinyModel;
import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.segearth.api.Mask;
import org.segearth.runtime.data.CocoMasks;
import org.segearth.runtime.pipeline.Manifest;
import org.segearth.runtime.text.PromptTemplate;
import org.segearth.runtime.text.SegEarthPrompts;

/**
 * A trainable base package (the {@code segearth_r2_tiny} golden plus a word-level tokenizer whose
 * ids fit its 601 embedding rows, [SEG] = 600, and a manifest with the 128 px letterbox) and a
 * small LaSeRS-format set of synthetic scenes with one, two or no targets.
 */
final class TinyTrainingFixture {

    private static final String[][] RECORDS = {
        {"segment the red square", "the red square [SEG]", "r"},
        {"segment the blue square", "the blue square [SEG]", "b"},
        {"segment the red and blue squares", "the red square [SEG] and the blue square [SEG]", "rb"},
        {"segment the water", "there is no water", ""},
        {"where is the red square", "the red square [SEG]", "r"},
        {"segment the blue and red squares", "the blue square [SEG] and the red square [SEG]", "br"},
    };

    private TinyTrainingFixture() {
    }

    /** Copies the golden package into {@code dir} with a tokenizer and a manifest. */
    static Path basePackage(Path dir) throws IOException {
        TinyModel.copyGoldenInto(dir);
        Files.writeString(dir.resolve("mllm/tokenizer.json"), tokenizerJson(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(Manifest.FILE), Manifest.defaults().withMaskImageSize(128).toJson());
        return dir;
    }

    /** Word-level vocabulary over the prompt template and the records: ids 3.., eos 2, [SEG] 600. */
    static String tokenizerJson() {
        StringBuilder text = new StringBuilder(PromptTemplate.PHI_V0.render(SegEarthPrompts.lasersHuman(), "x"));
        for (String[] r : RECORDS) {
            text.append(' ').append(r[0]).append(' ').append(r[1]);
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        vocab.put("<unk>", 0);
        vocab.put("<s>", 1);
        vocab.put("<|endoftext|>", 2);
        Matcher m = Pattern.compile("\\w+|[^\\w\\s]+").matcher(text.toString().replace("[SEG]", " "));
        while (m.find()) {
            vocab.putIfAbsent(m.group(), vocab.size());
        }
        vocab.put("[SEG]", 600);
        JsonObject model = new JsonObject();
        model.addProperty("type", "WordLevel");
        JsonObject v = new JsonObject();
        vocab.forEach(v::addProperty);
        model.add("vocab", v);
        model.addProperty("unk_token", "<unk>");
        JsonObject pre = new JsonObject();
        pre.addProperty("type", "Whitespace");
        JsonArray added = new JsonArray();
        added.add(TinyModel.addedToken(2, "<|endoftext|>", true));
        added.add(TinyModel.addedToken(600, "[SEG]", false));
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("added_tokens", added);
        root.add("pre_tokenizer", pre);
        root.add("model", model);
        return root.toString();
    }


    /** Writes the scenes and {@code train/annotations/train.json} under {@code root}. */
    static Path dataset(Path root) throws IOException {
        Path images = Files.createDirectories(root.resolve("train/images"));
        Path annotations = Files.createDirectories(root.resolve("train/annotations"));
        JsonArray records = new JsonArray();
        for (int i = 0; i < RECORDS.length; i++) {
            int w = 60 + 4 * i;
            int h = 44 + 2 * i;
            int[] red = {4 + i, 6, 18, 14};
            int[] blue = {w - 24, h - 20 - i, 16, 14};
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = inside(red, x, y) ? 0xD02020 : inside(blue, x, y) ? 0x2040D0 : 0x70A060 + 3 * ((x + y) % 7);
                    img.setRGB(x, y, rgb);
                }
            }
            String name = "scene_" + i + ".png";
            ImageIO.write(img, "png", images.resolve(name).toFile());
            JsonArray masks = new JsonArray();
            for (char c : RECORDS[i][2].toCharArray()) {
                masks.add(CocoMasks.toJson(box(c == 'r' ? red : blue, w, h).toRle()));
            }
            JsonObject r = new JsonObject();
            r.addProperty("id", "scene_" + i);
            r.addProperty("image_name", name);
            r.addProperty("description", RECORDS[i][0]);
            r.addProperty("answer", RECORDS[i][1]);
            r.add("mask", masks);
            records.add(r);
        }
        Files.writeString(annotations.resolve("train.json"), records.toString());
        return root;
    }

    private static boolean inside(int[] b, int x, int y) {
        return x >= b[0] && x < b[0] + b[2] && y >= b[1] && y < b[1] + b[3];
    }

    private static Mask box(int[] b, int w, int h) {
        boolean[] px = new boolean[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                px[y * w + x] = inside(b, x, y);
            }
        }
        return Mask.fromBooleans(px, w, h);
    }

    static List<String[]> records() {
        return List.of(RECORDS);
    }
}
