package org.segearth.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.segearth.api.Segmenter;
import org.segearth.runtime.data.CocoMasks;

/** The REST API on the embedded demo model: every route, the OpenAPI description, bad requests. */
class ServeApiTest {

    private static SegEarthServer server;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        server = SegEarthServer.start(ServeConfig.defaults().withPort(0),
                Segmenter.builder().attentionHeatmaps(true), "the embedded demo model");
        port = server.port();
        server.awaitReady(Duration.ofMinutes(5));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void openApiDescribesExactlyTheRegisteredHandlers() throws Exception {
        Http.Answer a = Http.get(port, SegEarthServer.OPENAPI_PATH);
        assertEquals(200, a.status());
        Set<String> described = new TreeSet<>();
        for (Map.Entry<String, JsonElement> path : a.json().getAsJsonObject("paths").entrySet()) {
            for (String method : path.getValue().getAsJsonObject().keySet()) {
                described.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
            }
        }
        Set<String> registered = new TreeSet<>(server.routes());
        assertEquals(registered, described);
        assertTrue(registered.contains("POST /v1/segment"), registered.toString());
        registered.forEach(r -> assertTrue(r.split(" ")[1].startsWith("/v1/"), r + " is not versioned"));
    }

    @Test
    void healthReadyAndModel() throws Exception {
        assertEquals("ok", Http.get(port, "/v1/health").json().get("status").getAsString());
        assertTrue(Http.get(port, "/v1/ready").json().get("ready").getAsBoolean());
        JsonObject model = Http.get(port, "/v1/model").json();
        assertEquals("the embedded demo model", model.get("model").getAsString());
        assertEquals(1, model.getAsJsonObject("queue").get("workers").getAsInt());
    }

    @Test
    void segmentsGenerativelyAndTeacherForced() throws Exception {
        byte[] tile = Http.example("dubai-tile3-part004-crop.jpg");
        Http.Answer a = Http.segment(port, tile, Http.fields("instruction", "segment the water and the roads",
                "heatmaps", "true"));
        assertEquals(200, a.status(), String.valueOf(a.json()));
        JsonObject r = a.json();
        assertEquals("generative", r.get("mode").getAsString());
        assertFalse(r.get("answer").getAsString().isBlank());
        assertEquals(320, r.get("width").getAsInt());
        assertTrue(r.getAsJsonObject("timings").has("queue_ms"));

        Http.Answer forced = Http.segment(port, tile, Http.fields("instruction", "segment the water and the roads",
                "answer", "sure, [SEG] water and [SEG] roads.", "heatmaps", "true"));
        assertEquals(200, forced.status(), String.valueOf(forced.json()));
        var targets = forced.json().getAsJsonArray("targets");
        assertEquals(2, targets.size());
        for (JsonElement e : targets) {
            JsonObject t = e.getAsJsonObject();
            var mask = CocoMasks.rleFromJson(t.getAsJsonObject("mask"), 320, 320);
            assertEquals(t.get("area").getAsLong(), mask.area());
            JsonObject heat = t.getAsJsonObject("heatmap");
            assertNotNull(heat);
            assertEquals(heat.get("width").getAsInt() * heat.get("height").getAsInt(), heat.getAsJsonArray("values").size());
        }
        assertEquals("teacher-forced", forced.json().get("mode").getAsString());
    }

    @Test
    void aGeoTiffGetsGeoJsonInsideTheScenesFootprint() throws Exception {
        Http.Answer a = Http.segment(port, ServeGeoTiffTest.fixture(ServeGeoTiffTest.NAIP), Http.fields(
                "instruction", "segment the water and the roads", "answer", "sure, [SEG] water and [SEG] roads."));
        assertEquals(200, a.status(), String.valueOf(a.json()));
        JsonObject r = a.json();
        assertEquals(256, r.get("width").getAsInt());
        var targets = r.getAsJsonArray("targets");
        assertEquals(2, targets.size());
        var features = r.getAsJsonObject("geojson").getAsJsonArray("features");
        // the footprint's quadrilateral, from gdalinfo, a little grown for the 8 decimals written
        var factory = new org.locationtech.jts.geom.GeometryFactory();
        var ring = new org.locationtech.jts.geom.Coordinate[5];
        for (int i = 0; i < 5; i++) {
            double[] c = ServeGeoTiffTest.NAIP_CORNERS[i % 4];
            ring[i] = new org.locationtech.jts.geom.Coordinate(c[0], c[1]);
        }
        var footprint = factory.createPolygon(ring).buffer(2e-7);
        double[] areas = new double[targets.size()];
        for (JsonElement e : features) {
            JsonObject f = e.getAsJsonObject();
            int target = f.getAsJsonObject("properties").get("target").getAsInt();
            areas[target] += f.getAsJsonObject("properties").get("area_m2").getAsDouble();
            assertEquals(targets.get(target).getAsJsonObject().get("phrase").getAsString(),
                    f.getAsJsonObject("properties").get("phrase").getAsString());
            for (JsonElement rings : f.getAsJsonObject("geometry").getAsJsonArray("coordinates")) {
                for (JsonElement p : rings.getAsJsonArray()) {
                    double lon = p.getAsJsonArray().get(0).getAsDouble();
                    double lat = p.getAsJsonArray().get(1).getAsDouble();
                    assertTrue(footprint.covers(factory.createPoint(new org.locationtech.jts.geom.Coordinate(lon, lat))),
                            lon + "," + lat + " is outside the scene");
                }
            }
        }
        for (int i = 0; i < targets.size(); i++) {
            long pixels = targets.get(i).getAsJsonObject().get("area").getAsLong();
            assertTrue(pixels == 0 || features.size() > 0, "a non-empty mask has polygons");
            // polygons simplified by up to a pixel: their area is the mask's 0.36 m2 per pixel, within 10 %
            assertEquals(pixels * 0.36, areas[i], Math.max(5, pixels * 0.36 * 0.1), "target " + i + " area");
        }
        assertTrue(features.size() > 0, "the demo model finds something on the tile: " + targets);
    }

