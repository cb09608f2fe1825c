package org.segearth.spark;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.segearth.geo.ScenePlan;
import org.segearth.geo.Stretch;
import org.segearth.geo.TileTargets;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The rows between the stages of a {@link SparkScenes} job: one row per tile with the input row's
 * columns, then {@code _scene} (the input row's id), {@code _tile} (index in the scene's layout;
 * -1 for a scene that failed before its tiles), {@code _plan} (the {@link ScenePlan} as a struct),
 * and after the tile stage {@code _valid} (valid pixels), {@code _phrases} (the tile's
 * {@link TileTargets}, logits as little-endian float32) and {@code _from_masks}; {@code _error} on
 * a failed scene or tile.
 */
final class SceneRows {

    static final List<String> INTERNAL = List.of("_scene", "_tile", "_plan", "_valid", "_phrases", "_from_masks",
            "_error");
    static final int SCENE = 0;
    static final int TILE = 1;
    static final int PLAN = 2;
    static final int VALID = 3;
    static final int PHRASES = 4;
    static final int FROM_MASKS = 5;
    static final int ERROR = 6;

    private static final StructType PLAN_TYPE = new StructType()
            .add("width", DataTypes.IntegerType, false)
            .add("height", DataTypes.IntegerType, false)
            .add("bands", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
            .add("min", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("max", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("tile", DataTypes.IntegerType, false)
            .add("overlap", DataTypes.IntegerType, false);
    private static final StructType PHRASE_TYPE = new StructType()
            .add("phrase", DataTypes.StringType, false)
            .add("score", DataTypes.DoubleType, false)
            .add("area", DataTypes.LongType, false)
            .add("logits", DataTypes.BinaryType, false);

    private SceneRows() {}

    /** The tile rows' schema for an input of {@code input}'s schema. */
    static StructType tileSchema(StructType input) {
        List<StructField> fields = new ArrayList<>(Arrays.asList(input.fields()));
        fields.add(DataTypes.createStructField("_scene", DataTypes.LongType, false));
        fields.add(DataTypes.createStructField("_tile", DataTypes.IntegerType, false));
        fields.add(DataTypes.createStructField("_plan", PLAN_TYPE, true));
        fields.add(DataTypes.createStructField("_valid", DataTypes.IntegerType, true));
        fields.add(DataTypes.createStructField("_phrases", DataTypes.createArrayType(PHRASE_TYPE, false), true));
        fields.add(DataTypes.createStructField("_from_masks", DataTypes.BooleanType, true));
        fields.add(DataTypes.createStructField("_error", DataTypes.StringType, true));
        return DataTypes.createStructType(fields);
    }

    /** A tile row: the input columns of {@code in} (the first {@code inputs}), then the internal ones. */
    static Row tile(Row in, int inputs, long scene, int tile, Row plan, Integer valid, List<Row> phrases,
            Boolean fromMasks, String error) {
        Object[] v = new Object[inputs + INTERNAL.size()];
        for (int i = 0; i < inputs; i++) {
            v[i] = in.get(i);
        }
        v[inputs + SCENE] = scene;
        v[inputs + TILE] = tile;
        v[inputs + PLAN] = plan;
        v[inputs + VALID] = valid;
        v[inputs + PHRASES] = phrases == null ? null : seq(phrases);
        v[inputs + FROM_MASKS] = fromMasks;
        v[inputs + ERROR] = error;
        return RowFactory.create(v);
    }

    static Row plan(ScenePlan p) {
        return RowFactory.create(p.width(), p.height(), seq(Arrays.stream(p.bands()).boxed().toList()),
                seq(Arrays.stream(p.stretch().min()).boxed().toList()),
                seq(Arrays.stream(p.stretch().max()).boxed().toList()), p.tile(), p.overlap());
    }

    /** A list as the value of an array column (the type Spark's encoder takes and gives back). */
    private static Object seq(List<?> list) {
        return CollectionConverters.asScala(list).toSeq();
    }

    static ScenePlan plan(Row r) {
        return new ScenePlan(r.getInt(0), r.getInt(1), ints(r.getList(2)), new Stretch(doubles(r.getList(3)),
                doubles(r.getList(4))), r.getInt(5), r.getInt(6));
    }

    static List<Row> phrases(TileTargets t) {
        List<Row> out = new ArrayList<>();
        for (TileTargets.Phrase p : t.phrases()) {
            ByteBuffer b = ByteBuffer.allocate(p.logits().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(p.logits());
            out.add(RowFactory.create(p.phrase(), p.score(), p.area(), b.array()));
        }
        return out;
    }

    static TileTargets targets(int[] window, List<Row> phrases, boolean fromMasks) {
        List<TileTargets.Phrase> out = new ArrayList<>();
        for (Row r : phrases) {
            byte[] bytes = (byte[]) r.get(3);
            float[] logits = new float[bytes.length / Float.BYTES];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(logits);
            out.add(new TileTargets.Phrase(r.getString(0), r.getDouble(1), r.getLong(2), logits));
        }
        return new TileTargets(window[0], window[1], window[2], window[3], out, fromMasks);
    }

    /** A scene path as the executors see it: a local path or a {@code file:} URI. */
    static Path scenePath(String scene) {
        return scene.startsWith("file:") ? Path.of(URI.create(scene)) : Path.of(scene);
    }

    private static int[] ints(List<Object> list) {
        return list.stream().mapToInt(o -> (Integer) o).toArray();
    }

    private static double[] doubles(List<Object> list) {
        return list.stream().mapToDouble(o -> (Double) o).toArray();
    }
}
