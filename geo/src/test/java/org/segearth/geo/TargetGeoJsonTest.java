package org.segearth.geo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.segearth.api.ImageSource;
import org.segearth.api.InvalidInputException;
import org.segearth.api.Mask;
import org.segearth.api.SegEarthException;
import org.segearth.api.Target;

class TargetGeoJsonTest {

    private static Target target(int index, String phrase, double score, Mask mask) {
        return new Target(index, phrase, mask, score, Optional.empty());
    }

    private static Mask rectangles(int width, int height, int[]... xywh) {
        Mask.Builder b = Mask.builder(width, height);
        for (int[] r : xywh) {
            for (int y = r[1]; y < r[1] + r[3]; y++) {
                for (int x = r[0]; x < r[0] + r[2]; x++) {
                    b.set(x, y, r.length < 5 || r[4] != 0);
                }
            }
        }
        return b.build();
    }

    /** Twice the signed area of a ring in lon/lat (positive: counter-clockwise). */
    private static double signedArea(JsonArray ring) {
        double s = 0;
        for (int i = 0; i + 1 < ring.size(); i++) {
            JsonArray p = ring.get(i).getAsJsonArray();
            JsonArray q = ring.get(i + 1).getAsJsonArray();
            s += p.get(0).getAsDouble() * q.get(1).getAsDouble() - q.get(0).getAsDouble() * p.get(1).getAsDouble();
        }
        return s;
    }

    @Test
    void utmMasksBecomeLonLatPolygonsWithHolesPhrasesAndPlanarAreas() {
        try (GeoScene scene = GeoScene.open(Fixtures.geo("naip-lax-utm11n-rgb8-packbits.tif"))) {
            // target 0: 50 x 30 pixels at (10, 20) with a 10 x 10 hole at (30, 30); target 1: two squares; target 2: empty
            Mask withHole = rectangles(256, 256, new int[] {10, 20, 50, 30}, new int[] {30, 30, 10, 10, 0});
            Mask twoParts = rectangles(256, 256, new int[] {200, 200, 8, 8}, new int[] {100, 150, 4, 4});
            String text = TargetGeoJson.on(scene).featureCollection(List.of(target(0, "runway \"27L\"", 0.9, withHole),
                    target(1, "planes", 0.5, twoParts), target(2, "ships", 0.1, Mask.empty(256, 256))));
            JsonObject fc = JsonParser.parseString(text).getAsJsonObject();
            assertEquals("FeatureCollection", fc.get("type").getAsString());
            assertTrue(!fc.has("crs"), "RFC 7946: WGS 84 longitude/latitude, no crs member");
            JsonArray features = fc.getAsJsonArray("features");
            assertEquals(3, features.size(), text);

            JsonObject first = features.get(0).getAsJsonObject();
            JsonObject props = first.getAsJsonObject("properties");
            assertEquals("runway \"27L\"", props.get("phrase").getAsString());
            assertEquals(0.9, props.get("score").getAsDouble(), 1e-9);
            assertEquals(0, props.get("target").getAsInt());
            // UTM 11N, 0.6 m pixels: (1500 - 100) pixels of 0.36 m2
            assertEquals(1400 * 0.36, props.get("area_m2").getAsDouble(), 0.01);
            JsonObject geometry = first.getAsJsonObject("geometry");
            assertEquals("Polygon", geometry.get("type").getAsString());
            JsonArray rings = geometry.getAsJsonArray("coordinates");
            assertEquals(2, rings.size(), "the exterior and one hole");
            JsonArray exterior = rings.get(0).getAsJsonArray();
            assertEquals(5, exterior.size(), "a rectangle: 4 corners and the closing point");
            assertTrue(signedArea(exterior) > 0, "exterior counter-clockwise");
            assertTrue(signedArea(rings.get(1).getAsJsonArray()) < 0, "hole clockwise");
            // corners (10, 20) and (60, 50) in lon/lat, as gdaltransform -s_srs EPSG:32611 -t_srs EPSG:4326 gives them
            double[][] expected = {{-118.255238162624, 33.9469903312346}, {-118.254911201247, 33.9468313377933}};
            for (double[] corner : expected) {
                boolean found = false;
                for (var p : exterior) {
                    JsonArray c = p.getAsJsonArray();
                    found |= Math.abs(c.get(0).getAsDouble() - corner[0]) < 1e-7
                            && Math.abs(c.get(1).getAsDouble() - corner[1]) < 1e-7;
                }
                assertTrue(found, "corner " + corner[0] + "," + corner[1] + " in " + exterior);
            }

            double twoPartArea = 0;
            for (int i = 1; i < 3; i++) {
                JsonObject p = features.get(i).getAsJsonObject().getAsJsonObject("properties");
                assertEquals(1, p.get("target").getAsInt());
                assertEquals("planes", p.get("phrase").getAsString());
                twoPartArea += p.get("area_m2").getAsDouble();
            }
            assertEquals((64 + 16) * 0.36, twoPartArea, 0.01);
        }
    }

