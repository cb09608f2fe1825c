package org.segearth.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.segearth.api.InvalidInputException;

/**
 * Segmentation as a DataFrame transformation: every input row names an image and an instruction;
 * the output has one row per target, with every input column kept and these added:
 * <ul>
 *   <li>{@code target} (int): the target's index in the answer, from 0; null on a row without target</li>
 *   <li>{@code answer} (string): the model's answer</li>
 *   <li>{@code phrase} (string), {@code score} (double), {@code area} (long)</li>
 *   <li>{@code box} (struct x, y, width, height; COCO {@code [x, y, w, h]}), null for an empty mask</li>
 *   <li>{@code rle} (struct height, width, counts): the mask as a COCO RLE, {@code counts} the
 *       compressed string of pycocotools</li>
 *   <li>{@code error} (string): null, or the one-line reason this row's image failed</li>
 * </ul>
 * An image whose answer has no target gives one row with its answer and null target columns; an
 * image that fails gives one row with its error: the job goes on. Each executor JVM loads the
 * model once, at its first row, and its tasks share it.
 *
 * <pre>{@code
 * Dataset<Row> input = spark.createDataFrame(List.of(RowFactory.create("/data/tile1.jpg", "segment the water")),
 *         new StructType().add("path", "string").add("instruction", "string"));
 * Dataset<Row> targets = SparkSegmenter.builder()
 *         .model("/shared/models/segearth-r2")     // none: the embedded demo model
 *         .imageColumn("path")
 *         .instructionColumn("instruction")
 *         .build()
 *         .transform(input);
 * }</pre>
 */
public final class SparkSegmenter {

    /** The columns added to every output row, in order. */
    public static final List<String> OUTPUT_COLUMNS = List.of("target", "answer", "phrase", "score", "area", "box",
            "rle", "error");

    private final ModelSpec model;
    private final ImageInput input;
    private final String instructionColumn;

    private SparkSegmenter(Builder b) {
        this.model = new ModelSpec(b.model, b.head, b.precision, b.threads, false);
        this.input = b.input != null ? b.input : ImageInput.paths(b.imageColumn);
        this.instructionColumn = b.instructionColumn;
    }

    /** A builder: image paths in {@code path}, instructions in {@code instruction}, the demo model. */
    public static Builder builder() {
        return new Builder();
    }

    /** The output schema for {@code input}'s schema: its columns, then {@link #OUTPUT_COLUMNS}. */
    public static StructType outputSchema(StructType input) {
        for (String c : OUTPUT_COLUMNS) {
            if (Arrays.asList(input.fieldNames()).contains(c)) {
                throw new InvalidInputException("the input has a column '" + c + "', which the output adds; rename it"
                        + " (the output adds " + OUTPUT_COLUMNS + ")");
            }
        }
        StructType box = new StructType().add("x", DataTypes.IntegerType, false).add("y", DataTypes.IntegerType, false)
                .add("width", DataTypes.IntegerType, false).add("height", DataTypes.IntegerType, false);
        StructType rle = new StructType().add("height", DataTypes.IntegerType, false)
                .add("width", DataTypes.IntegerType, false).add("counts", DataTypes.StringType, false);
        List<StructField> fields = new ArrayList<>(Arrays.asList(input.fields()));
        fields.add(DataTypes.createStructField("target", DataTypes.IntegerType, true));
        fields.add(DataTypes.createStructField("answer", DataTypes.StringType, true));
        fields.add(DataTypes.createStructField("phrase", DataTypes.StringType, true));
        fields.add(DataTypes.createStructField("score", DataTypes.DoubleType, true));
        fields.add(DataTypes.createStructField("area", DataTypes.LongType, true));
        fields.add(DataTypes.createStructField("box", box, true));
        fields.add(DataTypes.createStructField("rle", rle, true));
        fields.add(DataTypes.createStructField("error", DataTypes.StringType, true));
        return DataTypes.createStructType(fields);
    }

    /**
     * The targets of every row of {@code images} (lazy, like every transformation: the work runs
     * when an action asks for the rows).
     *
     * @throws InvalidInputException when a column the job reads is missing or not a string, or the
     *     input already has a column the output adds
     */
    public Dataset<Row> transform(Dataset<Row> images) {
        StructType schema = images.schema();
        List<String> wanted = new ArrayList<>(input.columns());
        wanted.add(instructionColumn);
        int[] positions = new int[wanted.size()];
        for (int i = 0; i < wanted.size(); i++) {
            String c = wanted.get(i);
            if (!Arrays.asList(schema.fieldNames()).contains(c)) {
                throw new InvalidInputException("the input has no column '" + c + "'; it has "
                        + Arrays.toString(schema.fieldNames()));
            }
            positions[i] = schema.fieldIndex(c);
        }
        if (!schema.fields()[positions[positions.length - 1]].dataType().equals(DataTypes.StringType)) {
            throw new InvalidInputException("the instruction column '" + instructionColumn + "' is "
                    + schema.fields()[positions[positions.length - 1]].dataType().simpleString() + ", not a string");
        }
        ImageInput in = input instanceof ImagePaths paths
                ? paths.withHadoop(images.sparkSession().sparkContext().hadoopConfiguration()) : input;
        StructType out = outputSchema(schema);
        return images.mapPartitions(new SegmentPartition(model, in, positions), Encoders.row(out));
    }

    /** Configures a {@link SparkSegmenter}. */
    public static final class Builder {
        private String model;
        private String head;
        private String precision = "auto";
        private int threads;
        private String imageColumn = "path";
        private String instructionColumn = "instruction";
        private ImageInput input;

        private Builder() {}

        /**
         * The model package every executor reads: a folder on a shared file system or on every
         * machine, or the name of a package shipped with {@code --archives} ({@code model.zip#model}
         * and {@code "model"} here). Not set: the embedded demo model (artifact segearth-demo-model).
         */
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

        /**
         * PyTorch intra-op threads per executor JVM; 0 (default) uses the cores one task holds
         * ({@code spark.task.cpus}), so that the tasks running at once fill the executor's cores.
         */
        public Builder threads(int threads) {
            if (threads < 0) {
                throw new InvalidInputException("threads must be >= 0, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** The column of image paths (default {@code path}). */
        public Builder imageColumn(String column) {
            this.imageColumn = Objects.requireNonNull(column, "column");
            this.input = null;
            return this;
        }

        /** The column of instructions (default {@code instruction}). */
        public Builder instructionColumn(String column) {
            this.instructionColumn = Objects.requireNonNull(column, "column");
            return this;
        }

        /** Another kind of input than whole image files (a tile input, say); replaces {@link #imageColumn}. */
        public Builder input(ImageInput input) {
            this.input = Objects.requireNonNull(input, "input");
            return this;
        }

        /** The transformation. */
        public SparkSegmenter build() {
            return new SparkSegmenter(this);
        }
    }
}
