package org.segearth.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.geo.GeoScene;
import org.segearth.geo.SceneOptions;
import org.segearth.geo.ScenePlan;

/** The merge stage on hand-made tile rows: a failed or missing tile makes the scene one error row, and nothing is written. */
class SceneMergeStageTest {

    @TempDir
    Path tmp;

    private final Path scene = LocalSpark.testdata().resolve("geo/naip-lax-utm11n-rgb8-packbits.tif");
    private final SceneOptions options = SceneOptions.defaults().withTile(96, 16);

    @Test
    void aFailedTileFailsItsSceneOnly() throws Exception {
        List<Row> tiles = new ArrayList<>(tiles(0, 1, 2, 3, 4, 5, 6, 7, 8));
        Row failed = tiles.get(4);
        Object[] v = new Object[failed.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = failed.get(i);
        }
        v[2 + SceneRows.ERROR] = "lax.tif tile 4 at 80,80: out of memory";
        tiles.set(4, RowFactory.create(v));
        List<Row> out = merge(tiles);
        assertEquals(1, out.size());
        assertEquals("lax.tif tile 4 at 80,80: out of memory", out.get(0).getString(2 + SparkScenes.OUTPUT_COLUMNS.size() - 1));
        assertNull(out.get(0).get(2), "no target");
        try (var files = Files.list(tmp.resolve("out"))) {
            assertEquals(0, files.count(), "nothing written, no staging folder left");
        }
    }

    @Test
    void aMissingTileIsNamed() throws Exception {
        List<Row> out = merge(tiles(0, 1, 3, 4, 5, 6, 7, 8));
        assertEquals(1, out.size());
        String error = out.get(0).getString(2 + SparkScenes.OUTPUT_COLUMNS.size() - 1);
        assertTrue(error.contains("tile 2 of 9 never came back"), error);
    }

    @Test
    void tilesWithoutTargetsMakeOneRowWithoutTarget() throws Exception {
        List<Row> out = merge(tiles(0, 1, 2, 3, 4, 5, 6, 7, 8));
        assertEquals(1, out.size());
        assertNull(out.get(0).get(2));
        assertNull(out.get(0).get(2 + SparkScenes.OUTPUT_COLUMNS.size() - 1));
        assertTrue(Files.exists(tmp.resolve("out/scene.json")));
    }

    /** Tile rows (input columns scene, out) of the scene's plan, each without target. */
    private List<Row> tiles(int... indices) {
        ScenePlan plan;
        try (GeoScene s = GeoScene.open(scene)) {
            plan = ScenePlan.of(s, options, SceneOptions.DEFAULT_TILE);
        }
        Row p = SceneRows.plan(plan);
        Row in = RowFactory.create(scene.toString(), tmp.resolve("out").toString());
        List<Row> rows = new ArrayList<>();
        for (int i : indices) {
            int[] w = plan.window(i);
            rows.add(SceneRows.tile(in, 2, 7L, i, p, w[2] * w[3], List.of(), false, null));
        }
        return rows;
    }

    private List<Row> merge(List<Row> tiles) throws Exception {
        Iterator<Row> it = new ScenePartitions.Merge(SceneSpec.of(options), 2, 0, 1).call(tiles.iterator());
        List<Row> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
