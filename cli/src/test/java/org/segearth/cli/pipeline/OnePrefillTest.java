package org.segearth.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.ImageSource;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.checkpoint.SafetensorsWriter;
import org.segearth.runtime.image.ImageDecoder;
import org.segearth.runtime.pipeline.Generated;
import org.segearth.runtime.pipeline.ImageEncoding;
import org.segearth.runtime.pipeline.Manifest;
import org.segearth.runtime.pipeline.ModelOptions;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.pipeline.PassOptions;
import org.segearth.runtime.pipeline.SegEarthModel;
import org.segearth.runtime.pipeline.SegEarthOutput;
import org.segearth.runtime.pipeline.StageTimer;
import org.segearth.runtime.text.GenerationConfig;

/**
 * Generative mode runs the language model's prefill once: the [SEG] hidden states and [SEG] ->
 * image attentions taken from the generation pass and its KV cache equal those of a teacher-forced
 * pass over the same answer, and so do the queries and masks. The tiny model's {@code lm_head} row
 * of {@code [SEG]} is scaled up so that sampled answers hold [SEG]s in every place that matters:
 * several per answer, one written last at the token limit, one right before the end token.
 */
class OnePrefillTest {

    /** The golden's tolerances (SegEarthParityCheck): hidden states, attentions, queries ... */
    private static final double ATOL = 2e-4;
    private static final double RTOL = 1e-4;
    /** ... and the head's logits. */
    private static final double HEAD_ATOL = 1e-3;
    private static final double HEAD_RTOL = 1e-3;
    private static final int MAX_NEW_TOKENS = 6;

    @TempDir
    static Path dir;

    static Path pkg;
    static SegEarthModel model;

