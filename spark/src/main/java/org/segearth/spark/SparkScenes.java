package org.segearth.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.segearth.api.InvalidInputException;
import org.segearth.geo.SceneMerger;
import org.segearth.geo.SceneOptions;
import org.segearth.geo.SceneSegmenter;

/**
 * GeoTIFF scenes of any size as a DataFrame transformation: every input row names a scene and an
 * instruction; the scenes are cut into tiles, the tiles are segmented across the cluster, and the
 * tiles of each scene are merged into scene targets by the geo module's {@link SceneMerger}, the
 * merge that {@link SceneSegmenter} and {@code segearth segment --image scene.tif} run, so a scene
 * gives the same targets (phrases, scores, pixels, polygons) and the same files here as on one
 * machine with the same {@link SceneOptions}. The output has one row per scene target, every input
 * column kept and these added:
 * <ul>
 *   <li>{@code target} (int): the index of the scene target ({@code mask-<target>.tif}); null on a row without target</li>
 *   <li>{@code phrase} (string), normalised; {@code score} (double): the tiles' scores weighted by mask area</li>
 *   <li>{@code area_m2} (double): the polygons' area in square metres; {@code pixels} (long): mask pixels</li>
 *   <li>{@code polygons} (int), {@code tiles} (int): the tiles that named the target</li>
 *   <li>{@code box} (struct x, y, width, height): the mask's bounding box in scene pixels</li>
 *   <li>{@code geometry} (binary): the polygons as one WKB multipolygon in {@code crs}</li>
 *   <li>{@code crs} (string): the scene's CRS ({@code urn:ogc:def:crs:EPSG::32616}; longitude/latitude
 *       {@code urn:ogc:def:crs:OGC:1.3:CRS84} for a geographic scene; its WKT where it has no EPSG code)</li>
 *   <li>{@code error} (string): null, or the one-line reason this scene (or one of its tiles) failed</li>
 * </ul>
 * With {@link Builder#outputColumn} each scene also writes the files of the CLI ({@code mask-<i>.tif},
 * {@code targets.geojson}, {@code quicklook.png}, {@code scene.json}) into the folder its row names.
 * Scenes and output folders are local paths or {@code file:} URIs that every executor can read
 * (a shared file system).
 *
 * <pre>{@code
 * Dataset<Row> scenes = spark.createDataFrame(List.of(RowFactory.create("/shared/scenes/a.tif", "segment the buildings")),
 *         new StructType().add("scene", "string").add("instruction", "string"));
 * Dataset<Row> targets = SparkScenes.builder()
 *         .model("/shared/models/segearth-r2")        // none: the embedded demo model
 *         .options(SceneOptions.defaults().withTile(512, 64))
 *         .build()
 *         .transform(scenes);
 * }</pre>
 */
public final class SparkScenes {

    /** The columns added to every output row, in order. */
    public static final List<String> OUTPUT_COLUMNS = List.of("target", "phrase", "score", "area_m2", "pixels",
            "polygons", "tiles", "box", "geometry", "crs", "error");

    /** The row of tiles of a tile row (plan, tile index), for partitioning; -1 for an error row. */
    private static final UserDefinedFunction TILE_ROW = udf((UDF2<Row, Integer, Integer>) (plan, tile) ->
            plan == null || tile == null || tile < 0 ? -1 : SceneRows.plan(plan).tileRow(tile), DataTypes.IntegerType);

    private final ModelSpec model;
    private final SceneSpec options;
    private final String sceneColumn;
    private final String instructionColumn;
    private final String outputColumn;
    private final int tilePartitions;

    private SparkScenes(Builder b) {
        this.model = new ModelSpec(b.model, b.head, b.precision, b.threads, true);
        this.options = SceneSpec.of(b.options);
        this.sceneColumn = b.sceneColumn;
        this.instructionColumn = b.instructionColumn;
        this.outputColumn = b.outputColumn;
        this.tilePartitions = b.tilePartitions;
    }

    /** A builder: scenes in {@code scene}, instructions in {@code instruction}, default options, the demo model. */
    public static Builder builder() {
        return new Builder();
    }

    /** The output schema for {@code input}'s schema: its columns, then {@link #OUTPUT_COLUMNS}. */
    public static StructType outputSchema(StructType input) {
        for (String c : input.fieldNames()) {
            if (OUTPUT_COLUMNS.contains(c) || SceneRows.INTERNAL.contains(c)) {
                throw new InvalidInputException("the input has a column '" + c + "', which the job adds; rename it"
                        + " (the output adds " + OUTPUT_COLUMNS + ")");
            }
        }
        StructType box = new StructType().add("x", DataTypes.IntegerType, false).add("y", DataTypes.IntegerType, false)
                .add("width", DataTypes.IntegerType, false).add("height", DataTypes.IntegerType, false);
        List<StructField> fields = new ArrayList<>(Arrays.asList(input.fields()));
        fields.add(DataTypes.createStructField("target", DataTypes.IntegerType, true));
        fields.add(DataTypes.createStructField("phrase", DataTypes.StringType, true));
        fields.add(DataTypes.createStructField("score", DataTypes.DoubleType, true));
        fields.add(DataTypes.createStructField("area_m2", DataTypes.DoubleType, true));
        fields.add(DataTypes.createStructField("pixels", DataTypes.LongType, true));
        fields.add(DataTypes.createStructField("polygons", DataTypes.IntegerType, true));
        fields.add(DataTypes.createStructField("tiles", DataTypes.IntegerType, true));
        fields.add(DataTypes.createStructField("box", box, true));
        fields.add(DataTypes.createStructField("geometry", DataTypes.BinaryType, true));
        fields.add(DataTypes.createStructField("crs", DataTypes.StringType, true));
        fields.add(DataTypes.createStructField("error", DataTypes.StringType, true));
        return DataTypes.createStructType(fields);
    }

