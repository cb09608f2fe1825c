package org.segearth.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.runtime.pipeline.DefaultSegmenter;

/** {@link ManyInstructions}: three instructions on one Dubai tile, the image encoded once. */
class ManyInstructionsTest {

    @TempDir
    Path dir;

    @Test
    void encodersRunOnceForSeveralInstructions() {
        List<String> instructions = List.of("segment the water", "segment the roads", "where are the buildings?");
        try (DefaultSegmenter segmenter = (DefaultSegmenter) Segmenter.builder().model(Fixtures.tinyModel(dir))
                .maxNewTokens(8).build()) {
            List<SegmentationResult> results = ManyInstructions.run(segmenter, Fixtures.dubaiImage(1), instructions);
            assertEquals(3, results.size());
            assertEquals(1, segmenter.cache().misses());
            assertEquals(2, segmenter.cache().hits());
            for (int i = 0; i < results.size(); i++) {
                SegmentationResult r = results.get(i);
                boolean first = i == 0;
                assertEquals(first, hasStage(r, "vision_encoder"), "call " + i);
                assertEquals(first, hasStage(r, "mask_encoder"), "call " + i);
                assertTrue(hasStage(r, "generate"), "call " + i);
                assertFalse(hasStage(r, "language_model"), "one language-model pass per answer, call " + i);
                assertEquals(r.answer().split("\\[SEG]", -1).length - 1, r.targets().size(), r.answer());
            }
        }
    }

    private static boolean hasStage(SegmentationResult r, String stage) {
        return r.timings().stream().anyMatch(t -> t.stage().equals(stage));
    }
}
