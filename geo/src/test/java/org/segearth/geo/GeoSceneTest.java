package org.segearth.geo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.geom.AffineTransform;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.segearth.api.InvalidInputException;

class GeoSceneTest {

    @Test
    void readsUtmUint16WithTransformAndNodata() {
        try (GeoScene s = GeoScene.open(Fixtures.geo("spacenet-atlanta-utm16n-uint16.tif"))) {
            assertEquals(256, s.width());
            assertEquals(256, s.height());
            assertEquals(1, s.bandCount());
            assertEquals(GeoScene.SampleType.UINT16, s.sampleType());
            assertEquals(0.0, s.nodata().orElseThrow());
            assertTrue(s.crs().orElseThrow().getName().getCode().contains("UTM zone 16N"), s.crs().get().getName().getCode());
            AffineTransform t = s.pixelToCrs().orElseThrow();
            // the crop starts 300 pixels of 0.5 m right of and below the source's corner (733601, 3725139)
            assertEquals(733751.0, t.getTranslateX(), 1e-6);
            assertEquals(3724989.0, t.getTranslateY(), 1e-6);
            assertEquals(0.5, t.getScaleX(), 1e-12);
            assertEquals(-0.5, t.getScaleY(), 1e-12);
            assertTrue(GeoScene.isGeoTiff(s.file()));
        }
    }

    @Test
    void windowsOfATiledLzwSceneEqualTheWholeRead() {
        try (GeoScene s = GeoScene.open(Fixtures.geo("spacenet-lasvegas-wgs84-uint16-tiled-lzw.tif"))) {
            assertTrue(s.crs().orElseThrow().getName().getCode().contains("WGS 84"));
            float[] whole = s.read(0, 0, 200, 200, new int[] {0})[0];
            int[][] windows = {{0, 0, 64, 64}, {37, 61, 100, 77}, {150, 190, 50, 10}};
            for (int[] w : windows) {
                float[] part = s.read(w[0], w[1], w[2], w[3], new int[] {0})[0];
                float[] expected = new float[w[2] * w[3]];
                for (int y = 0; y < w[3]; y++) {
                    System.arraycopy(whole, (w[1] + y) * 200 + w[0], expected, y * w[2], w[2]);
                }
                assertArrayEquals(expected, part, "window " + java.util.Arrays.toString(w));
            }
            assertTrue(whole[0] > 0 && whole[0] <= 65535);
        }
    }

    @Test
    void readsPackBitsRgbAndRepeatedBands() {
        try (GeoScene s = GeoScene.open(Fixtures.geo("naip-lax-utm11n-rgb8-packbits.tif"))) {
            assertEquals(GeoScene.SampleType.UINT8, s.sampleType());
            assertTrue(s.declaresRgb());
            float[][] rgb = s.read(10, 20, 30, 40, new int[] {2, 1, 0, 2});
            assertEquals(4, rgb.length);
            assertArrayEquals(rgb[0], rgb[3]);
            assertFalse(java.util.Arrays.equals(rgb[0], rgb[1]));
        }
    }

    @Test
    void readsFloat32WithNodata() {
        try (GeoScene s = GeoScene.open(Fixtures.geo("float32-nodata.tif"))) {
            assertEquals(GeoScene.SampleType.FLOAT32, s.sampleType());
            assertEquals(-9999.0, s.nodata().orElseThrow());
            float[][] px = s.read(0, 0, 160, 80, new int[] {0, 1});
            // SIS turns a float band's nodata into NaN; both read as nodata
            assertTrue(Float.isNaN(px[0][0]) || px[0][0] == -9999f, "corner " + px[0][0]);
            assertEquals(0.25f, px[0][40 * 160 + 40]);
            assertEquals(1.5f, px[1][40 * 160 + 40]);
        }
    }

    @Test
    void refusesWhatItCannotReadWithOneLineNamingTheFile() {
        Path int16 = Fixtures.geo("int16.tif");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> GeoScene.open(int16));
        assertTrue(e.getMessage().contains("int16.tif") && e.getMessage().contains("16-bit signed"), e.getMessage());
        Path lambert = Fixtures.geo("lambert93.tif");
        e = assertThrows(InvalidInputException.class, () -> GeoScene.open(lambert).close());
        assertTrue(e.getMessage().contains("lambert93.tif") && e.getMessage().contains("coordinate reference system"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        Path jpeg = Fixtures.geo("jpeg.tif");
        e = assertThrows(InvalidInputException.class, () -> GeoScene.open(jpeg));
        assertTrue(e.getMessage().contains("jpeg.tif uses JPEG compression"), e.getMessage());
        try (GeoScene s = GeoScene.open(Fixtures.geo("spacenet-atlanta-utm16n-uint16.tif"))) {
            e = assertThrows(InvalidInputException.class, () -> s.read(0, 0, 8, 8, new int[] {1}));
            assertTrue(e.getMessage().contains("band 2 does not exist"), e.getMessage());
        }
    }

    @Test
    void aTiffWithoutGeoreferencingIsNotAGeoTiff() {
        assertFalse(GeoScene.isGeoTiff(Fixtures.geo("plain.tif")));
        assertFalse(GeoScene.isGeoTiff(Fixtures.geo("README.md")));
        try (GeoScene s = GeoScene.open(Fixtures.geo("plain.tif"))) {
            assertFalse(s.isGeoreferenced());
            assertEquals(64, s.width());
        }
    }

    @Test
    void stretchUsesPercentilesForSixteenBitsAndRefusesNodataOnly() {
        try (GeoScene s = GeoScene.open(Fixtures.geo("spacenet-atlanta-utm16n-uint16.tif"))) {
            Stretch st = Stretch.auto(s, new int[] {0, 0, 0});
            double lo = st.min()[0];
            double hi = st.max()[0];
            assertTrue(lo > 0 && hi > lo && hi < 65535, st.toString());
            assertEquals(0, st.apply(0, (float) lo));
            assertEquals(255, st.apply(0, (float) hi));
        }
        try (GeoScene s = GeoScene.open(Fixtures.geo("nodata-only.tif"))) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Stretch.auto(s, new int[] {0}));
            assertTrue(e.getMessage().contains("nodata-only.tif") && e.getMessage().contains("only nodata"));
        }
    }

    @Test
    void groundSampleDistanceInMetresForProjectedAndGeographicScenes() {
        try (GeoScene s = GeoScene.open(Fixtures.geo("spacenet-atlanta-utm16n-uint16.tif"))) {
            // 0.5 m pixels in UTM 16N; UTM's scale factor and the sphere keep it within 0.5 %
            assertEquals(0.5, s.groundSampleDistance().orElseThrow(), 0.0025);
        }
        try (GeoScene s = GeoScene.open(Fixtures.geo("spacenet-lasvegas-wgs84-uint16-tiled-lzw.tif"))) {
            // 2.7e-6 degrees a side at latitude 36.1410 (the centre row): shorter east-west than north-south
            double side = Math.toRadians(2.7e-6) * 6371007.1809;
            double expected = Math.sqrt(side * Math.cos(Math.toRadians(36.141257699800001 - 100 * 2.7e-6)) * side);
            assertEquals(expected, s.groundSampleDistance().orElseThrow(), 1e-6);
            assertEquals(0.2698, s.groundSampleDistance().orElseThrow(), 1e-4);
        }
        try (GeoScene s = GeoScene.open(Fixtures.geo("plain.tif"))) {
            assertTrue(s.groundSampleDistance().isEmpty());
        }
    }
}
