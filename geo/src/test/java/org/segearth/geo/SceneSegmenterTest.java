package org.segearth.geo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.Heatmap;
import org.segearth.api.ImageSource;
import org.segearth.api.InvalidInputException;
import org.segearth.api.Mask;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.api.Target;
import org.segearth.runtime.pipeline.DefaultSegmenter;

class SceneSegmenterTest {

    /**
     * Answers with the image itself as the mask: logit +4 where red > 127, -4 elsewhere, under
     * phrases that differ only in case and articles from tile to tile.
     */
    static final class ThresholdSegmenter implements Segmenter {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public SegmentationResult segment(ImageSource image, String instruction) {
            ImageSource.Rgb rgb = (ImageSource.Rgb) image;
            byte[] px = rgb.rgb();
            int n = rgb.width() * rgb.height();
            float[] logits = new float[n];
            boolean[] mask = new boolean[n];
            for (int i = 0; i < n; i++) {
                mask[i] = (px[i * 3] & 0xff) > 127;
                logits[i] = mask[i] ? 4 : -4;
            }
            String phrase = calls.getAndIncrement() % 2 == 0 ? "the Buildings" : "buildings.";
            Mask m = Mask.fromBooleans(mask, rgb.width(), rgb.height());
            List<Target> targets = new ArrayList<>();
            targets.add(new Target(0, phrase, m, 0.9, Optional.empty(),
                    Optional.of(new Heatmap(rgb.width(), rgb.height(), logits))));
            return new SegmentationResult("sure, " + phrase + " [SEG]", targets, rgb.width(), rgb.height(), List.of());
        }

        @Override
        public SegmentationResult segmentWithAnswer(ImageSource image, String instruction, String answer) {
            return segment(image, instruction);
        }

        @Override
        public void close() {}
    }

    @Test
    void labelsFedBackAsAMaskComeOutOnTheSameGridAndArea(@TempDir Path out) throws Exception {
        Path scene = Fixtures.geo("spacenet-atlanta-buildings-mask.tif");
        ThresholdSegmenter fake = new ThresholdSegmenter();
        List<int[]> progress = new ArrayList<>();
        SceneOptions options = SceneOptions.defaults().withTile(256, 32).withSimplify(0)
                .withProgress((done, total) -> progress.add(new int[] {done, total}));
        SceneResult r = new SceneSegmenter(fake, options).segment(scene, "segment the buildings", out);

        assertEquals(16, r.tiles()); // starts 0, 224, 448, 644 on each axis
        assertEquals(16, fake.calls.get());
        assertEquals(16, progress.size());
        assertArrayEquals(new int[] {16, 16}, progress.get(15));
        assertEquals(1, r.targets().size(), "phrases differing in case and article are one target");
        SceneResult.SceneTarget t = r.targets().get(0);
        assertEquals("buildings", t.phrase());
        assertEquals(0.9, t.score(), 1e-9);

        float[] input;
        try (GeoScene in = GeoScene.open(scene)) {
            input = in.read(0, 0, 900, 900, new int[] {0})[0];
        }
        long expected = 0;
        for (float v : input) {
            expected += v > 127 ? 1 : 0;
        }
        assertEquals(expected, t.pixels());
        // polygons unsimplified: exactly the pixels' area at 0.5 m x 0.5 m
        assertEquals(expected * 0.25, t.areaSquareMetres(), 1e-6);
        assertTrue(t.polygons() >= 30, "polygons " + t.polygons());

        try (GeoScene mask = GeoScene.open(out.resolve("mask-0.tif"))) {
            assertEquals(900, mask.width());
            assertEquals(900, mask.height());
            assertEquals(GeoScene.SampleType.UINT8, mask.sampleType());
            assertEquals("WGS 84 / UTM zone 16N", mask.crs().orElseThrow().getName().getCode());
            assertEquals(733601.0, mask.pixelToCrs().orElseThrow().getTranslateX(), 1e-9);
            assertEquals(3725139.0, mask.pixelToCrs().orElseThrow().getTranslateY(), 1e-9);
            float[] written = mask.read(0, 0, 900, 900, new int[] {0})[0];
            for (int i = 0; i < written.length; i++) {
                if ((written[i] > 0) != (input[i] > 127)) {
                    throw new AssertionError("pixel " + i % 900 + "," + i / 900 + " differs");
                }
            }
        }
        assertEquals(List.of("mask-0.tif", "targets.geojson", "quicklook.png", "scene.json"), r.files());
        try (var files = Files.list(out)) {
            assertEquals(4, files.count(), "no staging folder is left");
        }
        String json = Files.readString(out.resolve("targets.geojson"), StandardCharsets.UTF_8);
        assertFalse(json.contains("\"crs\""), "RFC 7946 GeoJSON has no crs member");
        // every vertex lies in the scene's footprint (gdalinfo: -84.48142..-84.47645, 33.63631..33.64048)
        Matcher m = Pattern.compile("\\[(-?[0-9.]+),(-?[0-9.]+)\\]").matcher(json);
        int vertices = 0;
        while (m.find()) {
            double lon = Double.parseDouble(m.group(1));
            double lat = Double.parseDouble(m.group(2));
            assertTrue(lon >= -84.48143 && lon <= -84.47645 && lat >= 33.63631 && lat <= 33.64048, lon + "," + lat);
            vertices++;
        }
        assertTrue(vertices > 4 * 30);
    }

