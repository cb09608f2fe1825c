package org.segearth.runtime.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
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
    void labelsOfBoxesSharingACornerDoNotOverlap() {
        List<java.awt.Rectangle> placed = new java.util.ArrayList<>();
        placed.add(Overlay.place(placed, 0, 0, 80, 12, 100));
        placed.add(Overlay.place(placed, 0, 0, 60, 12, 100));
        placed.add(Overlay.place(placed, 200, 0, 60, 12, 100));
        assertEquals(List.of(0, 12, 0), placed.stream().map(r -> r.y).toList());
        // no room below: it stays where it is
        assertEquals(0, Overlay.place(List.of(new java.awt.Rectangle(0, 0, 80, 12)), 0, 0, 60, 12, 20).y);
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
}
