package org.segearth.spark;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** One Spark in {@code local[2]} for the tests of this module (Spark stops it when the JVM ends). */
final class LocalSpark {

    private static SparkSession spark;

    private LocalSpark() {}

    static synchronized SparkSession session() {
        if (spark == null) {
            Path work = Path.of("target").toAbsolutePath();
            spark = SparkSession.builder()
                    .master("local[2]")
                    .appName("segearth-spark-test")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.local.dir", work.resolve("spark-local").toString())
                    .getOrCreate();
            spark.sparkContext().setLogLevel("WARN");
        }
        return spark;
    }

    /** The repository's {@code testdata} folder. */
    static Path testdata() {
        return Path.of(System.getProperty("segearth.testdata"));
    }
}