    @Test
    void nativeVectorsKeepTheSceneCrs(@TempDir Path out) throws Exception {
        SceneOptions options = SceneOptions.defaults().withTile(512, 64).withNativeVectorCrs(true).withSimplify(1);
        new SceneSegmenter(new ThresholdSegmenter(), options)
                .segment(Fixtures.geo("spacenet-atlanta-buildings-mask.tif"), "segment the buildings", out);
        String json = Files.readString(out.resolve("targets.geojson"), StandardCharsets.UTF_8);
        assertTrue(json.contains("urn:ogc:def:crs:EPSG::32616"), json.substring(0, 200));
        Matcher m = Pattern.compile("\\[(-?[0-9.]+),(-?[0-9.]+)\\]").matcher(json);
        while (m.find()) {
            double x = Double.parseDouble(m.group(1));
            double y = Double.parseDouble(m.group(2));
            assertTrue(x >= 733601 && x <= 733601 + 450 && y <= 3725139 && y >= 3725139 - 450, x + "," + y);
        }
    }

    @Test
    void badScenesFailWithOneLineAndWriteNothing(@TempDir Path out) {
        SceneSegmenter scenes = new SceneSegmenter(new ThresholdSegmenter(), SceneOptions.defaults());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> scenes.segment(Fixtures.geo("nodata-only.tif"), "segment the buildings", out));
        assertTrue(e.getMessage().contains("nodata-only.tif") && e.getMessage().contains("only nodata"), e.getMessage());
        SceneSegmenter bands = new SceneSegmenter(new ThresholdSegmenter(), SceneOptions.defaults().withBands(3, 2, 1));
        e = assertThrows(InvalidInputException.class,
                () -> bands.segment(Fixtures.geo("spacenet-atlanta-utm16n-uint16.tif"), "segment", out));
        assertTrue(e.getMessage().contains("spacenet-atlanta-utm16n-uint16.tif has 1 band"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> scenes.segment(Fixtures.geo("plain.tif"), "segment", out));
        assertTrue(e.getMessage().contains("without georeferencing"), e.getMessage());
        assertTrue(!Files.exists(out) || out.toFile().list().length == 0, "nothing written");
    }

    @Test
    void phrasesAreNormalised() {
        assertEquals("buildings", SceneSegmenter.normalisePhrase("  The Buildings. "));
        assertEquals("small-vehicles", SceneSegmenter.normalisePhrase("all the small-vehicles"));
        assertEquals("(no phrase)", SceneSegmenter.normalisePhrase(" , "));
    }

