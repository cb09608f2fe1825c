package org.segearth.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.WKBReader;
import org.segearth.api.InvalidInputException;
import org.segearth.api.Segmenter;
import org.segearth.geo.GeoScene;
import org.segearth.geo.SceneOptions;
import org.segearth.geo.SceneResult;
import org.segearth.geo.SceneSegmenter;

/** The scene stage on Spark equals the single-machine SceneSegmenter on the same scene and options, bit for bit. */
class SparkScenesTest {

    /** On this scene the embedded demo model answers it with two phrases (roads, and buildings on a few tiles). */
    private static final String INSTRUCTION = "segment the unpaved land and the roads";
    /** 256 x 256 RGB in UTM 11N: tiles of 96 sharing 16 start at 0, 80 and 160 on each axis, 9 tiles. */
    private static final String SCENE = "naip-lax-utm11n-rgb8-packbits.tif";

    @TempDir
    Path tmp;

    @Test
    void sceneTargetsAndFilesEqualTheSceneSegmenter() throws Exception {
        Path scene = LocalSpark.testdata().resolve("geo").resolve(SCENE);
        SceneOptions options = SceneOptions.defaults().withTile(96, 16);
        Path single = tmp.resolve("single");
        SceneResult expected;
        try (Segmenter segmenter = Segmenter.builder().threads(1).maskLogits(true).build()) {
            expected = new SceneSegmenter(segmenter, options).segment(scene, INSTRUCTION, single);
        }
        assertEquals(9, expected.tiles());
        assertTrue(expected.targets().size() >= 2, "several targets to compare (choose an instruction that gives"
                + " them if the embedded model changed): " + expected.targets());
        assertTrue(expected.targets().stream().anyMatch(t -> t.tiles() > 1), "some target spans several tiles");

        Path cluster = tmp.resolve("cluster");
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("scene", DataTypes.StringType)
                .add("instruction", DataTypes.StringType).add("out", DataTypes.StringType);
        List<Row> in = List.of(
                RowFactory.create(0, scene.toUri().toString(), INSTRUCTION, cluster.toString()),
                RowFactory.create(1, scene.resolveSibling("missing.tif").toString(), INSTRUCTION, null),
                RowFactory.create(2, scene.resolveSibling("plain.tif").toString(), INSTRUCTION, null),
                RowFactory.create(3, scene.toString(), null, null));
        Dataset<Row> input = LocalSpark.session().createDataFrame(in, schema).repartition(2);
        Dataset<Row> out = SparkScenes.builder().options(options).outputColumn("out").tilePartitions(4).build()
                .transform(input);
        assertEquals(List.of("id", "scene", "instruction", "out", "target", "phrase", "score", "area_m2", "pixels",
                "polygons", "tiles", "box", "geometry", "crs", "error"), List.of(out.schema().fieldNames()));
        List<Row> rows = new ArrayList<>(out.collectAsList());
        rows.sort(Comparator.<Row>comparingInt(r -> r.getInt(0)).thenComparingInt(r -> r.isNullAt(4) ? -1 : r.getInt(4)));

        // the scene: the same targets, in the same order, to the bit
        List<Row> targets = rows.stream().filter(r -> r.getInt(0) == 0).toList();
        assertEquals(expected.targets().size(), targets.size());
        WKBReader wkb = new WKBReader();
        for (int i = 0; i < targets.size(); i++) {
            SceneResult.SceneTarget t = expected.targets().get(i);
            Row r = targets.get(i);
            assertNull(r.get(14), () -> r.getString(14));
            assertEquals(t.index(), r.getInt(4));
            assertEquals(t.phrase(), r.getString(5));
            assertEquals(t.score(), r.getDouble(6));
            assertEquals(t.areaSquareMetres(), r.getDouble(7));
            assertEquals(t.pixels(), r.getLong(8));
            assertEquals(t.polygons(), r.getInt(9));
            assertEquals(t.tiles(), r.getInt(10));
            assertEquals("urn:ogc:def:crs:EPSG::32611", r.getString(13));
            // the geometry: the mask's polygons in metres of UTM 11N, the mask's area and extent
            Geometry g = wkb.read((byte[]) r.get(12));
            assertEquals(t.polygons(), g.getNumGeometries());
            assertEquals(t.areaSquareMetres(), g.getArea(), 1e-6 * t.areaSquareMetres());
            float[] mask;
            AffineBox grid;
            try (GeoScene m = GeoScene.open(single.resolve("mask-" + t.index() + ".tif"))) {
                mask = m.read(0, 0, m.width(), m.height(), new int[] {0})[0];
                grid = new AffineBox(m.pixelToCrs().orElseThrow());
            }
            int[] box = maskBox(mask, 256);
            Row b = r.getStruct(11);
            assertArrayEquals(box, new int[] {b.getInt(0), b.getInt(1), b.getInt(2), b.getInt(3)});
            Envelope e = g.getEnvelopeInternal();
            // unsimplified edges lie on pixel edges; simplification (1 px) keeps vertices on them
            assertEquals(grid.x(box[0]), e.getMinX(), 1e-6);
            assertEquals(grid.x(box[0] + box[2]), e.getMaxX(), 1e-6);
        }
        // the files: byte for byte those of the single machine
        for (String name : expected.files()) {
            assertArrayEquals(Files.readAllBytes(single.resolve(name)), Files.readAllBytes(cluster.resolve(name)), name);
        }
        try (var files = Files.list(cluster)) {
            assertEquals(expected.files().size(), files.count(), "no staging folder is left");
        }

        // failures are rows with an error, not a failed job
        Row missing = rows.stream().filter(r -> r.getInt(0) == 1).findFirst().orElseThrow();
        assertTrue(missing.getString(14).contains("missing.tif"), missing.getString(14));
        assertNull(missing.get(4));
        Row plain = rows.stream().filter(r -> r.getInt(0) == 2).findFirst().orElseThrow();
        assertTrue(plain.getString(14).contains("without georeferencing"), plain.getString(14));
        Row noInstruction = rows.stream().filter(r -> r.getInt(0) == 3).findFirst().orElseThrow();
        assertTrue(noInstruction.getString(14).contains("instruction is null"), noInstruction.getString(14));
        assertEquals(targets.size() + 3, rows.size());

        // a second job into the same folder is refused for that scene, and the first one's files stay
        List<Row> again = SparkScenes.builder().options(options).outputColumn("out").build()
                .transform(LocalSpark.session().createDataFrame(in.subList(0, 1), schema)).collectAsList();
        assertEquals(1, again.size());
        assertTrue(again.get(0).getString(14).contains("is not empty"), again.get(0).getString(14));
        assertArrayEquals(Files.readAllBytes(single.resolve("scene.json")), Files.readAllBytes(cluster.resolve("scene.json")));
    }

