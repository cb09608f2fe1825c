package org.segearth.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.segearth.api.Segmenter;

/**
 * GeoTIFF uploads with a segmenter that answers one target covering the whole image: the
 * GeoJSON's polygon is then the scene's footprint, whose corners {@code gdalinfo -json} gives
 * independently ({@code wgs84Extent}). Also a GeoTIFF over the pixel limit and ones the geo module
 * cannot read. The demo model's GeoJSON is checked in {@link ServeApiTest}.
 */
class ServeGeoTiffTest {

    /** UTM 11N, 256 x 256 pixels of 0.6 m, 8-bit RGB. */
    static final String NAIP = "naip-lax-utm11n-rgb8-packbits.tif";
    /** {@code gdalinfo -json}'s wgs84Extent of {@link #NAIP}: upper left, lower left, lower right, upper right. */
    static final double[][] NAIP_CORNERS = {{-118.2553047, 33.9470979}, {-118.2552843, 33.9457129},
        {-118.2536225, 33.9457298}, {-118.2536428, 33.9471148}};

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = ServeGeoTiffTest.class.getResourceAsStream("/org/segearth/serve/geo/" + name)) {
            if (in == null) {
                throw new IllegalStateException("test resource geo/" + name + " is missing");
            }
            return in.readAllBytes();
        }
    }

    private static SegEarthServer start(ServeConfig config) throws Exception {
        ServeLimitsTest.HeldSegmenter whole = new ServeLimitsTest.HeldSegmenter();
        whole.release();
        SegEarthServer server = SegEarthServer.start(config.withPort(0), () -> whole, Segmenter.builder().settings(),
                "a segmenter that answers the whole image");
        server.awaitReady(Duration.ofMinutes(1));
        return server;
    }

    /** The ring's positions as [lon, lat] pairs, without the closing one. */
    private static double[][] positions(JsonArray ring) {
        double[][] out = new double[ring.size() - 1][];
        for (int i = 0; i < out.length; i++) {
            JsonArray p = ring.get(i).getAsJsonArray();
            out[i] = new double[] {p.get(0).getAsDouble(), p.get(1).getAsDouble()};
        }
        return out;
    }

    @Test
    void aUtmGeoTiffGetsItsFootprintAsGeoJsonInLonLat() throws Exception {
        try (SegEarthServer server = start(ServeConfig.defaults())) {
            Http.Answer a = Http.segment(server.port(), fixture(NAIP), Http.fields("instruction", "the airport"));
            assertEquals(200, a.status(), String.valueOf(a.json()));
            JsonObject r = a.json();
            assertEquals(256, r.get("width").getAsInt());
            assertEquals(1, r.getAsJsonArray("targets").size());
            assertTrue(r.getAsJsonObject("timings").has("geojson_ms"));
            JsonObject fc = r.getAsJsonObject("geojson");
            assertEquals("FeatureCollection", fc.get("type").getAsString());
            JsonArray features = fc.getAsJsonArray("features");
            assertEquals(1, features.size(), fc.toString());
            JsonObject feature = features.get(0).getAsJsonObject();
            JsonObject props = feature.getAsJsonObject("properties");
            assertEquals("the airport", props.get("phrase").getAsString());
            assertEquals(1.0, props.get("score").getAsDouble());
            assertEquals(0, props.get("target").getAsInt());
            // 256 x 256 pixels of 0.6 m in UTM
            assertEquals(256 * 256 * 0.36, props.get("area_m2").getAsDouble(), 0.05);
            JsonArray rings = feature.getAsJsonObject("geometry").getAsJsonArray("coordinates");
            assertEquals(1, rings.size());
            double[][] corners = positions(rings.get(0).getAsJsonArray());
            assertEquals(4, corners.length);
            // the same four corners as GDAL's (7 decimals), in counter-clockwise order from one of them
            int start = -1;
            for (int i = 0; i < 4; i++) {
                if (Math.abs(corners[i][0] - NAIP_CORNERS[0][0]) < 2e-7 && Math.abs(corners[i][1] - NAIP_CORNERS[0][1]) < 2e-7) {
                    start = i;
                }
            }
            assertTrue(start >= 0, "the upper left corner is a vertex: " + rings);
            for (int k = 0; k < 4; k++) {
                double[] c = corners[(start + k) % 4];
                assertEquals(NAIP_CORNERS[k][0], c[0], 2e-7, "corner " + k + " longitude");
                assertEquals(NAIP_CORNERS[k][1], c[1], 2e-7, "corner " + k + " latitude");
            }
        }
    }

    @Test
    void aSixteenBitWgs84GeoTiffIsStretchedAndGetsGeodesicAreas() throws Exception {
        try (SegEarthServer server = start(ServeConfig.defaults())) {
            Http.Answer a = Http.segment(server.port(), fixture("spacenet-lasvegas-wgs84-uint16-tiled-lzw.tif"),
                    Http.fields("instruction", "roads"));
            assertEquals(200, a.status(), String.valueOf(a.json()));
            JsonArray features = a.json().getAsJsonObject("geojson").getAsJsonArray("features");
            assertEquals(1, features.size());
            // 200 x 200 pixels of 2.7e-6 degrees at 36.14 N: about 60 m x 48.5 m
            double area = features.get(0).getAsJsonObject().getAsJsonObject("properties").get("area_m2").getAsDouble();
            assertTrue(area > 2850 && area < 2960, area + " m2");
        }
    }

    @Test
    void plainImagesGetNoGeoJson() throws Exception {
        try (SegEarthServer server = start(ServeConfig.defaults())) {
            Http.Answer a = Http.segment(server.port(), Http.example("dubai-tile1-part001.jpg"),
                    Http.fields("instruction", "water"));
            assertEquals(200, a.status());
            assertFalse(a.json().has("geojson"));
        }
    }

    @Test
    void geoTiffsOverThePixelLimitAre413AndUnreadableOnes400() throws Exception {
        try (SegEarthServer server = start(ServeConfig.defaults().withLimits(1 << 20, 200 * 200))) {
            Http.Answer big = Http.segment(server.port(), fixture(NAIP), Http.fields("instruction", "the airport"));
            assertEquals(413, big.status());
            assertEquals("image: 256x256 = 65536 pixels, more than this service's limit of 40000 pixels; send a smaller"
                    + " scene, or segment it tile by tile with 'segearth segment --image scene.tif'",
                    big.json().get("error").getAsString());

            Http.Answer jpeg = Http.segment(server.port(), fixture("jpeg.tif"), Http.fields("instruction", "x"));
            assertEquals(400, jpeg.status());
            assertTrue(jpeg.json().get("error").getAsString().startsWith("image uses JPEG compression, which is not"
                    + " supported"), jpeg.json().toString());
            Http.Answer lambert = Http.segment(server.port(), fixture("lambert93.tif"), Http.fields("instruction", "x"));
            assertEquals(400, lambert.status());
            String why = lambert.json().get("error").getAsString();
            assertTrue(why.startsWith("image: its coordinate reference system is not supported"), why);
            assertFalse(why.contains("segearth-upload"), why);
            Http.Answer nodata = Http.segment(server.port(), fixture("nodata-only.tif"), Http.fields("instruction", "x"));
            assertEquals(400, nodata.status());
            assertTrue(nodata.json().get("error").getAsString().startsWith("image holds only nodata (0.0)"),
                    nodata.json().toString());

            // the service goes on: a GeoTIFF within the limit
            Http.Answer ok = Http.segment(server.port(), fixture("spacenet-lasvegas-wgs84-uint16-tiled-lzw.tif"),
                    Http.fields("instruction", "roads"));
            assertEquals(200, ok.status());
        }
    }

    /** Every member of a result the service gives is in the OpenAPI description's Result schema. */
    @Test
    void theOpenApiResultSchemaNamesEveryMember() throws Exception {
        try (SegEarthServer server = start(ServeConfig.defaults())) {
            JsonObject schemas = Http.get(server.port(), SegEarthServer.OPENAPI_PATH).json()
                    .getAsJsonObject("components").getAsJsonObject("schemas");
            JsonObject described = schemas.getAsJsonObject("Result").getAsJsonObject("properties");
            JsonObject r = Http.segment(server.port(), fixture(NAIP), Http.fields("instruction", "the airport",
                    "heatmaps", "true", "preview", "true")).json();
            assertTrue(r.has("geojson") && r.has("preview"), r.keySet().toString());
            for (String key : r.keySet()) {
                assertTrue(described.has(key), "'" + key + "' is not in the Result schema");
            }
            JsonObject targetProps = schemas.getAsJsonObject("Target").getAsJsonObject("properties");
            for (String key : r.getAsJsonArray("targets").get(0).getAsJsonObject().keySet()) {
                assertTrue(targetProps.has(key), "'" + key + "' is not in the Target schema");
            }
            // the preview is the scene as the model got it: a PNG of the same size
            String preview = r.get("preview").getAsString();
            assertTrue(preview.startsWith("data:image/png;base64,"), preview.substring(0, 40));
            var png = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(java.util.Base64.getDecoder()
                    .decode(preview.substring(preview.indexOf(',') + 1))));
            assertEquals(256, png.getWidth());
            assertEquals(256, png.getHeight());
            JsonObject featureProps = schemas.getAsJsonObject("Feature").getAsJsonObject("properties")
                    .getAsJsonObject("properties").getAsJsonObject("properties");
            for (JsonElement f : r.getAsJsonObject("geojson").getAsJsonArray("features")) {
                for (String key : f.getAsJsonObject().getAsJsonObject("properties").keySet()) {
                    assertTrue(featureProps.has(key), "feature property '" + key + "' is not in the Feature schema");
                }
            }
        }
    }
}
