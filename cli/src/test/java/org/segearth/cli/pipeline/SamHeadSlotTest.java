package org.segearth.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.ImageSource;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.api.Target;

/** The SAM head plugs into the head slot: the tiny LLM with the {@code sam} golden's SAM as mask encoder and head. */
class SamHeadSlotTest {

    @TempDir
    Path dir;

    @Test
    void samHeadGivesOneMaskPerSegWithItsIouScore() {
        Path pkg = TinyModel.createWithSam(dir);
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
}
