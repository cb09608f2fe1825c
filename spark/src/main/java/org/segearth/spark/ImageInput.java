package org.segearth.spark;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Row;
import org.segearth.api.ImageSource;

/**
 * What one input row of a {@link SparkSegmenter} job segments: the columns it reads and how it
 * turns a row into an image. {@link #paths} reads whole image files; other units of work (crops,
 * images in a table) plug in here. GeoTIFF scenes, cut into tiles and merged per scene, are
 * {@link SparkScenes}'s.
 *
 * <pre>{@code
 * ImageInput whole = ImageInput.paths("path");
 * }</pre>
 */
public interface ImageInput extends Serializable {

    /** The input columns this input reads; the job refuses an input that lacks one. */
    List<String> columns();

    /**
     * The image of {@code row}; a failure here (unreadable file, bad window) becomes that row's
     * error, not a failed job.
     *
     * @param row the input row
     * @param columns the position of each of {@link #columns()} in {@code row}, in that order
     */
    ImageSource read(Row row, int[] columns);

    /** A short name of the row's image for messages (its path, say). */
    String describe(Row row, int[] columns);

    /**
     * Whole image files named by {@code column}: local paths or {@code file:} URIs as every
     * executor sees them, or Hadoop file system URIs ({@code hdfs:}, {@code s3a:}, ...) read with
     * the job's Hadoop configuration.
     */
    static ImageInput paths(String column) {
        return new ImagePaths(column, null);
    }
}