    /** A scene of one tile: the service's GeoJSON is the command line's targets.geojson, feature for feature. */
    @Test
    void aGeoTiffsGeoJsonIsTheScenePathsTargetsGeoJson(@org.junit.jupiter.api.io.TempDir java.nio.file.Path temp)
            throws Exception {
        byte[] naip = ServeGeoTiffTest.fixture(ServeGeoTiffTest.NAIP);
        Http.Answer a = Http.segment(port, naip, Http.fields("instruction", "segment the water and the roads"));
        assertEquals(200, a.status(), String.valueOf(a.json()));
        java.nio.file.Path scene = java.nio.file.Files.write(temp.resolve("scene.tif"), naip);
        try (Segmenter segmenter = Segmenter.builder().maskLogits(true).build()) {
            // one tile as large as the scene: the scene path then sees what the service sees
            new org.segearth.geo.SceneSegmenter(segmenter, org.segearth.geo.SceneOptions.defaults().withTile(1024, 0))
                    .segment(scene, "segment the water and the roads", temp.resolve("out"));
        }
        var expected = JsonParser.parseString(java.nio.file.Files.readString(temp.resolve("out/targets.geojson")))
                .getAsJsonObject().getAsJsonArray("features");
        var features = a.json().getAsJsonObject("geojson").getAsJsonArray("features");
        assertTrue(features.size() > 0);
        assertEquals(new java.util.HashSet<>(expected.asList()), new java.util.HashSet<>(features.asList()));
    }

    @Test
    void badRequestsGetOneLineErrorsAndTheServiceKeepsServing() throws Exception {
        byte[] tile = Http.example("dubai-tile1-part001.jpg");
        Http.Answer noImage = Http.segment(port, null, Http.fields("instruction", "segment the water"));
        assertEquals(400, noImage.status());
        assertTrue(noImage.json().get("error").getAsString().contains("'image'"), noImage.json().toString());

        Http.Answer garbage = Http.segment(port, "not an image\nat all".getBytes(StandardCharsets.UTF_8),
                Http.fields("instruction", "segment the water"));
        assertEquals(400, garbage.status());
        String message = garbage.json().get("error").getAsString();
        assertTrue(message.startsWith("image: "), message);
        assertFalse(message.contains("\n"));

        Http.Answer empty = Http.segment(port, tile, Http.fields("instruction", "   "));
        assertEquals(422, empty.status());
        assertEquals("instruction is empty; say what to segment, e.g. \"segment the roads\"",
                empty.json().get("error").getAsString());
        Http.Answer placeholder = Http.segment(port, tile, Http.fields("instruction", "segment <image> roads"));
        assertEquals(422, placeholder.status());
        assertTrue(placeholder.json().get("error").getAsString().startsWith("instruction contains <image>"));

        Http.Answer notMultipart = Http.send(java.net.http.HttpRequest.newBuilder(Http.uri(port, "/v1/segment"))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                .build());
        assertEquals(415, notMultipart.status());

        Http.Answer ok = Http.segment(port, tile, Http.fields("instruction", "segment the water"));
        assertEquals(200, ok.status(), String.valueOf(ok.json()));
    }

    @Test
    void servesThePage() throws Exception {
        var r = Http.send(java.net.http.HttpRequest.newBuilder(Http.uri(port, "/")).GET().build()).raw();
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("<html") || r.body().contains("<!doctype html>"), r.body());
        assertTrue(JsonParser.parseString(Http.send(java.net.http.HttpRequest.newBuilder(
                Http.uri(port, "/examples.json")).GET().build()).raw().body()).isJsonArray());
    }
}
