package org.segearth.spark.sample;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.segearth.spark.SparkSegmenter;

/**
 * Segments every image of a folder with one instruction on a Spark cluster and writes the targets
 * as Parquet (one row per target: path, instruction, target, answer, phrase, score, area, box,
 * COCO RLE, error). Run with {@code spark-submit} (README.md, "Apache Spark"):
 *
 * <pre>
 * SegmentImagesOnSpark IMAGES INSTRUCTION OUT [MODEL]
 * SegmentImagesOnSpark hdfs:///imagery/tiles "segment the water" hdfs:///results/water /shared/models/segearth-r2
 * </pre>
 *
 * <p>IMAGES is a folder (any Hadoop file system) whose {@code .jpg}, {@code .jpeg}, {@code .png}
 * and {@code .tif} files are segmented; OUT must not exist; MODEL is a package every executor can
 * read (none: the embedded demo model). The core of it:
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("binaryFile").option("pathGlobFilter", "*.{jpg,jpeg,png,tif}")
 *         .load(folder).select(col("path"), lit(instruction).as("instruction"));
 * Dataset<Row> targets = SparkSegmenter.builder().model(model).build().transform(images);
 * targets.write().parquet(out);
 * }</pre>
 */
public final class SegmentImagesOnSpark {

    private SegmentImagesOnSpark() {}

    /** {@code SegmentImagesOnSpark IMAGES INSTRUCTION OUT [MODEL]}. */
    public static void main(String[] args) {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: SegmentImagesOnSpark IMAGES INSTRUCTION OUT [MODEL]");
            System.exit(2);
        }
        SparkSession spark = SparkSession.builder().appName("segearth-segment").getOrCreate();
        try {
            Summary s = run(spark, args[0], args[1], args[2], args.length == 4 ? args[3] : null);
            System.out.printf("%d images, %d targets, %d images failed; targets in %s%n", s.images(), s.targets(),
                    s.failed(), args[2]);
        } finally {
            spark.stop();
        }
    }

    /** What a run wrote. */
    public record Summary(long images, long targets, long failed) {}

    /**
     * Segments the images of {@code folder} with {@code instruction} and writes the targets to
     * {@code out} as Parquet.
     *
     * @param model the model package every executor reads, or null for the embedded demo model
     */
    public static Summary run(SparkSession spark, String folder, String instruction, String out, String model) {
        Dataset<Row> images = spark.read().format("binaryFile")
                .option("pathGlobFilter", "*.{jpg,jpeg,png,tif,JPG,JPEG,PNG,TIF}")
                .load(folder)
                .select(col("path"), lit(instruction).as("instruction"));
        SparkSegmenter segmenter = SparkSegmenter.builder().model(model).build();
        segmenter.transform(images).write().parquet(out);
        Dataset<Row> written = spark.read().parquet(out);
        return new Summary(written.select("path").distinct().count(), written.where(col("target").isNotNull()).count(),
                written.where(col("error").isNotNull()).count());
    }
}
