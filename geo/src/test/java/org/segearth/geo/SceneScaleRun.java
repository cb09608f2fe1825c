package org.segearth.geo;

import java.nio.file.Path;

/**
 * The geo pipeline alone on a large scene (read, stretch, blend, write, polygons), with the
 * model replaced by {@link SceneSegmenterTest.ThresholdSegmenter} (the tile's red channel as the
 * mask): what the scene machinery costs in time and memory beside the model's own. Used by
 * {@code benchmarks/geo-scale.sh}.
 *
 * <pre>java -cp ... org.segearth.geo.SceneScaleRun scene.tif out-folder [tile]</pre>
 */
public final class SceneScaleRun {

    private SceneScaleRun() {}

    public static void main(String[] args) {
        int tile = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        long start = System.nanoTime();
        SceneResult r = new SceneSegmenter(new SceneSegmenterTest.ThresholdSegmenter(),
                SceneOptions.defaults().withTile(tile, -1)).segment(Path.of(args[0]), "segment the buildings", Path.of(args[1]));
        System.out.printf("%dx%d: %d tiles, %d targets, %d pixels, %d polygons, %.1f s%n", r.width(), r.height(), r.tiles(),
                r.targets().size(), r.targets().isEmpty() ? 0 : r.targets().get(0).pixels(),
                r.targets().isEmpty() ? 0 : r.targets().get(0).polygons(), (System.nanoTime() - start) / 1e9);
    }
}