    @Test
    void skipsTilesOfNodataAndNeverMarksNodataPixels(@TempDir Path out) throws Exception {
        ThresholdSegmenter fake = new ThresholdSegmenter();
        // 160x80 float32, valid only in a box at columns 20..78, rows 18..58; 64-pixel tiles start at
        // columns 0, 56, 96 and rows 0, 16: the two tiles at column 96 hold nodata only
        SceneResult r = new SceneSegmenter(fake, SceneOptions.defaults().withTile(64, 8).withStretch(0, 0.5))
                .segment(Fixtures.geo("float32-nodata.tif"), "segment the box", out);
        assertEquals(6, r.tiles());
        assertEquals(2, r.skippedTiles());
        assertEquals(4, fake.calls.get());
        // band 1 is 0.25, stretched over 0..0.5 to 128 (> 127): the box, and nothing else, is foreground
        assertEquals(1, r.targets().size());
        assertEquals(58L * 40, r.targets().get(0).pixels());
        assertEquals(58 * 40 * 0.25, r.targets().get(0).areaSquareMetres(), 1e-6);
    }

    @Test
    void segmentsAnRgbSceneWithTheDemoModel(@TempDir Path out) throws Exception {
        try (Segmenter segmenter = Segmenter.builder().maskLogits(true).build()) {
            // the API addition the blending needs: per-target logits whose sign is the mask
            SegmentationResult plain = segmenter.segment(Fixtures.geo("plain.tif"), "segment the roads");
            assertFalse(plain.targets().isEmpty());
            for (Target t : plain.targets()) {
                Heatmap logits = t.logits().orElseThrow();
                assertEquals(64, logits.width());
                for (int y = 0; y < 64; y++) {
                    for (int x = 0; x < 64; x++) {
                        assertEquals(t.mask().get(x, y), logits.get(x, y) > 0, "pixel " + x + "," + y);
                    }
                }
            }
            SceneResult r = new SceneSegmenter(segmenter, SceneOptions.defaults().withTile(256, 16))
                    .segment(Fixtures.geo("naip-lax-utm11n-rgb8-packbits.tif"), "segment the roads and the buildings", out);
            assertEquals(1, r.tiles());
            assertEquals(0, r.skippedTiles());
            assertFalse(r.targets().isEmpty(), "the demo model names targets on every tile it sees");
            for (SceneResult.SceneTarget t : r.targets()) {
                assertTrue(t.pixels() > 0 && t.areaSquareMetres() > 0);
                try (GeoScene mask = GeoScene.open(out.resolve("mask-" + t.index() + ".tif"))) {
                    assertEquals("WGS 84 / UTM zone 11N", mask.crs().orElseThrow().getName().getCode());
                }
            }

            // defaults: tiles of the demo model's mask input (224), sharing 28: starts 0 and 32 on each axis;
            // two instructions tile by tile, the second served from the feature cache on every tile
            assertEquals(224, SceneOptions.modelInputSide(segmenter));
            DefaultSegmenter d = (DefaultSegmenter) segmenter;
            long misses = d.cache().misses();
            long hits = d.cache().hits();
            Path both = out.resolve("both");
            List<SceneSegmenter.InstructionResult> results = new SceneSegmenter(segmenter, SceneOptions.defaults())
                    .segment(Fixtures.geo("naip-lax-utm11n-rgb8-packbits.tif"),
                            List.of(new SceneSegmenter.Instruction("segment the roads", "[SEG] roads"),
                                    new SceneSegmenter.Instruction("segment the buildings", "[SEG] buildings")), both);
            assertEquals(4, d.cache().misses() - misses, "one encoding per tile");
            // each row's two tiles are encoded in one batch ahead: both instructions find them cached
            assertEquals(8, d.cache().hits() - hits, "every call finds its tile's features cached");
            assertEquals(List.of("segment-the-roads", "segment-the-buildings"),
                    results.stream().map(SceneSegmenter.InstructionResult::folder).toList());
            for (SceneSegmenter.InstructionResult ir : results) {
                assertEquals(4, ir.result().tiles());
                for (String f : ir.result().files()) {
                    assertTrue(Files.isRegularFile(both.resolve(ir.folder()).resolve(f)), ir.folder() + "/" + f);
                }
            }
            try (var files = Files.list(both)) {
                assertEquals(2, files.count(), "two folders, no staging left");
            }

            // tiles one at a time give the same targets as tiles encoded two by two
            d.cache().close(); // nothing cached: each run encodes its tiles
            SceneResult one = new SceneSegmenter(segmenter, SceneOptions.defaults().withTileBatch(1)).segmentWithAnswer(
                    Fixtures.geo("naip-lax-utm11n-rgb8-packbits.tif"), "segment the water", "[SEG] water", out.resolve("one"));
            d.cache().close();
            SceneResult two = new SceneSegmenter(segmenter, SceneOptions.defaults()).segmentWithAnswer(
                    Fixtures.geo("naip-lax-utm11n-rgb8-packbits.tif"), "segment the water", "[SEG] water", out.resolve("two"));
            assertEquals(one.targets().stream().map(t -> t.phrase() + " " + t.pixels()).toList(),
                    two.targets().stream().map(t -> t.phrase() + " " + t.pixels()).toList());
        }
    }