    @BeforeAll
    static void build() {
        pkg = TinyModel.create(dir);
        Manifest d = Manifest.defaults().withMaskImageSize(TinyModel.FRAME);
        TinyModel.writeManifest(pkg, new Manifest(d.format(), "tiny-counting", d.description(), d.visionEncoder(),
                CountingLanguageModelProvider.NAME, d.maskEncoder(), d.head(), d.segToken(), d.eosToken(),
                d.promptTemplate(), d.maskImageSize(), Map.of()));
        favourSeg(pkg.resolve("mllm/model.safetensors"), TinyModel.eosId(pkg));
        model = SegEarthModel.load(ModelPackage.open(pkg), ModelOptions.defaults());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Scales the lm_head rows of [SEG] and of the end token so that sampling picks them often. */
    static void favourSeg(Path file, int eosId) {
        try (NDManager m = Engines.newManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            try (Checkpoint c = Checkpoint.open(file, m)) {
                for (String k : c.keys()) {
                    tensors.put(k, c.get(k));
                }
            }
            NDArray head = tensors.get("lm_head.weight");
            float[] w = head.toFloatArray();
            int hidden = (int) head.getShape().get(1);
            scaleRow(w, TinyModel.SEG_ID, hidden, SEG_SCALE);
            scaleRow(w, eosId, hidden, EOS_SCALE);
            tensors.put("lm_head.weight", m.create(w, head.getShape()));
            SafetensorsWriter.write(file, tensors, Map.of());
        }
    }

    static final float SEG_SCALE = 14f;
    static final float EOS_SCALE = 6f;

    private static void scaleRow(float[] w, int row, int hidden, float factor) {
        for (int i = 0; i < hidden; i++) {
            w[row * hidden + i] *= factor;
        }
    }

    @Test
    void generationStatesEqualTheTeacherForcedPassAndThePrefillRunsOnce() {
        boolean several = false;
        boolean segLastAtLimit = false;
        boolean segBeforeEos = false;
        boolean none = false;
        try (NDManager m = model.manager().newSubManager()) {
            ImageEncoding image = model.encodeImage(m, ImageDecoder.fromBufferedImage(TinyModel.image()), false,
                    StageTimer.NONE);
            for (int seed = 12; seed < 20; seed++) {
                try (NDManager call = m.newSubManager()) {
                    CountingLanguageModelProvider.reset();
                    Generated g = model.generate(call, image, "segment the ships",
                            GenerationConfig.sampling(MAX_NEW_TOKENS, 1.0, 1.0, seed),
                            PassOptions.Attentions.SEG_TO_IMAGE, StageTimer.NONE);
                    assertEquals(1, CountingLanguageModelProvider.MULTI_TOKEN_FORWARDS.get(), "one prefill");
                    long[] ids = g.answerIds();
                    boolean lastIsSeg = ids.length > 0 && ids[ids.length - 1] == TinyModel.SEG_ID;
                    // one step per token picked after the first, one more for a [SEG] written last at the limit
                    int steps = ids.length + (g.stoppedAtEos() ? 1 : 0) - 1 + (lastIsSeg && !g.stoppedAtEos() ? 1 : 0);
                    assertEquals(steps, CountingLanguageModelProvider.ONE_TOKEN_FORWARDS.get(), "seed " + seed);
                    SegEarthOutput one = model.segment(call, image, g, StageTimer.NONE);
                    assertEquals(1, CountingLanguageModelProvider.MULTI_TOKEN_FORWARDS.get(), "no second prefill");
                    assertNull(one.lastHiddenState());

                    SegEarthOutput forced = model.forward(call, image, g.tokens(),
                            new PassOptions(false, PassOptions.Attentions.SEG_TO_IMAGE), StageTimer.NONE);
                    assertSame(forced, one, "seed " + seed + " answer " + java.util.Arrays.toString(ids));

                    several |= one.numTargets() >= 2;
                    segLastAtLimit |= lastIsSeg && !g.stoppedAtEos();
                    segBeforeEos |= lastIsSeg && g.stoppedAtEos();
                    none |= one.numTargets() == 0;
                }
            }
        }
        assertTrue(several, "an answer with several [SEG]s");
        assertTrue(segLastAtLimit, "an answer ending in [SEG] at the token limit");
        assertTrue(segBeforeEos, "an answer with [SEG] right before the end token");
        assertTrue(none, "an answer without [SEG]");
    }

    private static void assertSame(SegEarthOutput forced, SegEarthOutput one, String what) {
        assertArrayEquals(forced.segPositions(), one.segPositions(), what);
        assertArrayEquals(forced.imagePositions(), one.imagePositions(), what);
        close(forced.segHidden(), one.segHidden(), ATOL, RTOL, what + " [SEG] states");
        close(forced.queries(), one.queries(), ATOL, RTOL, what + " queries");
        close(forced.maskLogits(), one.maskLogits(), HEAD_ATOL, HEAD_RTOL, what + " mask logits");
        assertEquals(forced.attentions().size(), one.attentions().size(), what + " layers");
        for (int layer = 0; layer < forced.attentions().size(); layer++) {
            assertEquals(forced.attentions().get(layer).getShape(), one.attentions().get(layer).getShape(), what);
            close(forced.attentions().get(layer), one.attentions().get(layer), ATOL, RTOL,
                    what + " attentions of layer " + layer);
        }
        // masks agree except where the logit is within 1e-3 of 0 (the golden's rule)
        float[] logits = forced.fullLogits().toFloatArray();
        boolean[] a = forced.masks().toBooleanArray();
        boolean[] b = one.masks().toBooleanArray();
        assertEquals(a.length, b.length, what);
        long differing = IntStream.range(0, a.length).filter(i -> a[i] != b[i] && Math.abs(logits[i]) > 1e-3).count();
        assertEquals(0, differing, what + " mask pixels");
    }

    /** |actual - expected| <= atol + rtol * |expected| everywhere. */
    private static void close(NDArray expected, NDArray actual, double atol, double rtol, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what);
        float[] e = expected.toFloatArray();
        float[] x = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            double diff = Math.abs(e[i] - x[i]);
            assertTrue(diff <= atol + rtol * Math.abs(e[i]), what + ": at " + i + " " + x[i] + " vs " + e[i]);
        }
    }

    @Test
    void theSegmenterRunsNoTeacherForcedPassInGenerativeMode() {
        try (Segmenter s = Segmenter.builder().model(pkg).maxNewTokens(MAX_NEW_TOKENS).temperature(1.0).seed(3)
                .attentionHeatmaps(true).build()) {
            CountingLanguageModelProvider.reset();
            SegmentationResult r = s.segment(ImageSource.of(TinyModel.image()), "segment the ships");
            assertEquals(1, CountingLanguageModelProvider.MULTI_TOKEN_FORWARDS.get());
            assertFalse(r.timings().stream().anyMatch(t -> t.stage().equals("language_model")));
            assertEquals(r.answer().split("\\[SEG]", -1).length - 1, r.targets().size(), r.answer());
            r.targets().forEach(t -> assertTrue(t.attention().isPresent()));
        }
    }
}
