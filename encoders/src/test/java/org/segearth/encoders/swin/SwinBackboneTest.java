package org.segearth.encoders.swin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.parity.TensorComparison;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.FeatureSpec;
import org.segearth.spi.MaskEncoder;
import org.segearth.spi.config.JsonConfig;

class SwinBackboneTest {

    @Test
    void reproducesTheGoldenStageOutputs() {
        Path dir = Goldens.dir("mask2former");
        Engines.init();
        try (NDManager manager = Engines.newManager();
                Checkpoint checkpoint = Checkpoint.open(dir, manager);
                Checkpoint io = Checkpoint.open(dir.resolve("io.safetensors"), manager)) {
            ComponentContext context = new ComponentContext(dir, JsonConfig.read(dir.resolve("config.json")),
                    checkpoint, Map.of());
            try (MaskEncoder swin = new SwinMaskEncoderProvider().create(context)) {
                assertEquals(List.of(new FeatureSpec.Level(16, 4), new FeatureSpec.Level(32, 8),
                        new FeatureSpec.Level(64, 16), new FeatureSpec.Level(128, 32)), swin.outputSpec().levels());
                List<NDArray> maps = swin.encode(io.get("pixel_values"));
                assertEquals(4, maps.size());
                for (int i = 0; i < 4; i++) {
                    TensorComparison c = TensorComparison.compare("backbone_features_" + i, maps.get(i),
                            io.get("backbone_features_" + i), 2e-4, 1e-4);
                    System.out.println(c.describe());
                    assertTrue(c.ok(), c.describe());
                }
            }
            for (String key : checkpoint.unusedKeys()) {
                assertTrue(!key.startsWith(SwinBackbone.MASK2FORMER_PREFIX + ".")
                        || key.startsWith(SwinBackbone.MASK2FORMER_PREFIX + ".swin."), "unused backbone key " + key);
            }
        }
    }
}