    @Test
    void aBatchOfImagesEncodesAsEachAlone() {
        try (Segmenter segmenter = Segmenter.builder().build()) {
            org.segearth.runtime.pipeline.SegEarthModel model = ((DefaultSegmenter) segmenter).model();
            org.segearth.runtime.image.RgbImage a;
            org.segearth.runtime.image.RgbImage b;
            try (GeoScene s = GeoScene.open(Fixtures.geo("naip-lax-utm11n-rgb8-packbits.tif"))) {
                a = rgb(s, 0, 0);
                b = rgb(s, 100, 60);
            }
            try (ai.djl.ndarray.NDManager m = model.manager().newSubManager()) {
                var timer = new org.segearth.runtime.pipeline.StageTimer();
                var batch = model.encodeImages(List.of(m.newSubManager(), m.newSubManager()), List.of(a, b), timer);
                var alone = List.of(model.encodeImage(m, a, false, timer), model.encodeImage(m, b, false, timer));
                for (int i = 0; i < 2; i++) {
                    assertArrayEquals(alone.get(i).imageEmbeds().toFloatArray(), batch.get(i).imageEmbeds().toFloatArray(),
                            1e-4f, "image tokens of image " + i);
                    assertEquals(alone.get(i).maskFeatures().size(), batch.get(i).maskFeatures().size());
                    for (int k = 0; k < alone.get(i).maskFeatures().size(); k++) {
                        assertEquals(alone.get(i).maskFeatures().get(k).getShape(), batch.get(i).maskFeatures().get(k).getShape());
                        assertArrayEquals(alone.get(i).maskFeatures().get(k).toFloatArray(),
                                batch.get(i).maskFeatures().get(k).toFloatArray(), 1e-4f, "mask map " + k + " of image " + i);
                    }
                    assertEquals(alone.get(i).validHeight(), batch.get(i).validHeight());
                }
            }
        }
    }

    private static org.segearth.runtime.image.RgbImage rgb(GeoScene s, int x, int y) {
        float[][] px = s.read(x, y, 150, 120, new int[] {0, 1, 2});
        byte[] rgb = new byte[150 * 120 * 3];
        for (int i = 0; i < 150 * 120; i++) {
            for (int c = 0; c < 3; c++) {
                rgb[i * 3 + c] = (byte) px[c][i];
            }
        }
        return org.segearth.runtime.image.RgbImage.of(150, 120, rgb);
    }

    /** Teacher-forced: records the answers it is given and names its target after the answer's phrase. */
    static final class AnswerSegmenter implements Segmenter {
        final List<String> answers = new ArrayList<>();
        final ThresholdSegmenter masks = new ThresholdSegmenter();