    /**
     * The scene targets of every row of {@code scenes} (lazy: the work runs when an action asks
     * for the rows). Three stages: each scene is opened and planned (bands, stretch, tiles) and
     * becomes one row per tile; the tile rows are spread over {@link Builder#tilePartitions}
     * partitions and segmented; the tile results are shuffled by scene, sorted by tile and merged,
     * one scene at a time per task, in memory bounded by one row of tiles.
     *
     * @throws InvalidInputException when a column the job reads is missing or not a string, or the
     *     input already has a column the job adds
     */
    public Dataset<Row> transform(Dataset<Row> scenes) {
        StructType schema = scenes.schema();
        int scene = stringColumn(schema, sceneColumn, "scene");
        int instruction = stringColumn(schema, instructionColumn, "instruction");
        int output = outputColumn == null ? -1 : stringColumn(schema, outputColumn, "output folder");
        StructType out = outputSchema(schema);
        StructType tiles = SceneRows.tileSchema(schema);
        int inputs = schema.size();
        int partitions = tilePartitions > 0 ? tilePartitions
                : 4 * scenes.sparkSession().sparkContext().defaultParallelism();
        return scenes
                .mapPartitions(new ScenePartitions.Plan(options, model, scene, instruction), Encoders.row(tiles))
                // a row of tiles stays in one partition, in order, so its tiles are encoded in the batches of the CLI
                .repartition(partitions, col("_scene"), TILE_ROW.apply(col("_plan"), col("_tile")))
                .sortWithinPartitions("_scene", "_tile")
                .mapPartitions(new ScenePartitions.Segment(model, options, inputs, scene, instruction), Encoders.row(tiles))
                .repartition(col("_scene"))
                .sortWithinPartitions("_scene", "_tile")
                .mapPartitions(new ScenePartitions.Merge(options, inputs, scene, output), Encoders.row(out));
    }

    private static int stringColumn(StructType schema, String name, String what) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new InvalidInputException("the input has no column '" + name + "'; it has "
                    + Arrays.toString(schema.fieldNames()));
        }
        int i = schema.fieldIndex(name);
        if (!schema.fields()[i].dataType().equals(DataTypes.StringType)) {
            throw new InvalidInputException("the " + what + " column '" + name + "' is "
                    + schema.fields()[i].dataType().simpleString() + ", not a string");
        }
        return i;
    }

    /** Configures a {@link SparkScenes}. */
    public static final class Builder {
        private String model;
        private String head;
        private String precision = "auto";
        private int threads;
        private SceneOptions options = SceneOptions.defaults();
        private String sceneColumn = "scene";
        private String instructionColumn = "instruction";
        private String outputColumn;
        private int tilePartitions;

        private Builder() {}

        /** The model package every executor reads (see {@link SparkSegmenter.Builder#model}); none: the demo model. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** The segmentation head by provider name; default: the package's. */
        public Builder head(String head) {
            this.head = head;
            return this;
        }

        /** {@code auto} (default), {@code f32}, {@code f16-upcast} or {@code f16}. */
        public Builder precision(String precision) {
            this.precision = Objects.requireNonNull(precision, "precision");
            return this;
        }

        /** PyTorch intra-op threads per executor JVM; 0 (default): the cores one task holds. */
        public Builder threads(int threads) {
            if (threads < 0) {
                throw new InvalidInputException("threads must be >= 0, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Bands, stretch, tile and overlap, vector options, as for {@link SceneSegmenter} (progress is not reported). */
        public Builder options(SceneOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** The column of scene paths (default {@code scene}). */
        public Builder sceneColumn(String column) {
            this.sceneColumn = Objects.requireNonNull(column, "column");
            return this;
        }

        /** The column of instructions (default {@code instruction}). */
        public Builder instructionColumn(String column) {
            this.instructionColumn = Objects.requireNonNull(column, "column");
            return this;
        }

        /**
         * A column naming, per row, a new or empty folder (on a file system the executors share)
         * that receives the scene's files as the CLI writes them; a null value writes none. Not
         * set: no files, only rows.
         */
        public Builder outputColumn(String column) {
            this.outputColumn = column;
            return this;
        }

        /** Partitions of the tile stage; 0 (default): four per default-parallelism slot. */
        public Builder tilePartitions(int partitions) {
            if (partitions < 0) {
                throw new InvalidInputException("tile partitions must be >= 0, got " + partitions);
            }
            this.tilePartitions = partitions;
            return this;
        }

        /** The transformation. */
        public SparkScenes build() {
            return new SparkScenes(this);
        }
    }
}
