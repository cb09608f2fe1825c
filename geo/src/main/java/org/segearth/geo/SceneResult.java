package org.segearth.geo;

import java.util.List;
import java.util.Objects;

/**
 * What segmenting a scene gave and wrote.
 *
 * @param width scene columns
 * @param height scene rows
 * @param crs the scene's CRS name
 * @param tiles tiles in the layout
 * @param skippedTiles tiles skipped because every pixel was nodata
 * @param stretch the stretch applied
 * @param targets the scene's targets, in the order they were first found
 * @param files the names written into the output folder
 */
public record SceneResult(int width, int height, String crs, int tiles, int skippedTiles, String stretch,
        List<SceneTarget> targets, List<String> files) {

    public SceneResult {
        Objects.requireNonNull(crs, "crs");
        targets = List.copyOf(targets);
        files = List.copyOf(files);
    }

    /**
     * One target of a scene: the per-tile targets whose normalised phrases are equal.
     *
     * @param index position among the scene's targets, from 0 (the {@code mask-<index>.tif} file)
     * @param phrase the phrase, normalised (lower case, no leading article or trailing punctuation)
     * @param score mean of the per-tile scores weighted by each tile's mask area (plain mean when
     *     every tile's mask was empty)
     * @param pixels foreground pixels of the blended mask
     * @param areaSquareMetres area of its polygons (planar in a projected CRS, geodesic in a geographic one)
     * @param polygons polygons in the vector file
     * @param tiles tiles that named it
     */
    public record SceneTarget(int index, String phrase, double score, long pixels, double areaSquareMetres, int polygons,
            int tiles) {}
}