        @Override
        public SegmentationResult segment(ImageSource image, String instruction) {
            throw new AssertionError("a teacher-forced scene never generates");
        }

        @Override
        public SegmentationResult segmentWithAnswer(ImageSource image, String instruction, String answer) {
            answers.add(answer);
            SegmentationResult r = masks.segment(image, instruction);
            Target t = r.targets().get(0);
            String phrase = answer.replace("[SEG]", "").strip();
            return new SegmentationResult(answer, List.of(new Target(0, phrase, t.mask(), t.score(), t.attention(), t.logits())),
                    r.width(), r.height(), List.of());
        }

        @Override
        public void close() {}
    }

    @Test
    void anAnswerIsTeacherForcedOnEveryTile(@TempDir Path out) throws Exception {
        AnswerSegmenter fake = new AnswerSegmenter();
        SceneResult r = new SceneSegmenter(fake, SceneOptions.defaults().withTile(512, 64)).segmentWithAnswer(
                Fixtures.geo("spacenet-atlanta-buildings-mask.tif"), "segment the buildings", "the houses [SEG]", out);
        assertEquals(4, r.tiles());
        assertEquals(List.of("the houses [SEG]", "the houses [SEG]", "the houses [SEG]", "the houses [SEG]"), fake.answers);
        assertEquals(1, r.targets().size());
        assertEquals("houses", r.targets().get(0).phrase());
        assertTrue(Files.isRegularFile(out.resolve("mask-0.tif")));
    }

    @Test
    void instructionsGoTileMajorIntoOneFolderEach(@TempDir Path out) throws Exception {
        List<String> calls = new ArrayList<>();
        ThresholdSegmenter masks = new ThresholdSegmenter();
        Segmenter recording = new Segmenter() {
            @Override
            public SegmentationResult segment(ImageSource image, String instruction) {
                ImageSource.Rgb rgb = (ImageSource.Rgb) image;
                calls.add(instruction + "@" + java.util.Arrays.hashCode(rgb.rgb()));
                return masks.segment(image, instruction);
            }

            @Override
            public SegmentationResult segmentWithAnswer(ImageSource image, String instruction, String answer) {
                calls.add(instruction + "|" + answer);
                return masks.segment(image, instruction);
            }

            @Override
            public void close() {}
        };
        List<SceneSegmenter.InstructionResult> results = new SceneSegmenter(recording,
                SceneOptions.defaults().withTile(512, 64)).segment(Fixtures.geo("spacenet-atlanta-buildings-mask.tif"),
                List.of(SceneSegmenter.Instruction.of("segment the buildings"),
                        new SceneSegmenter.Instruction("Segment the buildings!", "the buildings [SEG]"),
                        SceneSegmenter.Instruction.of("segment the buildings")), out);
        assertEquals(12, calls.size());
        for (int tile = 0; tile < 4; tile++) {
            // one tile, every instruction, before the next tile
            assertTrue(calls.get(3 * tile).startsWith("segment the buildings@"), calls.toString());
            assertEquals("Segment the buildings!|the buildings [SEG]", calls.get(3 * tile + 1));
            assertEquals(calls.get(3 * tile), calls.get(3 * tile + 2), "the same tile's pixels");
        }
        assertEquals(List.of("segment-the-buildings", "segment-the-buildings-2", "segment-the-buildings-3"),
                results.stream().map(SceneSegmenter.InstructionResult::folder).toList());
        for (SceneSegmenter.InstructionResult r : results) {
            assertEquals(1, r.result().targets().size());
            assertEquals(results.get(0).result().targets().get(0).pixels(), r.result().targets().get(0).pixels());
            String json = Files.readString(out.resolve(r.folder()).resolve("scene.json"), StandardCharsets.UTF_8);
            assertTrue(json.contains("\"mask\": \"mask-0.tif\""), json);
        }
    }
}
