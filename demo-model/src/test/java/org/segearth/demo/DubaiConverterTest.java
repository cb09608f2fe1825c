package org.segearth.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.runtime.data.CocoMasks;
import org.segearth.runtime.data.LaSeRSDataset;
import org.segearth.runtime.data.Sample;

class DubaiConverterTest {

    private static final DubaiConverter.Options OPTIONS = new DubaiConverter.Options(7, 6, 64, 0.005, 0.3);

    @TempDir
    static Path tmp;
    static DubaiConverter.Summary summary;

    static Path fixture() {
        String root = System.getProperty("segearth.testdata");
        assertTrue(root != null, "system property segearth.testdata is not set; run the tests through Maven");
        return Path.of(root, "dubai");
    }

    @BeforeAll
    static void convert() {
        summary = DubaiConverter.convert(fixture(), tmp.resolve("a"), OPTIONS);
    }

    static boolean[] decode(JsonObject rle) {
        return CocoMasks.rleFromJson(rle, -1, -1).toMask().toBooleans();
    }

    static JsonArray records(Path root, String split) throws IOException {
        return JsonParser.parseString(Files.readString(root.resolve(split).resolve("annotations")
                .resolve(split + ".json"))).getAsJsonArray();
    }

    @Test
    void holdsOutPartNPlusOneOfTileN() throws IOException {
        assertTrue(DubaiConverter.isValidation("Tile1_image_part_002"));
        assertTrue(DubaiConverter.isValidation("Tile6_image_part_007"));
        assertFalse(DubaiConverter.isValidation("Tile1_image_part_001"));
        assertFalse(DubaiConverter.isValidation("Tile2_image_part_002"));
        for (JsonElement e : records(tmp.resolve("a"), "val")) {
            assertTrue(e.getAsJsonObject().get("image_name").getAsString().startsWith("Tile1_image_part_002_"));
        }
        for (JsonElement e : records(tmp.resolve("a"), "train")) {
            assertTrue(e.getAsJsonObject().get("image_name").getAsString().startsWith("Tile1_image_part_001_"));
        }
        assertEquals(6, summary.images().get("train"));
        assertEquals(5, summary.images().get("val"));
    }

    @Test
    void recordsHaveOneMaskPerSegInTheOrderAsked() throws IOException {
        for (String split : List.of("train", "val")) {
            JsonArray records = records(tmp.resolve("a"), split);
            assertEquals(summary.records().get(split), records.size());
            assertTrue(records.size() > 5, split + ": " + records.size());
            Set<String> ids = new HashSet<>();
            for (JsonElement e : records) {
                JsonObject r = e.getAsJsonObject();
                assertTrue(ids.add(r.get("id").getAsString()));
                String answer = r.get("answer").getAsString();
                JsonArray classes = r.getAsJsonArray("classes");
                JsonArray masks = r.getAsJsonArray("mask");
                int segs = answer.split("\\[SEG]", -1).length - 1;
                assertEquals(classes.size(), segs, answer);
                assertEquals(classes.size(), masks.size());
                if (r.get("category").getAsString().equals("empty")) {
                    assertTrue(answer.startsWith("Sorry, there "), answer);
                    assertEquals(0, segs);
                    assertEquals(1, r.getAsJsonArray("absent").size());
                } else {
                    assertTrue(answer.startsWith("Sure, [SEG] "), answer);
                    assertTrue(segs >= 1, answer);
                    assertFalse(r.has("absent"));
                }
                // the answer names the classes in the order of the masks
                int at = 0;
                for (JsonElement c : classes) {
                    String name = DubaiClass.valueOf(c.getAsString().toUpperCase()).canonical();
                    int i = answer.indexOf("[SEG] " + name, at);
                    assertTrue(i >= at, answer + " / " + classes);
                    at = i + 1;
                }
                assertTrue(Files.isRegularFile(tmp.resolve("a").resolve(split).resolve("images")
                        .resolve(r.get("image_name").getAsString())));
            }
        }
    }

