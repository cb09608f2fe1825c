package org.segearth.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.runtime.data.LaSeRSDataset;

class DubaiConverterRecipeTest {

    @TempDir
    static Path tmp;

    static Path fixture() {
        String root = System.getProperty("segearth.testdata");
        assertTrue(root != null, "system property segearth.testdata is not set; run the tests through Maven");
        return Path.of(root, "dubai");
    }

    static JsonArray records(Path root, String split) throws IOException {
        return JsonParser.parseString(Files.readString(root.resolve(split).resolve("annotations")
                .resolve(split + ".json"))).getAsJsonArray();
    }

    static DubaiConverter.Options recipe(Set<Integer> heldOut) {
        return new DubaiConverter.Options(3, 6, 64, 0.005, 0.3, true, true, 2, heldOut, 5);
    }

    /** A tile whose image is every pixel's class colour: blocks of the five classes. */
    static DubaiConverter.Tile paletteTile(String stem, int w, int h, int offset) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        byte[] classes = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int c = ((x / 40) + (y / 40) + offset) % DubaiClass.values().length;
                classes[y * w + x] = (byte) c;
                img.setRGB(x, y, DubaiClass.values()[c].rgb());
            }
        }
        return new DubaiConverter.Tile(stem, img, classes);
    }

    /** The share of pixels whose image colour is nearest the palette colour of their class. */
    static double agreement(DubaiConverter.View v) {
        int same = 0;
        for (int y = 0; y < v.height(); y++) {
            for (int x = 0; x < v.width(); x++) {
                int p = v.image().getRGB(x, y);
                DubaiClass best = null;
                int bestD = Integer.MAX_VALUE;
                for (DubaiClass c : DubaiClass.values()) {
                    int d = 0;
                    for (int s = 0; s < 24; s += 8) {
                        int diff = ((p >> s) & 0xFF) - ((c.rgb() >> s) & 0xFF);
                        d += diff * diff;
                    }
                    if (d < bestD) {
                        bestD = d;
                        best = c;
                    }
                }
                same += v.classes()[y * v.width() + x] == best.ordinal() ? 1 : 0;
            }
        }
        return same / (double) v.classes().length;
    }

    @Test
    void rotatedViewsAndMosaicsKeepTheClassMapOnTheImage() {
        DubaiConverter.Tile a = paletteTile("Tile1_image_part_001", 400, 300, 0);
        DubaiConverter.Tile b = paletteTile("Tile1_image_part_002", 360, 320, 2);
        Random random = new Random(9);
        for (int i = 0; i < 10; i++) {
            double angle = Math.toRadians(-20 + 4 * i);
            DubaiConverter.View v = a.rotatedView(250, angle, 128, random);
            assertEquals(v.width(), v.height());
            assertTrue(v.width() <= 128);
            double agree = agreement(v);
            assertTrue(agree > 0.9, "rotation " + Math.toDegrees(angle) + ": agreement " + agree);
            DubaiConverter.View m = DubaiConverter.Tile.mosaic(a, b, 400, random);
            assertTrue(agreement(m) > 0.99, "mosaic agreement " + agreement(m));
        }
        // a turned view differs from the unturned crop of the same centre
        DubaiConverter.View straight = a.rotatedView(200, 0, 200, new Random(1));
        DubaiConverter.View turned = a.rotatedView(200, Math.toRadians(15), 200, new Random(1));
        assertNotEquals(java.util.Arrays.toString(straight.classes()), java.util.Arrays.toString(turned.classes()));
    }

    @Test
    void augmentationsChangeValuesNotSizes() {
        DubaiConverter.Tile a = paletteTile("Tile1_image_part_001", 120, 100, 0);
        BufferedImage img = a.image();
        BufferedImage j = Augment.jitter(img, new Random(2));
        BufferedImage bl = Augment.blur(img, 2);
        BufferedImage lo = Augment.lowResolution(img, 0.4);
        for (BufferedImage x : List.of(j, bl, lo)) {
            assertEquals(img.getWidth(), x.getWidth());
            assertEquals(img.getHeight(), x.getHeight());
        }
        assertNotEquals(img.getRGB(40, 20), lo.getRGB(40, 20));
        // far from the block edges blur changes nothing; at an edge it mixes the colours
        assertEquals(img.getRGB(20, 20), bl.getRGB(20, 20));
        assertNotEquals(img.getRGB(40, 20), bl.getRGB(40, 20));
        assertNotEquals(img.getRGB(20, 20), j.getRGB(20, 20));
    }

    @Test
    void recipeWritesUnseenPhrasingsThatTrainingNeverUses() throws IOException {
        Path out = tmp.resolve("r");
        DubaiConverter.Summary s = DubaiConverter.convert(fixture(), out, recipe(Set.of()));
        assertEquals(5, s.images().get("val"));
        assertEquals(5, s.images().get(DubaiConverter.UNSEEN));
        assertTrue(s.records().get(DubaiConverter.UNSEEN) > 10);
        Set<String> train = new HashSet<>();
        for (JsonElement e : records(out, "train")) {
            train.add(RichInstructions.normalise(e.getAsJsonObject().get("description").getAsString()));
        }
        Set<String> validation = RichInstructions.validationTexts();
        for (JsonElement e : records(out, DubaiConverter.UNSEEN)) {
            JsonObject r = e.getAsJsonObject();
            String d = RichInstructions.normalise(r.get("description").getAsString());
            assertFalse(train.contains(d), d);
            assertTrue(r.get("category").getAsString().equals("multiple") || validation.contains(d), d);
            assertEquals(r.getAsJsonArray("classes").size(), r.getAsJsonArray("mask").size());
            assertTrue(Files.isRegularFile(out.resolve(DubaiConverter.UNSEEN).resolve("images")
                    .resolve(r.get("image_name").getAsString())));
        }
        assertTrue(new LaSeRSDataset(out, DubaiConverter.UNSEEN).size() > 10);
        // deterministic for a seed
        DubaiConverter.convert(fixture(), tmp.resolve("r2"), recipe(Set.of()));
        assertEquals(Files.readString(out.resolve("train/annotations/train.json")),
                Files.readString(tmp.resolve("r2/train/annotations/train.json")));
        assertEquals(-1L, Files.mismatch(out.resolve("train/images/Tile1_image_part_001_v03.jpg"),
                tmp.resolve("r2/train/images/Tile1_image_part_001_v03.jpg")));
    }

    @Test
    void heldOutTilesAreValidationWhole() throws IOException {
        Path out = tmp.resolve("h");
        DubaiConverter.Options o = new DubaiConverter.Options(3, 4, 64, 0.005, 0.3, true, true, 1, Set.of(1), 1);
        DubaiConverter.Summary s = DubaiConverter.convert(fixture(), out, o);
        assertEquals(0, s.images().get("train"));
        assertEquals(2, s.images().get("val"));
        assertEquals(0, records(out, "train").size());
        assertTrue(DubaiConverter.isValidation("Tile3_image_part_005", o) == false);
        assertTrue(DubaiConverter.isValidation("Tile1_image_part_009", o));
        assertFalse(DubaiConverter.isValidation("Tile2_image_part_003", o));
        assertTrue(DubaiConverter.isValidation("Tile2_image_part_003", DubaiConverter.Options.defaults()));
    }
}
