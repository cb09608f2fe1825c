package org.segearth.spark.sample;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.segearth.api.InvalidInputException;
import org.segearth.geo.SceneOptions;
import org.segearth.spark.SparkScenes;

/**
 * Segments every GeoTIFF scene of a folder with one instruction on a Spark cluster: the scenes'
 * tiles are segmented across the executors and merged per scene as {@code segearth segment
 * --image scene.tif} merges them. Writes the scene targets as Parquet ({@code OUT/targets}: scene,
 * instruction, target, phrase, score, area_m2, pixels, polygons, tiles, box, WKB geometry in the
 * scene's CRS, crs, error) and each scene's files ({@code OUT/scenes/<name>/}: mask GeoTIFFs,
 * GeoJSON, quick-look, scene.json). Run with {@code spark-submit} (README.md, "Apache Spark"):
 *
 * <pre>
 * SegmentScenesOnSpark SCENES INSTRUCTION OUT [MODEL [TILE]]
 * SegmentScenesOnSpark /shared/scenes "segment the buildings" /shared/results/buildings /shared/models/segearth-r2
 * </pre>
 *
 * <p>SCENES is a folder every executor reads (a shared file system) whose {@code .tif} and
 * {@code .tiff} files are the scenes; OUT, on the same kind of file system, must be new or empty;
 * MODEL is a package every executor can read ({@code -}: the embedded demo model); TILE is the
 * tile side in pixels (default: the CLI's). The core of it:
 *
 * <pre>{@code
 * Dataset<Row> targets = SparkScenes.builder().model(model).options(SceneOptions.defaults())
 *         .outputColumn("out").build().transform(scenes);
 * targets.write().parquet(out + "/targets");
 * }</pre>
 */
public final class SegmentScenesOnSpark {

    private SegmentScenesOnSpark() {}

    /** {@code SegmentScenesOnSpark SCENES INSTRUCTION OUT [MODEL [TILE]]}. */
    public static void main(String[] args) {
        if (args.length < 3 || args.length > 5) {
            System.err.println("usage: SegmentScenesOnSpark SCENES INSTRUCTION OUT [MODEL [TILE]]");
            System.exit(2);
        }
        String model = args.length >= 4 && !args[3].equals("-") ? args[3] : null;
        SceneOptions options = SceneOptions.defaults();
        if (args.length == 5) {
            options = options.withTile(Integer.parseInt(args[4]), -1);
        }
        SparkSession spark = SparkSession.builder().appName("segearth-scenes").getOrCreate();
        try {
            Summary s = run(spark, Path.of(args[0]), args[1], Path.of(args[2]), model, options);
            System.out.printf("%d scenes, %d targets, %d scenes failed; targets in %s%n", s.scenes(), s.targets(),
                    s.failed(), Path.of(args[2]).resolve("targets"));
        } finally {
            spark.stop();
        }
    }

    /** What a run wrote. */
    public record Summary(long scenes, long targets, long failed) {}

    /**
     * Segments the scenes of {@code folder} with {@code instruction}; writes {@code out/targets}
     * (Parquet) and {@code out/scenes/<scene name>/}.
     *
     * @param model the model package every executor reads, or null for the embedded demo model
     * @throws InvalidInputException when {@code out} exists and is not empty, or the folder holds no scene
     */
    public static Summary run(SparkSession spark, Path folder, String instruction, Path out, String model,
            SceneOptions options) {
        List<Path> scenes;
        try (Stream<Path> files = Files.list(folder)) {
            scenes = files.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.tiff?"))
                    .sorted().toList();
            if (Files.isDirectory(out)) {
                try (Stream<Path> existing = Files.list(out)) {
                    if (existing.findAny().isPresent()) {
                        throw new InvalidInputException(out + " is not empty; give a new or empty folder");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(folder + ": " + e.getMessage(), e);
        }
        if (scenes.isEmpty()) {
            throw new InvalidInputException(folder + " holds no .tif or .tiff scene");
        }
        List<Row> rows = scenes.stream().map(p -> RowFactory.create(p.toAbsolutePath().toString(), instruction,
                out.toAbsolutePath().resolve("scenes").resolve(stem(p)).toString())).toList();
        Dataset<Row> input = spark.createDataFrame(rows, new StructType().add("scene", DataTypes.StringType)
                .add("instruction", DataTypes.StringType).add("out", DataTypes.StringType));
        SparkScenes job = SparkScenes.builder().model(model).options(options).outputColumn("out").build();
        String targets = out.toAbsolutePath().resolve("targets").toUri().toString();
        job.transform(input).drop("out").write().parquet(targets);
        Dataset<Row> written = spark.read().parquet(targets);
        return new Summary(written.select("scene").distinct().count(), written.where(col("target").isNotNull()).count(),
                written.where(col("error").isNotNull()).count());
    }

    private static String stem(Path scene) {
        String name = scene.getFileName().toString();
        return name.substring(0, name.lastIndexOf('.'));
    }
}
