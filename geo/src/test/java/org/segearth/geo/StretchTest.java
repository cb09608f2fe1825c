package org.segearth.geo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntBinaryOperator;
import org.junit.jupiter.api.Test;

class StretchTest {

    /** The 2nd and 98th percentiles (nearest rank, rounded outwards) of {@code f} over a w x h grid. */
    private static double[] percentiles(int w, int h, IntBinaryOperator f) {
        float[] v = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                v[y * w + x] = f.applyAsInt(x, y);
            }
        }
        Arrays.sort(v);
        int n = v.length;
        return new double[] {v[(int) Math.floor((n - 1) * 0.02)], v[(int) Math.ceil((n - 1) * 0.98)]};
    }

    /** The same over the 16 windows of 256 x 256 on a 4 x 4 grid of a {@code side} x {@code side} scene. */
    private static double[] windowPercentiles(int side, IntBinaryOperator f) {
        int[] starts = new int[4];
        for (int g = 0; g < 4; g++) {
            starts[g] = (side - 256) * (2 * g + 1) / 8;
        }
        return percentiles(256 * 16, 256, (x, y) -> {
            int window = x / 256;
            return f.applyAsInt(starts[window % 4] + x % 256, starts[window / 4] + y);
        });
    }

    @Test
    void aCloudOptimizedGeoTiffIsStretchedFromItsSmallestOverviewOfAtLeast256Squared() {
        // 1024 x 1024 UInt16: 1000 + (x + y) / 2 at full resolution; its overviews (512, 256, 128)
        // were made from another image, 5000 + x / 8 + y / 8, so that each path's numbers are its own
        try (GeoScene s = GeoScene.open(Fixtures.geo("cog-uint16-overviews.tif"))) {
            List<int[]> overviews = s.overviews();
            assertEquals(3, overviews.size());
            assertArrayEquals(new int[] {256, 256}, overviews.get(1));
            float[] level2 = s.readOverview(2, new int[] {0})[0];
            assertEquals(256 * 256, level2.length);
            assertEquals(5000 + 100 / 2 + 7 / 2, level2[7 * 256 + 100], "overview pixel (100, 7)");

            double[] fromOverview = percentiles(256, 256, (x, y) -> 5000 + x / 2 + y / 2);
            Stretch auto = Stretch.auto(s, new int[] {0, 0, 0});
            for (int b = 0; b < 3; b++) {
                assertEquals(fromOverview[0], auto.min()[b], 0, auto.toString());
                assertEquals(fromOverview[1], auto.max()[b], 0, auto.toString());
            }
            Stretch windows = Stretch.percentiles(s, new int[] {0}, 2, 98);
            double[] fromWindows = windowPercentiles(1024, (x, y) -> 1000 + (x + y) / 2);
            assertArrayEquals(new double[] {fromWindows[0]}, windows.min(), 0, windows.toString());
            assertArrayEquals(new double[] {fromWindows[1]}, windows.max(), 0, windows.toString());
        }
    }

    @Test
    void overviewsBelow256SquaredAndScenesWithoutOverviewsUseTheWindows() {
        // 384 x 384, 1000 + (x + y) / 2, one overview of 192 x 192: too small to stand for the scene
        try (GeoScene s = GeoScene.open(Fixtures.geo("cog-uint16-small-overview.tif"))) {
            assertEquals(1, s.overviews().size());
            assertArrayEquals(new int[] {192, 192}, s.overviews().get(0));
            assertTrue(Stretch.overviewPercentiles(s, new int[] {0}, 2, 98).isEmpty());
            Stretch auto = Stretch.auto(s, new int[] {0});
            double[] fromWindows = windowPercentiles(384, (x, y) -> 1000 + (x + y) / 2);
            assertArrayEquals(new double[] {fromWindows[0]}, auto.min(), 0, auto.toString());
            assertArrayEquals(new double[] {fromWindows[1]}, auto.max(), 0, auto.toString());
        }
        try (GeoScene s = GeoScene.open(Fixtures.geo("spacenet-atlanta-utm16n-uint16.tif"))) {
            assertTrue(s.overviews().isEmpty());
            assertEquals(Stretch.percentiles(s, new int[] {0}, 2, 98).toString(), Stretch.auto(s, new int[] {0}).toString());
        }
    }
}
