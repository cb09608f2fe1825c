package org.segearth.runtime.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.Box;
import org.segearth.api.Mask;
import org.segearth.api.SegEarthException;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Target;
import org.segearth.runtime.data.CocoMasks;

class RenderTest {

    private static Target square(int index, int x, int y, int size, int w, int h) {
        Mask mask = Mask.builder(w, h).fill(new Box(x, y, size, size)).build();
        return new Target(index, "thing " + index, mask, 0.75, Optional.empty());
    }

    @Test
    void overlayTintsMaskPixelsOnly() {
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        Target t = square(0, 10, 12, 8, 40, 30);
        BufferedImage out = Overlay.render(image, List.of(t));
        assertEquals(0, out.getRGB(2, 28) & 0xFFFFFF, "outside every mask the image is unchanged");
        assertEquals(Overlay.colour(0).getRGB() & 0xFFFFFF, out.getRGB(10, 19) & 0xFFFFFF, "outline in the target's colour");
        int inside = out.getRGB(14, 16) & 0xFFFFFF;
        assertNotEquals(0, inside);
        assertNotEquals(Overlay.colour(0).getRGB() & 0xFFFFFF, inside, "the inside is blended, not painted");
    }

    @Test
    void theLegendIsBelowTheImageAndCoversNoPixelOfIt() {
        BufferedImage image = new BufferedImage(128, 103, BufferedImage.TYPE_INT_RGB);
        List<Target> targets = List.of(square(0, 0, 0, 20, 128, 103), square(1, 100, 0, 20, 128, 103),
                new Target(2, "a very long phrase that cannot fit in a picture this narrow at all", Mask.builder(128, 103)
                        .fill(new Box(50, 50, 4, 4)).build(), 0.5, Optional.empty()));
        BufferedImage out = Overlay.render(image, targets);
        int legend = Overlay.legendHeight(targets, 128);
        assertEquals(128, out.getWidth());
        assertEquals(103 + legend, out.getHeight());
        assertTrue(legend <= 3 * 20, "three one-line entries, got " + legend + " rows");
        // the image region outside the masks is the image: no label drawn over it
        for (int y = 0; y < 103; y++) {
            for (int x = 22; x < 98; x++) {
                if (x < 49 || x > 54 || y < 49 || y > 54) {
                    assertEquals(0, out.getRGB(x, y) & 0xFFFFFF, "pixel " + x + "," + y);
                }
            }
        }
        // each target's swatch is in the strip
        for (Target t : targets) {
            int c = Overlay.colour(t.index()).getRGB() & 0xFFFFFF;
            boolean found = false;
            for (int y = 103; y < out.getHeight() && !found; y++) {
                for (int x = 0; x < 128 && !found; x++) {
                    found = (out.getRGB(x, y) & 0xFFFFFF) == c;
                }
            }
            assertTrue(found, "swatch of target " + t.index());
        }
        // a wide image lays the entries out side by side
        assertEquals(Overlay.legendHeight(targets.subList(0, 1), 1500), Overlay.legendHeight(targets.subList(0, 2), 1500));
    }

    @Test
    void heatmapsUseViridisBlendedOverTheImage() {
        int low = AttentionHeatmap.colour(0);   // matplotlib's viridis(0) is #440154
        assertEquals(0x44, (low >> 16) & 0xFF, 4);
        assertEquals(0x01, (low >> 8) & 0xFF, 4);
        assertEquals(0x54, low & 0xFF, 4);
        int top = AttentionHeatmap.colour(1);
        assertTrue(((top >> 16) & 0xFF) > 240 && ((top >> 8) & 0xFF) > 220 && (top & 0xFF) < 50, Integer.toHexString(top));
        // a 2x2 grid, hot in its top-left cell, over a mid-grey 40x40 image
        BufferedImage image = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 40; x++) {
                image.setRGB(x, y, 0x808080);
            }
        }
        BufferedImage out = AttentionHeatmap.render(image, new org.segearth.api.Heatmap(2, 2, new float[] {1, 0, 0, 0}));
        assertEquals(40, out.getWidth());
        assertEquals(40, out.getHeight());
        int hot = out.getRGB(2, 2);
        int cold = out.getRGB(37, 37);
        assertTrue(((hot >> 8) & 0xFF) > ((cold >> 8) & 0xFF) && (hot & 0xFF) < (cold & 0xFF), "hot is yellow, cold is blue");
        assertNotEquals(0x808080, cold & 0xFFFFFF, "the colour is blended everywhere");
        // bilinear, not a stretched grid: the values change inside a cell's span
        assertNotEquals(out.getRGB(12, 5), out.getRGB(16, 5));
    }

    @Test
    void overlayRejectsMasksOfAnotherSize() {
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        assertThrows(SegEarthException.class, () -> Overlay.render(image, List.of(square(0, 1, 1, 2, 20, 20))));
    }

    @Test
    void jsonCarriesTargetsWithRleMasks() {
        Target t = square(0, 3, 4, 5, 20, 10);
        SegmentationResult r = new SegmentationResult("the thing [SEG]", List.of(t), 20, 10,
                List.of(new SegmentationResult.Timing("generate", Duration.ofMillis(12))));
        JsonObject json = ResultJson.toJsonObject(r);
        assertEquals("the thing [SEG]", json.get("answer").getAsString());
        JsonObject target = json.getAsJsonArray("targets").get(0).getAsJsonObject();
        assertEquals(25, target.get("area").getAsLong());
        assertEquals("[3,4,5,5]", target.get("box").toString());
        Mask back = CocoMasks.fromJson(target.get("mask"), 10, 20);
        assertEquals(t.mask(), back);
        assertEquals(12.0, json.getAsJsonObject("timings").get("generate_ms").getAsDouble());
    }

    @Test
    void theOverlayWrittenRowByRowIsTheRenderedPicture(@TempDir Path dir) throws Exception {
        int w = 97;
        int h = 61;
        byte[] rgb = new byte[w * h * 3];
        new java.util.Random(5).nextBytes(rgb);
        BufferedImage picture = org.segearth.runtime.image.RgbImage.of(w, h, rgb).toBufferedImage();
        List<Target> targets = List.of(square(0, 0, 0, 30, w, h), square(1, 20, 10, 40, w, h),
                square(2, 60, 40, 37, w, h));
        BufferedImage rendered = Overlay.render(picture, targets);
        Path file = dir.resolve("overlay.png");
        Overlay.writePng(picture, targets, file);
        BufferedImage written = ImageIO.read(file.toFile());
        assertEquals(rendered.getWidth(), written.getWidth());
        assertEquals(rendered.getHeight(), written.getHeight());
        for (int y = 0; y < rendered.getHeight(); y++) {
            for (int x = 0; x < w; x++) {
                if (rendered.getRGB(x, y) != written.getRGB(x, y)) {
                    assertEquals(rendered.getRGB(x, y), written.getRGB(x, y), "pixel " + x + "," + y);
                }
            }
        }
        assertThrows(SegEarthException.class, () -> Overlay.writePng(picture,
                List.of(square(0, 0, 0, 3, w + 1, h)), dir.resolve("bad.png")));
    }
}
