package org.segearth.geo.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.geo.GeoScene;

class TileBlenderTest {

    @Test
    void overlapsBlendOnLogitsNotOnBits(@TempDir Path dir) throws Exception {
        // a 10 x 4 scene in two tiles sharing columns 4 and 5: the left tile says +2, the right -3
        int width = 10;
        int height = 4;
        QuickLook quick = new QuickLook(width, height);
        List<TileBlender.Blend> blends;
        try (TileBlender blender = new TileBlender(width, height, height, dir, null, quick)) {
            float[] rampY = TileLayout.ramp(0, height, height, 2);
            float[] left = new float[6 * height];
            float[] right = new float[6 * height];
            Arrays.fill(left, 2f);
            Arrays.fill(right, -3f);
            blender.add("x", 0, 0, 6, height, left, TileLayout.ramp(0, 6, width, 2), rampY, 0.8, 24);
            blender.add("x", 4, 0, 6, height, right, TileLayout.ramp(4, 6, width, 2), rampY, 0.2, 0);
            blender.finishRows(height);
            blends = blender.finish();
        }
        // column 4: 0.75 * 2 + 0.25 * -3 > 0; column 5: 0.25 * 2 + 0.75 * -3 < 0 (OR-ed bits would keep both)
        TileBlender.Blend b = blends.get(0);
        assertEquals(5L * height, b.pixels());
        assertEquals(0.8, b.score(), 1e-12, "scores weighted by each tile's mask area");
        try (GeoScene mask = GeoScene.open(b.file())) {
            float[] row = Arrays.copyOf(mask.read(0, 0, width, height, new int[] {0})[0], width);
            assertArrayEquals(new float[] {255, 255, 255, 255, 255, 0, 0, 0, 0, 0}, row);
        }
        assertEquals(1, b.polygons().polygons().size());
        assertEquals(20.0, b.polygons().polygons().get(0).getArea(), 1e-12);
    }

    @Test
    void rampsAreFullAtTheSceneEdgeAndFadeWhereTilesMeet() {
        float[] r = TileLayout.ramp(0, 8, 20, 4);
        assertEquals(1f, r[0]);
        assertEquals(0.125f, r[7], 1e-6);
        assertArrayEquals(new int[] {0, 6, 12}, TileLayout.starts(20, 8, 6));
        assertArrayEquals(new int[] {0}, TileLayout.starts(5, 5, 6));
    }
}
