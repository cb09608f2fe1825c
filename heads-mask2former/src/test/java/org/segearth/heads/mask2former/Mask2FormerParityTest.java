package org.segearth.heads.mask2former;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.parity.ParityResult;
import org.segearth.runtime.parity.ParityRunner;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.MaskEncoder;
import org.segearth.spi.MaskEncoderProvider;
import org.segearth.spi.SegmentationHead;
import org.segearth.spi.config.JsonConfig;
import java.util.ServiceLoader;

class Mask2FormerParityTest {

    @Test
    void reproducesTheGolden() {
        ParityResult r = new ParityRunner().run(Goldens.dir("mask2former"), System.out::println);
        assertTrue(r.ok(), r.verdict());
    }

    @Test
    void usesEveryKeyButTheIgnoredOnes() {
        Path dir = Goldens.dir("mask2former");
        Engines.init();
        try (NDManager manager = Engines.newManager(); Checkpoint checkpoint = Checkpoint.open(dir, manager)) {
            ComponentContext context = new ComponentContext(dir, JsonConfig.read(dir.resolve("config.json")),
                    checkpoint, Map.of());
            MaskEncoderProvider swin = ServiceLoader.load(MaskEncoderProvider.class).stream()
                    .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("swin")).findFirst().orElseThrow();
            try (MaskEncoder encoder = swin.create(context);
                    SegmentationHead head = new Mask2FormerHeadProvider().create(context)) {
                head.inputSpec().requireSatisfiedBy(encoder.outputSpec(), "swin", "mask2former");
                assertEquals(32, head.queryDim());
            }
            Set<String> unused = new TreeSet<>(checkpoint.unusedKeys());
            unused.removeIf(k -> k.startsWith("class_predictor.") || k.startsWith("criterion.")
                    || k.startsWith("model.transformer_module.queries_")
                    || k.startsWith("model.pixel_level_module.encoder.swin."));
            assertEquals(Set.of(), unused);
        }
    }
}