    @Test
    void targetsOfOnePhraseBecomeOneAsOnTheScenePath() {
        try (GeoScene scene = GeoScene.open(Fixtures.geo("naip-lax-utm11n-rgb8-packbits.tif"))) {
            // "water" twice (overlapping squares), then "roads": two targets, the union and the area-weighted score
            Mask a = rectangles(256, 256, new int[] {10, 10, 20, 20});
            Mask b = rectangles(256, 256, new int[] {20, 20, 20, 20});
            Mask c = rectangles(256, 256, new int[] {100, 100, 10, 10});
            List<Target> targets = List.of(target(0, "water", 0.9, a), target(1, "roads", 0.5, c),
                    target(2, "the Water", 0.6, b));
            List<Target> grouped = TargetGeoJson.byPhrase(targets);
            assertEquals(2, grouped.size());
            assertEquals("water", grouped.get(0).phrase());
            assertEquals(0, grouped.get(0).index());
            assertEquals(a.or(b), grouped.get(0).mask());
            assertEquals((0.9 * 400 + 0.6 * 400) / 800, grouped.get(0).score(), 1e-12);
            assertEquals("roads", grouped.get(1).phrase());
            assertEquals(1, grouped.get(1).index());
            assertEquals(0.5, grouped.get(1).score(), 1e-12);

            JsonArray features = JsonParser.parseString(TargetGeoJson.on(scene).featureCollection(targets))
                    .getAsJsonObject().getAsJsonArray("features");
            assertEquals(2, features.size(), "one polygon for the union of the two water squares, one for the road");
            JsonObject water = features.get(0).getAsJsonObject().getAsJsonObject("properties");
            assertEquals(0, water.get("target").getAsInt());
            assertEquals((800 - 100) * 0.36, water.get("area_m2").getAsDouble(), 0.01, "overlap counted once");
            assertEquals(1, features.get(1).getAsJsonObject().getAsJsonObject("properties").get("target").getAsInt());
            // every mask empty: the highest score
            assertEquals(0.7, TargetGeoJson.byPhrase(List.of(target(0, "ships", 0.2, Mask.empty(8, 8)),
                    target(1, "ships", 0.7, Mask.empty(8, 8)))).get(0).score(), 1e-12);
        }
    }

