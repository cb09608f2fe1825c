package org.segearth.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Files;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.WKBReader;
import org.segearth.api.InvalidInputException;
import org.segearth.api.Segmenter;
import org.segearth.geo.SceneOptions;
import org.segearth.spark.sample.SegmentImagesOnSpark;
import org.segearth.spark.sample.SegmentScenesOnSpark;

/** The segmentation samples, run in local mode on the Dubai tiles and two GeoTIFF scenes (the evaluation sample: SparkEvaluationTest). */
class SamplesTest {

    @TempDir
    Path tmp;

    @Test
    void segmentImagesOnSparkWritesOneRowPerTarget() throws Exception {
        Path images = LocalSpark.testdata().resolve("dubai/images");
        String out = tmp.resolve("water").toString();
        SegmentImagesOnSpark.Summary s = SegmentImagesOnSpark.run(LocalSpark.session(), images.toString(),
                "segment the water", out, null);
        assertEquals(2, s.images());
        assertEquals(0, s.failed());
        long expected = 0;
        try (Segmenter segmenter = Segmenter.builder().threads(1).build()) {
            for (String name : List.of("Tile1_image_part_001.jpg", "Tile1_image_part_002.jpg")) {
                expected += segmenter.segment(images.resolve(name), "segment the water").targets().size();
            }
        }
        assertEquals(expected, s.targets());
        List<Row> rows = LocalSpark.session().read().parquet(out).collectAsList();
        assertTrue(rows.stream().allMatch(r -> r.getString(r.fieldIndex("path")).startsWith("file:")), rows.toString());
        // a second run into the same folder is refused, the first one's output stays
        assertThrows(Exception.class, () -> SegmentImagesOnSpark.run(LocalSpark.session(), images.toString(),
                "segment the water", out, null));
        assertEquals(rows.size(), LocalSpark.session().read().parquet(out).count());
    }

    @Test
    void segmentScenesOnSparkWritesTargetsAndEachScenesFiles() throws Exception {
        Path scenes = Files.createDirectories(tmp.resolve("scenes"));
        for (String name : List.of("naip-lax-utm11n-rgb8-packbits.tif", "spacenet-lasvegas-wgs84-uint16-tiled-lzw.tif",
                "plain.tif")) {
            Files.copy(LocalSpark.testdata().resolve("geo").resolve(name), scenes.resolve(name));
        }
        Path out = tmp.resolve("results");
        SegmentScenesOnSpark.Summary s = SegmentScenesOnSpark.run(LocalSpark.session(), scenes,
                "segment the roads and the buildings", out, null, SceneOptions.defaults().withTile(128, 16));
        assertEquals(3, s.scenes());
        assertEquals(1, s.failed(), "plain.tif has no georeferencing");
        assertTrue(s.targets() >= 2, "targets: " + s.targets());
        List<Row> rows = LocalSpark.session().read().parquet(out.resolve("targets").toString()).collectAsList();
        for (Row r : rows) {
            String scene = r.getString(r.fieldIndex("scene"));
            if (scene.endsWith("plain.tif")) {
                assertTrue(r.getString(r.fieldIndex("error")).contains("without georeferencing"));
                continue;
            }
            assertNull(r.get(r.fieldIndex("error")), () -> r.getString(r.fieldIndex("error")));
            String name = Path.of(scene).getFileName().toString().replace(".tif", "");
            Path files = out.resolve("scenes").resolve(name);
            assertTrue(Files.exists(files.resolve("scene.json")), files.toString());
            if (!r.isNullAt(r.fieldIndex("target"))) {
                assertTrue(Files.exists(files.resolve("mask-" + r.getInt(r.fieldIndex("target")) + ".tif")));
                Geometry g = new WKBReader().read((byte[]) r.get(r.fieldIndex("geometry")));
                Envelope e = g.getEnvelopeInternal();
                if (name.contains("lasvegas")) {
                    // longitude/latitude inside the scene's footprint near Las Vegas
                    assertEquals("urn:ogc:def:crs:OGC:1.3:CRS84", r.getString(r.fieldIndex("crs")));
                    assertTrue(e.getMinX() > -116 && e.getMaxX() < -114 && e.getMinY() > 35 && e.getMaxY() < 37,
                            e.toString());
                } else {
                    assertEquals("urn:ogc:def:crs:EPSG::32611", r.getString(r.fieldIndex("crs")));
                }
            }
        }
        assertThrows(InvalidInputException.class, () -> SegmentScenesOnSpark.run(LocalSpark.session(), scenes,
                "segment the roads", out, null, SceneOptions.defaults()));
    }
}
