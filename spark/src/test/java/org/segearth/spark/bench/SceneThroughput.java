package org.segearth.spark.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.segearth.api.Segmenter;
import org.segearth.geo.SceneOptions;
import org.segearth.geo.SceneResult;
import org.segearth.geo.SceneSegmenter;
import org.segearth.spark.SparkScenes;

/**
 * One scene of 64 tiles (the 900 x 900 SpaceNet Atlanta label raster of testdata, tiles of 128
 * sharing 16: 8 x 8) through the CLI's {@link SceneSegmenter} and through a {@link SparkScenes}
 * job, with 1 or 2 cores; prints one line with the wall time of the scene (the model loaded and
 * warmed up on a 9-tile scene before the clock starts). Not a test: {@code spark/bench.sh} runs
 * it, one JVM per setting. The CLI segments one tile at a time, on {@code CORES} intra-op threads;
 * the job runs {@code CORES} tiles at once, one thread each.
 *
 * <pre>
 * SceneThroughput WORK_DIR plain|spark CORES
 * </pre>
 */
public final class SceneThroughput {

    static final String INSTRUCTION = "segment the buildings";
    static final SceneOptions OPTIONS = SceneOptions.defaults().withTile(128, 16);

    private SceneThroughput() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        String mode = args[1];
        int cores = Integer.parseInt(args[2]);
        Path testdata = Path.of(System.getProperty("segearth.testdata", "testdata")).toAbsolutePath();
        Path warm = testdata.resolve("geo/naip-lax-utm11n-rgb8-packbits.tif");
        Path scene = testdata.resolve("geo/spacenet-atlanta-buildings-mask.tif");
        Path out = Files.createTempDirectory(Files.createDirectories(work), "scene-" + mode + "-");
        double seconds;
        long targets;
        int tiles;
        if (mode.equals("plain")) {
            try (Segmenter segmenter = Segmenter.builder().threads(cores).maskLogits(true).build()) {
                SceneSegmenter scenes = new SceneSegmenter(segmenter, OPTIONS);
                scenes.segment(warm, INSTRUCTION, out.resolve("warm-up"));
                long t0 = System.nanoTime();
                SceneResult r = scenes.segment(scene, INSTRUCTION, out.resolve("scene"));
                seconds = (System.nanoTime() - t0) / 1e9;
                targets = r.targets().size();
                tiles = r.tiles();
            }
        } else {
            SparkSession spark = SparkSession.builder().master("local[" + cores + "]").appName("scene-throughput")
                    .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", cores)
                    .getOrCreate();
            spark.sparkContext().setLogLevel("WARN");
            SparkScenes job = SparkScenes.builder().options(OPTIONS).build();
            StructType schema = new StructType().add("scene", DataTypes.StringType).add("instruction", DataTypes.StringType);
            job.transform(spark.createDataFrame(List.of(RowFactory.create(warm.toString(), INSTRUCTION)), schema))
                    .collectAsList(); // model load + warm-up
            long t0 = System.nanoTime();
            List<Row> rows = job.transform(spark.createDataFrame(List.of(RowFactory.create(scene.toString(),
                    INSTRUCTION)), schema)).collectAsList();
            seconds = (System.nanoTime() - t0) / 1e9;
            targets = rows.stream().filter(r -> !r.isNullAt(r.fieldIndex("target"))).count();
            tiles = 64;
            spark.stop();
        }
        System.out.printf(Locale.ROOT, "RESULT scene mode=%s cores=%d tiles=%d targets=%d seconds=%.2f tiles_per_s=%.3f%n",
                mode, cores, tiles, targets, seconds, tiles / seconds);
    }
}
