package org.segearth.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.Mask;

/** {@link HeadAblation}: the tiny package with Mask2Former, and its variant with the SAM golden in the head slot. */
class HeadAblationTest {

    @TempDir
    Path dir;

    @Test
    void bothHeadsSegmentEveryTargetAndTheIouIsTheirs() {
        HeadAblation.Comparison c = HeadAblation.run(Fixtures.tinyModel(dir), Fixtures.tinySamModel(dir),
                Fixtures.dubaiImage(1), "segment the buildings and the roads", "the buildings [SEG] and the roads [SEG]");
        assertEquals(2, c.mask2former().size());
        assertEquals(2, c.sam().size());
        assertEquals(2, c.iou().size());
        for (int i = 0; i < 2; i++) {
            Mask a = c.mask2former().get(i).mask();
            Mask b = c.sam().get(i).mask();
            assertEquals(128, a.width());
            assertEquals(103, b.height());
            assertEquals(c.mask2former().get(i).phrase(), c.sam().get(i).phrase());
            double iou = c.iou().get(i);
            assertTrue(iou >= 0 && iou <= 1, "IoU " + iou);
            long union = a.unionArea(b);
            assertEquals(union == 0 ? 1.0 : (double) a.intersectionArea(b) / union, iou, 1e-12);
        }
        assertTrue(c.sam().stream().allMatch(t -> Double.isFinite(t.score())), "SAM's IoU-head scores");
    }

    @Test
    void identicalMasksHaveIouOneAndDisjointOnesZero() {
        Mask left = Mask.builder(4, 2).set(0, 0, true).build();
        Mask right = Mask.builder(4, 2).set(3, 1, true).build();
        assertEquals(1.0, HeadAblation.iou(left, left));
        assertEquals(0.0, HeadAblation.iou(left, right));
        assertEquals(1.0, HeadAblation.iou(Mask.empty(4, 2), Mask.empty(4, 2)));
        assertEquals(0.5, HeadAblation.iou(left, left.or(right)));
    }
}
