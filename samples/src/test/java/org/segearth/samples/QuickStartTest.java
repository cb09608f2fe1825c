package org.segearth.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.api.Target;
import org.segearth.runtime.render.Overlay;

/** {@link QuickStart} on the tiny model and a Dubai tile. */
class QuickStartTest {

    @TempDir
    Path dir;

    @Test
    void teacherForcedAnswerGivesItsTargetsAndAnOverlay() throws IOException {
        Path image = Fixtures.dubaiImage(1);
        Path overlay = dir.resolve("overlay.png");
        SegmentationResult r;
        try (Segmenter segmenter = Segmenter.builder().model(Fixtures.tinyModel(dir)).build()) {
            r = QuickStart.run(segmenter, image, "segment the buildings and the roads",
                    "the buildings [SEG] and the roads [SEG]", overlay);
        }
        assertEquals(List.of("the buildings", "and the roads"), r.targets().stream().map(Target::phrase).toList());
        BufferedImage source = ImageIO.read(image.toFile());
        BufferedImage picture = ImageIO.read(overlay.toFile());
        assertEquals(source.getWidth(), picture.getWidth());
        assertEquals(source.getHeight() + Overlay.legendHeight(r.targets(), source.getWidth()), picture.getHeight(),
                "the image, then the legend below it");
        for (Target t : r.targets()) {
            assertEquals(source.getWidth(), t.mask().width());
            assertEquals(t.mask().box(), t.box());
        }
        // a target's outline pixels carry exactly its colour
        Target drawn = r.targets().stream().filter(t -> !t.mask().isEmpty()).findFirst().orElseThrow();
        assertTrue(countColour(picture, Overlay.colour(drawn.index()).getRGB()) > 0, "outline of target " + drawn.index());
    }

    @Test
    void generativeModeGivesOneTargetPerSegOfTheAnswer() {
        Path overlay = dir.resolve("generated.png");
        SegmentationResult r;
        try (Segmenter segmenter = Segmenter.builder().model(Fixtures.tinyModel(dir)).maxNewTokens(16).build()) {
            r = QuickStart.run(segmenter, Fixtures.dubaiImage(2), "segment the water", null, overlay);
        }
        assertEquals(r.answer().split("\\[SEG]", -1).length - 1, r.targets().size(), r.answer());
        assertTrue(Files.isRegularFile(overlay));
        assertNotEquals(0, r.timings().size());
    }

    private static long countColour(BufferedImage image, int argb) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (argb & 0xFFFFFF)) {
                    n++;
                }
            }
        }
        return n;
    }
}