    @Test
    void masksDecodeToTheClassPixelsOfTheWrittenView() throws IOException {
        // validation view 0 is the whole tile scaled to 64 px: compare with the fixture mask sampled the same way
        BufferedImage mask = ImageIO.read(fixture().resolve("masks_color").resolve("Tile1_image_part_002.png").toFile());
        int w = mask.getWidth();
        int h = mask.getHeight();
        int ow = 64;
        int oh = (int) Math.round(h * 64.0 / w);
        int checked = 0;
        for (JsonElement e : records(tmp.resolve("a"), "val")) {
            JsonObject r = e.getAsJsonObject();
            if (!r.get("image_name").getAsString().equals("Tile1_image_part_002_v00.jpg")) {
                continue;
            }
            JsonArray classes = r.getAsJsonArray("classes");
            for (int k = 0; k < classes.size(); k++) {
                DubaiClass c = DubaiClass.valueOf(classes.get(k).getAsString().toUpperCase());
                JsonObject rle = r.getAsJsonArray("mask").get(k).getAsJsonObject();
                assertEquals(oh, rle.getAsJsonArray("size").get(0).getAsInt());
                assertEquals(ow, rle.getAsJsonArray("size").get(1).getAsInt());
                boolean[] decoded = decode(rle);
                boolean[] expected = new boolean[ow * oh];
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        int sx = Math.min(w - 1, (int) ((x + 0.5) * w / ow));
                        int sy = Math.min(h - 1, (int) ((y + 0.5) * h / oh));
                        expected[y * ow + x] = (mask.getRGB(sx, sy) & 0xFFFFFF) == c.rgb();
                    }
                }
                assertArrayEquals(expected, decoded, c + " in " + r.get("id"));
                checked++;
            }
        }
        assertTrue(checked >= 4, "checked " + checked);
    }

    @Test
    void masksAreCompressedCocoRle() {
        // rows [0,1,1,0],[0,1,0,0],[1,1,0,1]: column-major runs 2,5,4,1; pycocotools' rleToString writes
        // 2, 5, 4 and 1 - 5 = -4 (one 5-bit group 0b11100, sign bit set): '2' '5' '4' (28 + 48 = 'L')
        boolean[] m = {false, true, true, false, false, true, false, false, true, true, false, true};
        JsonObject rle = DubaiConverter.encodeMask(m, 3, 4);
        assertEquals("254L", rle.get("counts").getAsString());
        assertEquals("[3,4]", rle.get("size").toString());
        assertArrayEquals(m, decode(rle));
    }

    @Test
    void theLaSeRSReaderReadsTheOutput() {
        for (String split : List.of("train", "val")) {
            LaSeRSDataset ds = new LaSeRSDataset(tmp.resolve("a"), split);
            assertEquals(summary.records().get(split), ds.size());
            for (int i = 0; i < ds.size(); i++) {
                Sample s = ds.get(i);
                assertTrue(Files.isRegularFile(s.imagePath()));
                int segs = s.answer().orElseThrow().split("\\[SEG]", -1).length - 1;
                assertEquals(segs, s.targets().size(), s.id());
                assertTrue(s.group().isPresent());
            }
        }
    }

    @Test
    void isDeterministicForASeed() throws IOException {
        DubaiConverter.convert(fixture(), tmp.resolve("b"), OPTIONS);
        for (String split : List.of("train", "val")) {
            assertEquals(Files.readString(tmp.resolve("a").resolve(split).resolve("annotations").resolve(split + ".json")),
                    Files.readString(tmp.resolve("b").resolve(split).resolve("annotations").resolve(split + ".json")));
            try (Stream<Path> s = Files.list(tmp.resolve("a").resolve(split).resolve("images"))) {
                for (Path p : s.toList()) {
                    assertArrayEquals(Files.readAllBytes(p), Files.readAllBytes(tmp.resolve("b").resolve(split)
                            .resolve("images").resolve(p.getFileName())), p.toString());
                }
            }
        }
        DubaiConverter.convert(fixture(), tmp.resolve("c"), new DubaiConverter.Options(8, 6, 64, 0.005, 0.3));
        assertFalse(Files.readString(tmp.resolve("a").resolve("train/annotations/train.json"))
                .equals(Files.readString(tmp.resolve("c").resolve("train/annotations/train.json"))));
    }

    @Test
    void instructionsAreVaried() throws IOException {
        Set<String> categories = new HashSet<>();
        Set<String> descriptions = new HashSet<>();
        int total = 0;
        for (String split : List.of("train", "val")) {
            for (JsonElement e : records(tmp.resolve("a"), split)) {
                JsonObject r = e.getAsJsonObject();
                categories.add(r.get("category").getAsString());
                descriptions.add(r.get("description").getAsString().toLowerCase());
                total++;
            }
        }
        assertTrue(categories.containsAll(List.of("single", "multiple", "implicit")), categories.toString());
        assertTrue(descriptions.size() > total / 2, descriptions.size() + " distinct of " + total);
    }

    @Test
    void viewsAreSmallAndMatchTheirMasks() throws IOException {
        for (String split : List.of("train", "val")) {
            for (JsonElement e : records(tmp.resolve("a"), split)) {
                JsonObject r = e.getAsJsonObject();
                BufferedImage img = ImageIO.read(tmp.resolve("a").resolve(split).resolve("images")
                        .resolve(r.get("image_name").getAsString()).toFile());
                assertTrue(Math.max(img.getWidth(), img.getHeight()) <= 64);
                for (JsonElement m : r.getAsJsonArray("mask")) {
                    JsonArray size = m.getAsJsonObject().getAsJsonArray("size");
                    assertEquals(img.getHeight(), size.get(0).getAsInt());
                    assertEquals(img.getWidth(), size.get(1).getAsInt());
                }
            }
        }
    }

    @Test
    void multipleInstructionsNameEveryTarget() {
        Random random = new Random(1);
        for (int i = 0; i < 100; i++) {
            List<DubaiClass> order = List.of(DubaiClass.ROAD, DubaiClass.BUILDING, DubaiClass.WATER);
            Instruction in = Instructions.multiple(order.subList(0, 2 + i % 2), random);
            assertEquals(in.targets().size(), in.answer().split("\\[SEG]", -1).length - 1);
            assertTrue(in.answer().startsWith("Sure, [SEG] roads"), in.answer());
        }
        assertEquals("Sure, [SEG] roads and [SEG] buildings.",
                Instructions.multiple(List.of(DubaiClass.ROAD, DubaiClass.BUILDING), random).answer());
        assertEquals("Sure, [SEG] water.", Instructions.implicit(DubaiClass.WATER, random).answer());
        Instruction none = Instructions.empty(DubaiClass.ROAD, random);
        assertEquals("Sorry, there are no roads in this image.", none.answer());
        assertEquals(List.of(), none.targets());
        assertEquals(List.of(DubaiClass.ROAD), none.absent());
    }
}
