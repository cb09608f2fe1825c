package org.segearth.geo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.segearth.api.Segmenter;
import org.segearth.runtime.FileTrees;
import org.segearth.runtime.pipeline.DefaultSegmenter;

/**
 * A scene end to end with the demo model, teacher-forced (so that every tile does the same work),
 * tiles encoded one at a time against two at a time, alternating in one process, the feature
 * cache emptied before each run; prints each run and the medians. Used for docs/performance.md.
 *
 * <pre>java -cp ... org.segearth.geo.SceneBatchTiming scene.tif [ROUNDS [ANSWER]]</pre>
 */
public final class SceneBatchTiming {

    private SceneBatchTiming() {}

    public static void main(String[] args) throws Exception {
        Path scene = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String answer = args.length > 2 ? args[2] : "[SEG] roads";
        double[][] seconds = new double[2][rounds];
        try (Segmenter segmenter = Segmenter.builder().maskLogits(true).build()) {
            DefaultSegmenter d = (DefaultSegmenter) segmenter;
            for (int r = -1; r < rounds; r++) { // one warm-up round
                for (int b = 0; b < 2; b++) {
                    Path out = Files.createTempDirectory("scene-batch-timing");
                    d.cache().close();
                    long start = System.nanoTime();
                    SceneResult result = new SceneSegmenter(segmenter, SceneOptions.defaults().withTileBatch(b + 1))
                            .segmentWithAnswer(scene, "segment the roads", answer, out);
                    double s = (System.nanoTime() - start) / 1e9;
                    FileTrees.deleteTree(out);
                    System.out.printf(Locale.ROOT, "round %d, tile batch %d: %d tiles, %.1f s, %d pixels%n", r, b + 1,
                            result.tiles(), s, result.targets().isEmpty() ? 0 : result.targets().get(0).pixels());
                    if (r >= 0) {
                        seconds[b][r] = s;
                    }
                }
            }
        }
        double one = median(seconds[0]);
        double two = median(seconds[1]);
        System.out.printf(Locale.ROOT, "median: one at a time %.1f s, two at a time %.1f s (%.0f %% less)%n", one, two,
                100 * (one - two) / one);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