    @Test
    void tilesOfNodataAreSkippedAsOnOneMachine() throws Exception {
        // 160 x 80 float32, valid only in a box: of the 6 tiles of 64 the two at column 96 hold nodata only
        Path scene = LocalSpark.testdata().resolve("geo/float32-nodata.tif");
        SceneOptions options = SceneOptions.defaults().withTile(64, 8).withStretch(0, 0.5).withNativeVectorCrs(true);
        Path single = tmp.resolve("single");
        SceneResult expected;
        try (Segmenter segmenter = Segmenter.builder().threads(1).maskLogits(true).build()) {
            expected = new SceneSegmenter(segmenter, options).segment(scene, "segment the box", single);
        }
        assertEquals(2, expected.skippedTiles());
        Path cluster = tmp.resolve("cluster");
        List<Row> rows = SparkScenes.builder().options(options).outputColumn("out").build()
                .transform(LocalSpark.session().createDataFrame(
                        List.of(RowFactory.create(scene.toString(), "segment the box", cluster.toString())),
                        new StructType().add("scene", DataTypes.StringType).add("instruction", DataTypes.StringType)
                                .add("out", DataTypes.StringType)))
                .collectAsList();
        assertEquals(Math.max(1, expected.targets().size()), rows.size());
        for (Row r : rows) {
            assertNull(r.get(r.fieldIndex("error")), () -> r.getString(r.fieldIndex("error")));
        }
        for (String name : expected.files()) {
            assertArrayEquals(Files.readAllBytes(single.resolve(name)), Files.readAllBytes(cluster.resolve(name)), name);
        }
    }

    @Test
    void inputsThatCannotWorkAreRefusedWhenTheJobIsBuilt() {
        Dataset<Row> input = LocalSpark.session().createDataFrame(List.of(RowFactory.create("a.tif", "x", 1)),
                new StructType().add("scene", DataTypes.StringType).add("instruction", DataTypes.StringType)
                        .add("pixels", DataTypes.IntegerType));
        InvalidInputException clash = assertThrows(InvalidInputException.class,
                () -> SparkScenes.builder().build().transform(input));
        assertTrue(clash.getMessage().contains("'pixels'"), clash.getMessage());
        InvalidInputException notString = assertThrows(InvalidInputException.class,
                () -> SparkScenes.builder().instructionColumn("pixels").build().transform(input.drop("instruction")));
        assertTrue(notString.getMessage().contains("not a string"), notString.getMessage());
    }

    /** The bounding box of a mask's foreground: x, y, width, height. */
    private static int[] maskBox(float[] mask, int width) {
        int x0 = Integer.MAX_VALUE;
        int y0 = Integer.MAX_VALUE;
        int x1 = -1;
        int y1 = -1;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] > 0) {
                x0 = Math.min(x0, i % width);
                y0 = Math.min(y0, i / width);
                x1 = Math.max(x1, i % width);
                y1 = Math.max(y1, i / width);
            }
        }
        return new int[] {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
    }

    /** Pixel columns to CRS x of a north-up grid. */
    private record AffineBox(java.awt.geom.AffineTransform t) {
        double x(int column) {
            return t.getTranslateX() + column * t.getScaleX();
        }
    }
}
