package org.segearth.heads.mask2former;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.parity.Goldens;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.FeatureSpec;
import org.segearth.spi.MaskEncoder;
import org.segearth.spi.MaskEncoderProvider;
import org.segearth.spi.SegmentationHead;
import org.segearth.spi.config.JsonConfig;

class Mask2FormerHeadTest {

    private static MaskEncoderProvider swin() {
        return ServiceLoader.load(MaskEncoderProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("swin")).findFirst().orElseThrow();
    }

    @Test
    void runsOnAnImageWhoseSidesAreNoMultipleOfAnyStride() {
        Path dir = Goldens.dir("mask2former");
        Engines.init();
        try (NDManager manager = Engines.newManager(); Checkpoint checkpoint = Checkpoint.open(dir, manager)) {
            ComponentContext context = new ComponentContext(dir, JsonConfig.read(dir.resolve("config.json")),
                    checkpoint, Map.of());
            MaskEncoder encoder = swin().create(context);
            SegmentationHead head = new Mask2FormerHeadProvider().create(context);
            int before = ((BaseNDManager) manager).getManagedArrays().size();
            try (NDManager call = manager.newSubManager()) {
                NDArray pixels = call.randomNormal(new Shape(1, 3, 98, 75));
                List<NDArray> maps = encoder.encode(pixels);
                // patch grid 25 x 19 (padded to the patch size), then ceil halves
                assertEquals(new Shape(1, 16, 25, 19), maps.get(0).getShape());
                assertEquals(new Shape(1, 32, 13, 10), maps.get(1).getShape());
                assertEquals(new Shape(1, 64, 7, 5), maps.get(2).getShape());
                assertEquals(new Shape(1, 128, 4, 3), maps.get(3).getShape());
                NDArray queries = call.randomNormal(new Shape(3, 32));
                SegmentationHead.HeadOutput out = head.predict(maps, queries);
                assertEquals(new Shape(3, 25, 19), out.maskLogits().getShape());
                assertEquals(3, out.auxMaskLogits().size());
                assertEquals(4, out.stride());
                assertNull(out.scores());
                assertTrue(Float.isFinite(out.maskLogits().abs().sum().getFloat()));
                // each target is independent of the others
                SegmentationHead.HeadOutput alone = head.predict(maps, queries.get("1:2"));
                float diff = alone.maskLogits().sub(out.maskLogits().get("1:2")).abs().max().getFloat();
                assertTrue(diff < 1e-3, "batched and single runs differ by " + diff);
                assertTrue(((BaseNDManager) manager).getManagedArrays().size() > before, "the count sees the call");
            }
            // everything a call makes lives in the caller's manager: nothing is left beside the weights
            assertEquals(before, ((BaseNDManager) manager).getManagedArrays().size());
            encoder.close();
            head.close();
        }
    }

    @Test
    void rejectsAnEncoderWithOtherChannels() {
        FeatureSpec head = new FeatureSpec(List.of(new FeatureSpec.Level(128, 4), new FeatureSpec.Level(256, 8),
                new FeatureSpec.Level(512, 16), new FeatureSpec.Level(1024, 32)));
        FeatureSpec other = new FeatureSpec(List.of(new FeatureSpec.Level(96, 4), new FeatureSpec.Level(192, 8),
                new FeatureSpec.Level(384, 16), new FeatureSpec.Level(768, 32)));
        assertThrows(SegEarthException.class, () -> head.requireSatisfiedBy(other, "swin", "mask2former"));
    }
}
