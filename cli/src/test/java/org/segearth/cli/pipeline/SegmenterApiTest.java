package org.segearth.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.ImageSource;
import org.segearth.api.Mask;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.api.Target;
import org.segearth.runtime.eval.SegmentationFunction;
import org.segearth.runtime.image.ImageDecoder;
import org.segearth.runtime.pipeline.DefaultSegmenter;
import org.segearth.runtime.pipeline.ModelOptions;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.pipeline.PassOptions;
import org.segearth.runtime.pipeline.SegEarthModel;
import org.segearth.runtime.pipeline.SegEarthOutput;
import org.segearth.runtime.pipeline.TokenInput;

/** The fluent API on the tiny model: builder, teacher-forced and generative calls, one-shot, zero targets, cache. */
class SegmenterApiTest {

    @TempDir
    static Path dir;

    static Path pkg;
    static Segmenter segmenter;
    static BufferedImage image;

    @BeforeAll
    static void build() {
        pkg = TinyModel.create(dir);
        image = TinyModel.image();
        segmenter = Segmenter.builder().model(pkg).maxNewTokens(8).attentionHeatmaps(true).build();
    }

    @AfterAll
    static void close() {
        segmenter.close();
    }

    @Test
    void teacherForcedGivesOneMaskPerSegWithItsPhrase() {
        SegmentationResult r = segmenter.segmentWithAnswer(ImageSource.of(image), "segment the ships",
                "the ships [SEG] and the port [SEG]");
        assertEquals("the ships [SEG] and the port [SEG]", r.answer());
        assertEquals(2, r.targets().size());
        assertEquals(List.of("the ships", "and the port"), r.targets().stream().map(Target::phrase).toList());
        assertEquals(image.getWidth(), r.width());
        assertEquals(image.getHeight(), r.height());
        for (Target t : r.targets()) {
            assertEquals(image.getWidth(), t.mask().width());
            assertEquals(image.getHeight(), t.mask().height());
            assertTrue(t.score() >= 0 && t.score() <= 1, "score " + t.score());
            assertEquals(t.mask().isEmpty(), t.score() == 0);
            assertEquals(t.mask().box(), t.box());
            assertTrue(t.attention().isPresent());
            assertEquals(4, t.attention().get().width());
            assertEquals(4, t.attention().get().height());
        }
        assertTrue(r.timings().stream().anyMatch(t -> t.stage().equals("language_model")));
        assertTrue(r.timings().stream().anyMatch(t -> t.stage().equals("mask_head")));
    }

    @Test
    void answerWithoutSegGivesZeroTargets() {
        SegmentationResult r = segmenter.segmentWithAnswer(ImageSource.of(image), "where are the planes?",
                "there are no planes here");
        assertTrue(r.isEmpty());
        assertEquals(0, r.targets().size());
    }

    @Test
    void generativeModeIsDeterministicAndHasOneTargetPerGeneratedSeg() {
        SegmentationResult a = segmenter.segment(image, "segment the ships");
        SegmentationResult b = segmenter.segment(image, "segment the ships");
        assertEquals(a.answer(), b.answer());
        int segs = a.answer().split("\\[SEG\\]", -1).length - 1;
        assertEquals(segs, a.targets().size(), a.answer());
        for (int i = 0; i < a.targets().size(); i++) {
            assertEquals(a.targets().get(i).mask(), b.targets().get(i).mask());
        }
        assertTrue(a.timings().stream().anyMatch(t -> t.stage().equals("generate")));
    }

    @Test
    void samplingWithASeedIsReproducible() {
        try (Segmenter s = Segmenter.builder().model(pkg).maxNewTokens(6).temperature(1.0).topP(0.9).seed(7).build()) {
            assertEquals(s.segment(image, "segment the water").answer(), s.segment(image, "segment the water").answer());
        }
    }

    @Test
    void oneShotBuildsSegmentsAndCloses() {
        SegmentationResult r = Segmenter.builder().model(pkg).maxNewTokens(4).instruction("segment the roads")
                .segment(image);
        assertEquals(image.getWidth(), r.width());
    }

    @Test
    void severalInstructionsOnOneImageRunTheEncodersOnce() {
        try (DefaultSegmenter s = (DefaultSegmenter) Segmenter.builder().model(pkg).maxNewTokens(2).build()) {
            SegmentationResult first = s.segmentWithAnswer(ImageSource.of(image), "segment the ships", "ships [SEG]");
            SegmentationResult second = s.segmentWithAnswer(ImageSource.of(image), "segment the port", "port [SEG]");
            assertEquals(1, s.cache().misses());
            assertEquals(1, s.cache().hits());
            assertTrue(first.timings().stream().anyMatch(t -> t.stage().equals("vision_encoder")));
            assertFalse(second.timings().stream().anyMatch(t -> t.stage().equals("vision_encoder")));
            assertFalse(second.timings().stream().anyMatch(t -> t.stage().equals("mask_encoder")));
        }
    }

    @Test
    void segmenterMatchesTheModelsTeacherForcedPass() {
        SegmentationResult r = segmenter.segmentWithAnswer(ImageSource.of(image), "segment the ships",
                "the ships [SEG] and the port [SEG]");
        try (SegEarthModel model = SegEarthModel.load(ModelPackage.open(pkg), ModelOptions.defaults());
                NDManager m = model.manager().newSubManager()) {
            TokenInput tokens = model.tokens("segment the ships", "the ships [SEG] and the port [SEG]");
            assertEquals(2, tokens.segPositions(TinyModel.SEG_ID, 16).length);
            SegEarthOutput out = model.forward(m, ImageDecoder.fromBufferedImage(image), tokens, PassOptions.TRAINING);
            assertEquals(2, out.numTargets());
            assertEquals(2, out.queries().getShape().get(0));
            assertEquals(3, out.attentions().size());
            for (int i = 0; i < 2; i++) {
                Mask expected = Mask.fromBytes(out.masks().get(i).toType(DataType.UINT8, false).toByteArray(),
                        image.getWidth(), image.getHeight());
                assertEquals(expected, r.targets().get(i).mask());
            }
        }
    }

    @Test
    void evaluatorFunctionUsesBothModes() {
        SegmentationFunction f = SegmentationFunction.of(segmenter);
        SegmentationFunction.Output forced = f.segment(image, "segment the ships", "ships [SEG]");
        assertEquals("ships [SEG]", forced.answer());
        assertEquals(1, forced.masks().size());
        SegmentationFunction.Output generated = f.segment(image, "segment the ships", null);
        assertNotEquals(null, generated.answer());
    }

    @Test
    void rawRgbAndBufferedImageGiveTheSameMasks() {
        byte[] rgb = new byte[image.getWidth() * image.getHeight() * 3];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                int o = (y * image.getWidth() + x) * 3;
                rgb[o] = (byte) (p >> 16);
                rgb[o + 1] = (byte) (p >> 8);
                rgb[o + 2] = (byte) p;
            }
        }
        SegmentationResult a = segmenter.segmentWithAnswer(ImageSource.of(image), "segment it", "it [SEG]");
        SegmentationResult b = segmenter.segmentWithAnswer(ImageSource.ofRgb(rgb, image.getWidth(), image.getHeight()),
                "segment it", "it [SEG]");
        assertEquals(a.targets().get(0).mask(), b.targets().get(0).mask());
        assertArrayEquals(a.targets().get(0).attention().get().values(), b.targets().get(0).attention().get().values());
    }
}
