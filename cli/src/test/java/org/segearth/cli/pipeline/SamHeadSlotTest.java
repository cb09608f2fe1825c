package org.segearth.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.ImageSource;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.api.Target;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.checkpoint.SafetensorsWriter;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.pipeline.Manifest;

/** The SAM head plugs into the head slot: the tiny LLM with the {@code sam} golden's SAM as mask encoder and head. */
class SamHeadSlotTest {

    @TempDir
    Path dir;

    @Test
    void samHeadGivesOneMaskPerSegWithItsIouScore() throws IOException {
        Path pkg = TinyModel.create(dir);
        Path sam = Goldens.dir("sam");
        Files.copy(sam.resolve("config.json"), pkg.resolve("mask_head/config.json"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.copy(sam.resolve("model.safetensors"), pkg.resolve("mask_head/model.safetensors"),
                StandardCopyOption.REPLACE_EXISTING);
        Manifest d = Manifest.defaults();
        TinyModel.writeManifest(pkg, new Manifest(d.format(), "tiny-sam", "tiny LLM + SAM", d.visionEncoder(),
                d.languageModel(), "sam", "sam", d.segToken(), d.eosToken(), d.promptTemplate(), 64, Map.of()));
        Random random = new Random(3);
        float[] weight = new float[16 * 80];
        for (int i = 0; i < weight.length; i++) {
            weight[i] = (float) (random.nextGaussian() * 0.1);
        }
        Files.delete(pkg.resolve("seg_projector.safetensors"));
        TinyModel.addTensors(pkg.resolve("seg_projector.safetensors"), Map.of("weight", weight, "bias", new float[16]));
        reshapeWeight(pkg.resolve("seg_projector.safetensors"));
        BufferedImage image = TinyModel.image();
        try (Segmenter seg = Segmenter.builder().model(pkg).build()) {
            SegmentationResult r = seg.segmentWithAnswer(ImageSource.of(image), "segment the ships",
                    "the ships [SEG] and the port [SEG]");
            assertEquals(2, r.targets().size());
            for (Target t : r.targets()) {
                assertEquals(image.getWidth(), t.mask().width());
                assertEquals(image.getHeight(), t.mask().height());
                assertTrue(Double.isFinite(t.score()));
            }
        }
    }

    /** Rewrites the projector's flat weight as [16, 80]. */
    private static void reshapeWeight(Path file) {
        try (NDManager m = Engines.newManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            try (Checkpoint c = Checkpoint.open(file, m)) {
                tensors.put("weight", c.get("weight").reshape(16, 80));
                tensors.put("bias", c.get("bias"));
            }
            SafetensorsWriter.write(file, tensors, Map.of());
        }
    }
}
