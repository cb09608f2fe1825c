package org.segearth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.cli.pipeline.TinyModel;

/** {@code segearth segment} on GeoTIFF scenes and batches (fixtures of {@code testdata/geo}). */
class GeoSegmentTest {

    @TempDir
    static Path dir;
    static Path pkg;

    @BeforeAll
    static void model() throws IOException {
        pkg = TinyModel.create(dir);
    }

    private static Path geo(String name) {
        return Path.of(System.getProperty("segearth.testdata", "../testdata"), "geo", name);
    }

    private static CliRun segment(String image, String out, String... more) {
        String[] base = {"segment", "--model", pkg.toString(), "--image", image, "--instruction", "segment the roads",
            "--out", dir.resolve(out).toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CliRun.of(args);
    }

    @Test
    void unusableScenesAreExit4WithOneLineNamingTheFile() {
        String[][] cases = {
            {"int16.tif", "16-bit signed"},
            {"lambert93.tif", "coordinate reference system"},
            {"nodata-only.tif", "only nodata"},
        };
        for (String[] c : cases) {
            CliRun r = segment(geo(c[0]).toString(), "bad-" + c[0]);
            assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.err());
            String first = r.err().lines().filter(l -> l.startsWith("segearth:")).findFirst().orElse(r.err());
            assertTrue(first.contains(c[0]) && first.contains(c[1]), r.err());
        }
        CliRun r = segment(geo("spacenet-atlanta-utm16n-uint16.tif").toString(), "bad-bands", "--bands", "3,2,1");
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.err());
        assertTrue(r.err().contains("has 1 band"), r.err());
        assertFalse(Files.exists(dir.resolve("bad-nodata-only.tif").resolve("mask-0.tif")));
    }

    @Test
    void aSceneGivesMasksOnItsGridAndAPlainTiffStaysAPlainImage() throws IOException {
        CliRun r = segment(geo("naip-lax-utm11n-rgb8-packbits.tif").toString(), "scene", "--tile", "256");
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        assertTrue(r.out().contains("scene 256x256, WGS 84 / UTM zone 11N, 1 tiles"), r.out());
        Path out = dir.resolve("scene");
        assertTrue(Files.exists(out.resolve("scene.json")) && Files.exists(out.resolve("targets.geojson"))
                && Files.exists(out.resolve("quicklook.png")));
        r = segment(geo("plain.tif").toString(), "plain");
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        assertTrue(Files.exists(dir.resolve("plain").resolve("result.json")), "segmented as a plain image");
    }

    @Test
    void aBatchGoesOnAfterABadFileAndSummarises() throws IOException {
        Path in = Files.createDirectories(dir.resolve("batch-in"));
        Files.copy(geo("naip-lax-utm11n-rgb8-packbits.tif"), in.resolve("a-scene.tif"));
        Files.copy(geo("int16.tif"), in.resolve("b-int16.tif"));
        Files.copy(geo("plain.tif"), in.resolve("c-plain.tif"));
        CliRun r = segment(in.toString(), "batch", "--tile", "256");
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), "a failed file makes the batch exit 4: " + r.err());
        assertTrue(r.err().contains("b-int16.tif"), r.err());
        JsonObject summary = JsonParser.parseString(Files.readString(dir.resolve("batch").resolve("summary.json")))
                .getAsJsonObject();
        assertEquals(2, summary.get("ok").getAsInt());
        assertEquals(1, summary.get("failed").getAsInt());
        assertEquals("error", summary.getAsJsonArray("images").get(1).getAsJsonObject().get("status").getAsString());
        assertTrue(Files.exists(dir.resolve("batch").resolve("a-scene").resolve("scene.json")));
        assertTrue(Files.exists(dir.resolve("batch").resolve("c-plain").resolve("result.json")));
        // a glob picks the same files by pattern
        r = segment(in + "/a-*.tif", "glob", "--tile", "256");
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        assertTrue(Files.exists(dir.resolve("glob").resolve("a-scene").resolve("mask-0.tif"))
                || Files.exists(dir.resolve("glob").resolve("a-scene").resolve("scene.json")));
    }

    @Test
    void theDefaultTileIsTheModelsMaskInputSide() {
        // the tiny model's mask branch takes 128 x 128: 256 pixels with tiles of 128 sharing 16 start at 0, 112, 128
        CliRun r = segment(geo("naip-lax-utm11n-rgb8-packbits.tif").toString(), "default-tile", "--answer", "roads [SEG]");
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        assertTrue(r.out().contains("scene 256x256, WGS 84 / UTM zone 11N, 9 tiles"), r.out());
        // --gsd 1.2 on a 0.6 m scene: tiles of 2 x 128 scene pixels, resampled to 128
        r = segment(geo("naip-lax-utm11n-rgb8-packbits.tif").toString(), "gsd-tile", "--gsd", "1.2", "--answer", "roads [SEG]");
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        assertTrue(r.out().contains(", 1 tiles"), r.out());
        r = segment(geo("naip-lax-utm11n-rgb8-packbits.tif").toString(), "gsd-and-tile", "--gsd", "1.2", "--tile", "256");
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.err());
        assertTrue(r.err().contains("--tile or --gsd"), r.err());
        r = segment(geo("naip-lax-utm11n-rgb8-packbits.tif").toString(), "no-batch", "--tile-batch", "0");
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.err());
        assertTrue(r.err().contains("--tile-batch 0 must be 1 to 16"), r.err());
    }

    @Test
    void severalInstructionsAndAnswersOnASceneGoIntoOneFolderEach() throws IOException {
        CliRun r = segment(geo("naip-lax-utm11n-rgb8-packbits.tif").toString(), "two", "--tile", "256",
                "--answer", "the roads [SEG]", "--instruction", "segment the buildings", "--answer", "the buildings [SEG]");
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        Path out = dir.resolve("two");
        for (String folder : new String[] {"segment-the-roads", "segment-the-buildings"}) {
            assertTrue(r.out().contains(out.resolve(folder).toString()), r.out());
            JsonObject scene = JsonParser.parseString(Files.readString(out.resolve(folder).resolve("scene.json")))
                    .getAsJsonObject();
            assertEquals(1, scene.get("tiles").getAsInt());
            // teacher-forced: the answer's one [SEG] is the tile's one target, named by the answer's phrase
            for (var t : scene.getAsJsonArray("targets")) {
                assertEquals(folder.substring("segment-the-".length()), t.getAsJsonObject().get("phrase").getAsString());
            }
        }
        JsonObject record = JsonParser.parseString(Files.readString(out.resolve(OutputFolder.RECORD))).getAsJsonObject();
        assertTrue(record.toString().contains("segment-the-roads/scene.json"), record.toString());
        // the same run again reuses the folder
        r = segment(geo("naip-lax-utm11n-rgb8-packbits.tif").toString(), "two", "--tile", "256",
                "--answer", "the roads [SEG]", "--instruction", "segment the buildings", "--answer", "the buildings [SEG]");
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        r = segment(geo("naip-lax-utm11n-rgb8-packbits.tif").toString(), "one-answer-two-instructions",
                "--instruction", "segment the buildings", "--answer", "the buildings [SEG]");
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.err());
        assertTrue(r.err().contains("one --answer per --instruction: 2 instructions, 1 answer"), r.err());
    }
}
