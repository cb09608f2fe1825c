/**
 * SegEarth on Apache Spark 4: {@link org.segearth.spark.SparkSegmenter} segments the images of a
 * DataFrame (one output row per target, failures as rows with an error), and
 * {@link org.segearth.spark.SparkEvaluation} runs {@code segearth eval} with the samples scored on
 * the executors and the report made on the driver, and {@link org.segearth.spark.SparkScenes}
 * segments GeoTIFF scenes tile by tile across the cluster and merges each scene's tiles with the
 * geo module's merge (the CLI's). Each executor JVM loads the model once and its tasks share it.
 * {@link org.segearth.spark.ImageInput} is where other units of work than whole image files plug in.
 */
package org.segearth.spark;
