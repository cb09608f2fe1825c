package org.segearth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.Mask;
import org.segearth.cli.pipeline.TinyModel;
import org.segearth.runtime.data.CocoMasks;

/**
 * {@code segearth eval}'s protocols on the Dubai fixture (two 128x103 tiles, non-square, with
 * their class masks), with the tiny model: generative by default, the official protocol recorded
 * in the report, and an {@code --out} that holds another protocol or another model refused.
 */
class EvalProtocolCommandTest {

    /** Dubai class colours (Humans in the Loop) and the tiny tokenizer's words for them. */
    private static final Map<Integer, String> CLASSES = new LinkedHashMap<>();

    static {
        CLASSES.put(0x3C1098, "buildings");
        CLASSES.put(0x6EC1E4, "roads");
        CLASSES.put(0xFEDD3A, "trees");
        CLASSES.put(0xE2A929, "water");
    }

    @TempDir
    Path tmp;

    private Path data;
    private Path model;

    @BeforeEach
    void setUp() throws IOException {
        data = dubai(tmp.resolve("data"));
        model = TinyModel.create(tmp.resolve("model"));
    }

    @Test
    void officialProtocolRunsGenerativelyAndSaysSoInTheReport() throws IOException {
        Path out = tmp.resolve("official");
        CliRun r = CliRun.of("eval", "--dataset", "lasers", "--root", data.toString(), "--split", "val", "--model",
                model.toString(), "--protocol", "official", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("official protocol, generative;"), r.out());
        JsonObject report = JsonParser.parseString(Files.readString(out.resolve("report.json"))).getAsJsonObject();
        assertEquals("official", report.get("protocol").getAsString());
        assertEquals("generative", report.get("mode").getAsString());
        assertFalse(report.has("mode_note"));
        assertEquals("lasers", report.get("dataset").getAsString());
        assertEquals("val", report.get("split").getAsString());
        assertEquals("llava_phi", report.get("prompt_template").getAsString());
        assertTrue(report.get("iou_frame").getAsString().startsWith("padded square frame"));
        JsonObject sampling = report.getAsJsonObject("sampling");
        assertEquals("sampling", sampling.get("decoding").getAsString());
        assertEquals(0.2, sampling.get("temperature").getAsDouble());
        assertEquals(50, sampling.get("top_k").getAsInt());
        assertEquals(42, sampling.get("seed").getAsLong());
        assertEquals(128, sampling.get("max_new_tokens").getAsInt());
        JsonObject m = report.getAsJsonObject("model");
        assertEquals(model.toAbsolutePath().normalize().toString(), m.get("path").getAsString());
        assertTrue(m.get("content_sha256").getAsString().matches("sha256:[0-9a-f]{64}"), m.toString());
        assertEquals(2, report.get("samples").getAsInt());
        double giou = report.get("gIoU").getAsDouble();
        assertTrue(giou >= 0 && giou <= 1, "gIoU " + giou);

        // the same run again continues (nothing left to do); the same seed gives the same answers
        String csv = Files.readString(out.resolve("samples.csv"));
        CliRun again = CliRun.of("eval", "--dataset", "lasers", "--root", data.toString(), "--split", "val", "--model",
                model.toString(), "--protocol", "official", "--out", out.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(csv, Files.readString(out.resolve("samples.csv")));
    }

    @Test
    void defaultIsGenerativeWithTheSdkProtocolAndTeacherForcedIsLabelledAnUpperBound() throws IOException {
        Path out = tmp.resolve("sdk");
        CliRun r = CliRun.of("eval", "--dataset", "lasers", "--root", data.toString(), "--split", "val", "--model",
                model.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonObject report = JsonParser.parseString(Files.readString(out.resolve("report.json"))).getAsJsonObject();
        assertEquals("sdk", report.get("protocol").getAsString());
        assertEquals("generative", report.get("mode").getAsString());
        assertEquals("original image size", report.get("iou_frame").getAsString());
        assertEquals("greedy", report.getAsJsonObject("sampling").get("decoding").getAsString());

        Path forced = tmp.resolve("forced");
        CliRun tf = CliRun.of("eval", "--dataset", "lasers", "--root", data.toString(), "--split", "val", "--model",
                model.toString(), "--mode", "teacher-forced", "--protocol", "official", "--out", forced.toString());
        assertEquals(0, tf.exitCode(), tf.err());
        assertTrue(tf.out().contains("teacher-forced: an upper bound"), tf.out());
        JsonObject t = JsonParser.parseString(Files.readString(forced.resolve("report.json"))).getAsJsonObject();
        assertTrue(t.get("mode_note").getAsString().contains("upper bound"));
        // teacher-forced: one mask per reference [SEG]
        List<String> rows = Files.readAllLines(forced.resolve("samples.csv"));
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            assertEquals(f[2], f[3], row);
        }
    }

    @Test
    void anOutWithAnotherProtocolOrAnotherModelIsRefusedSayingWhatDiffers() throws IOException {
        Path out = tmp.resolve("run");
        assertEquals(0, CliRun.of("eval", "--dataset", "lasers", "--root", data.toString(), "--split", "val",
                "--model", model.toString(), "--protocol", "official", "--mode", "teacher-forced", "--out", out.toString()).exitCode());
        String report = Files.readString(out.resolve("report.json"));

        CliRun protocol = CliRun.of("eval", "--dataset", "lasers", "--root", data.toString(), "--split", "val",
                "--model", model.toString(), "--mode", "teacher-forced", "--out", out.toString());
        assertEquals(ExitCodes.BAD_INPUT, protocol.exitCode(), protocol.err());
        assertTrue(protocol.err().contains("protocol: 'official' in the folder, 'sdk' now"), protocol.err());
        assertTrue(protocol.err().lines().findFirst().orElseThrow().contains("protocol: 'official'"), protocol.err());

        // the same model with one weight changed: same files, sizes and headers, other content
        Path retrained = tmp.resolve("retrained");
        copyTree(model, retrained);
        Path largest;
        try (var files = Files.walk(retrained)) {
            largest = files.filter(Files::isRegularFile).max(java.util.Comparator.comparingLong(f -> f.toFile().length()))
                    .orElseThrow();
        }
        assertTrue(Files.size(largest) > ModelIdentity.HEAD, largest + " is beyond the cheap identity's reach");
        flipLastByte(largest);
        assertEquals(ModelIdentity.of(model), ModelIdentity.of(retrained), "the cheap identity cannot tell them apart");
        CliRun other = CliRun.of("eval", "--dataset", "lasers", "--root", data.toString(), "--split", "val",
                "--model", retrained.toString(), "--protocol", "official", "--mode", "teacher-forced", "--out", out.toString());
        assertEquals(ExitCodes.BAD_INPUT, other.exitCode(), other.err());
        assertTrue(other.err().contains("model_content: 'sha256:"), other.err());
        assertTrue(other.err().lines().findFirst().orElseThrow().contains("model_content: 'sha256:"), other.err());
        assertEquals(report, Files.readString(out.resolve("report.json")), "a refused run leaves the folder as it was");

        CliRun overwrite = CliRun.of("eval", "--dataset", "lasers", "--root", data.toString(), "--split", "val",
                "--model", retrained.toString(), "--protocol", "official", "--mode", "teacher-forced", "--out", out.toString(), "--overwrite");
        assertEquals(0, overwrite.exitCode(), overwrite.err());
        JsonObject now = JsonParser.parseString(Files.readString(out.resolve("report.json"))).getAsJsonObject();
        assertEquals(ModelIdentity.contentSha256(retrained), now.getAsJsonObject("model").get("content_sha256").getAsString());
    }

    /** A LaSeRS-format {@code val} split of the two Dubai tiles: up to two classes per tile as targets. */
    static Path dubai(Path root) throws IOException {
        Path fixture = Path.of(System.getProperty("segearth.testdata"), "dubai");
        Path images = Files.createDirectories(root.resolve("val/images"));
        Path annotations = Files.createDirectories(root.resolve("val/annotations"));
        JsonArray records = new JsonArray();
        for (String part : List.of("001", "002")) {
            String name = "Tile1_image_part_" + part + ".jpg";
            Files.copy(fixture.resolve("images").resolve(name), images.resolve(name));
            BufferedImage colours = ImageIO.read(fixture.resolve("masks_color/Tile1_image_part_" + part + ".png").toFile());
            int w = colours.getWidth();
            int h = colours.getHeight();
            List<String> words = new ArrayList<>();
            JsonArray masks = new JsonArray();
            for (Map.Entry<Integer, String> c : CLASSES.entrySet()) {
                boolean[] px = new boolean[w * h];
                int area = 0;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        px[y * w + x] = (colours.getRGB(x, y) & 0xFFFFFF) == c.getKey();
                        area += px[y * w + x] ? 1 : 0;
                    }
                }
                if (area >= 20 && words.size() < 2) {
                    words.add(c.getValue());
                    masks.add(CocoMasks.toJson(Mask.fromBooleans(px, w, h).toRle()));
                }
            }
            assertFalse(words.isEmpty(), "tile " + part + " has none of the classes");
            JsonObject r = new JsonObject();
            r.addProperty("id", "tile1_" + part);
            r.addProperty("image_name", name);
            r.addProperty("description", "segment the " + String.join(" and ", words));
            r.addProperty("answer", String.join(" and ", words.stream().map(x -> x + " [SEG]").toList()));
            r.add("mask", masks);
            records.add(r);
        }
        Files.writeString(annotations.resolve("val.json"), records.toString());
        return root;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void flipLastByte(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() - 1);
            int b = f.read();
            f.seek(f.length() - 1);
            f.write(b ^ 0x01);
        }
    }
}