    @Test
    void geographicScenesGetGeodesicAreasAndNoTargetsAnEmptyCollection() {
        try (GeoScene scene = GeoScene.open(Fixtures.geo("spacenet-lasvegas-wgs84-uint16-tiled-lzw.tif"))) {
            TargetGeoJson vectors = TargetGeoJson.on(scene, 0);
            String text = vectors.featureCollection(List.of(target(0, "all", 1, rectangles(200, 200,
                    new int[] {0, 0, 200, 200}))));
            JsonArray features = JsonParser.parseString(text).getAsJsonObject().getAsJsonArray("features");
            assertEquals(1, features.size());
            // 0.00054 degrees square at 36.14 N: meridian radius M and prime vertical N of WGS 84
            double lat = Math.toRadians(36.1409877);
            double e2 = 0.00669437999014;
            double a = 6378137;
            double w = 1 - e2 * Math.sin(lat) * Math.sin(lat);
            double m = a * (1 - e2) / Math.pow(w, 1.5);
            double n = a / Math.sqrt(w);
            double side = Math.toRadians(0.00054);
            double expected = side * m * side * n * Math.cos(lat);
            double area = features.get(0).getAsJsonObject().getAsJsonObject("properties").get("area_m2").getAsDouble();
            assertEquals(expected, area, expected * 0.003, "geodesic area within 0.3 %");
            JsonArray ring = features.get(0).getAsJsonObject().getAsJsonObject("geometry").getAsJsonArray("coordinates")
                    .get(0).getAsJsonArray();
            assertArrayEquals(new double[] {-115.2327276, 36.1412577}, new double[] {
                ring.get(0).getAsJsonArray().get(0).getAsDouble(), ring.get(0).getAsJsonArray().get(1).getAsDouble()},
                    1e-9);

            String none = vectors.featureCollection(List.of());
            assertEquals(0, JsonParser.parseString(none).getAsJsonObject().getAsJsonArray("features").size());
            SegEarthException e = assertThrows(SegEarthException.class,
                    () -> vectors.featureCollection(List.of(target(0, "x", 1, Mask.empty(100, 200)))));
            assertTrue(e.getMessage().contains("100x200"), e.getMessage());
        }
    }

    @Test
    void aPlainTiffHasNoGeoJson() {
        try (GeoScene scene = GeoScene.open(Fixtures.geo("plain.tif"))) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> TargetGeoJson.on(scene));
            assertTrue(e.getMessage().contains("without georeferencing"), e.getMessage());
        }
    }

    @Test
    void sceneImageKeepsEightBitRgbAndStretchesSixteenBitGray() {
        try (GeoScene scene = GeoScene.open(Fixtures.geo("naip-lax-utm11n-rgb8-packbits.tif"))) {
            ImageSource image = SceneImage.read(scene);
            float[][] bands = scene.read(0, 0, 256, 256, new int[] {0, 1, 2});
            byte[] rgb = pixels(image);
            assertEquals(256 * 256 * 3, rgb.length);
            for (int i = 0; i < 256 * 256; i += 97) {
                for (int b = 0; b < 3; b++) {
                    assertEquals((int) bands[b][i], rgb[3 * i + b] & 0xFF, "pixel " + i + " band " + b);
                }
            }
        }
        try (GeoScene scene = GeoScene.open(Fixtures.geo("spacenet-atlanta-utm16n-uint16.tif"))) {
            byte[] rgb = pixels(SceneImage.read(scene));
            Stretch stretch = Stretch.auto(scene, new int[] {0, 0, 0});
            float[] band = scene.read(0, 0, 256, 256, new int[] {0})[0];
            int dark = 0;
            int bright = 0;
            for (int i = 0; i < 256 * 256; i++) {
                int expected = band[i] == 0 ? 0 : stretch.apply(0, band[i]); // nodata 0 stays black
                assertEquals(expected, rgb[3 * i] & 0xFF, "pixel " + i);
                assertEquals(rgb[3 * i], rgb[3 * i + 1]);
                assertEquals(rgb[3 * i], rgb[3 * i + 2]);
                dark += expected == 0 ? 1 : 0;
                bright += expected == 255 ? 1 : 0;
            }
            // the 2-98 % stretch clips about 2 % at each end
            assertTrue(dark < 256 * 256 / 10 && bright < 256 * 256 / 10, dark + " black, " + bright + " white");
        }
    }

    private static byte[] pixels(ImageSource image) {
        return ((ImageSource.Rgb) image).rgb();
    }
}
