package org.segearth.spark.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.segearth.api.Segmenter;
import org.segearth.spark.SparkSegmenter;

/**
 * The same 64 tiles through the plain API and through a Spark job, with 1 or 2 cores; prints one
 * line with the wall time of the 64 tiles (the model loaded and warmed up before the clock starts).
 * Not a test: {@code spark/bench.sh} runs it, one JVM per setting.
 *
 * <pre>
 * TileThroughput TILES_DIR plain|spark CORES
 * </pre>
 */
public final class TileThroughput {

    static final String INSTRUCTION = "segment the water";

    private TileThroughput() {}

    public static void main(String[] args) throws Exception {
        Path tiles = Path.of(args[0]);
        String mode = args[1];
        int cores = Integer.parseInt(args[2]);
        List<Path> files = makeTiles(tiles);
        double seconds;
        long targets;
        if (mode.equals("plain")) {
            try (Segmenter segmenter = Segmenter.builder().threads(1).build()) {
                segmenter.segment(files.get(0), INSTRUCTION); // warm-up
                long t0 = System.nanoTime();
                targets = plain(segmenter, files, cores);
                seconds = (System.nanoTime() - t0) / 1e9;
            }
        } else {
            SparkSession spark = SparkSession.builder().master("local[" + cores + "]").appName("tile-throughput")
                    .config("spark.ui.enabled", "false").getOrCreate();
            spark.sparkContext().setLogLevel("WARN");
            SparkSegmenter job = SparkSegmenter.builder().build();
            job.transform(input(spark, files.subList(0, cores), cores)).collectAsList(); // model load + warm-up
            long t0 = System.nanoTime();
            targets = job.transform(input(spark, files, cores)).where("target is not null").collectAsList().size();
            seconds = (System.nanoTime() - t0) / 1e9;
            spark.stop();
        }
        System.out.printf(Locale.ROOT, "RESULT mode=%s cores=%d tiles=%d targets=%d seconds=%.2f tiles_per_s=%.3f%n",
                mode, cores, files.size(), targets, seconds, files.size() / seconds);
    }

    private static long plain(Segmenter segmenter, List<Path> files, int cores) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(cores);
        try {
            List<Future<Integer>> f = new ArrayList<>();
            for (Path p : files) {
                f.add(pool.submit(() -> segmenter.segment(p, INSTRUCTION).targets().size()));
            }
            long n = 0;
            for (Future<Integer> x : f) {
                n += x.get();
            }
            return n;
        } finally {
            pool.shutdown();
        }
    }

    private static Dataset<Row> input(SparkSession spark, List<Path> files, int partitions) {
        List<Row> rows = files.stream().map(p -> RowFactory.create(p.toString(), INSTRUCTION)).toList();
        return spark.createDataFrame(rows, new StructType().add("path", DataTypes.StringType)
                .add("instruction", DataTypes.StringType)).repartition(partitions * 4);
    }

    /** 64 crops of 96 x 96 pixels, 32 from each Dubai tile of testdata, as PNG (made once). */
    static List<Path> makeTiles(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path testdata = Path.of(System.getProperty("segearth.testdata", "testdata"));
        List<Path> out = new ArrayList<>();
        for (int part = 1; part <= 2; part++) {
            BufferedImage img = ImageIO.read(testdata.resolve("dubai/images/Tile1_image_part_00" + part + ".jpg").toFile());
            for (int x = 0; x < 32; x += 4) {
                for (int y : new int[] {0, 2, 4, 7}) {
                    Path f = dir.resolve(String.format(Locale.ROOT, "tile%d_%02d_%d.png", part, x, y));
                    if (!Files.exists(f)) {
                        ImageIO.write(img.getSubimage(x, y, 96, 96), "png", f.toFile());
                    }
                    out.add(f);
                }
            }
        }
        return out;
    }
}
