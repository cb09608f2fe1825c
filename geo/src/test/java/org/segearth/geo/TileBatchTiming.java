package org.segearth.geo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Locale;
import org.segearth.api.Segmenter;
import org.segearth.runtime.pipeline.DefaultSegmenter;
import org.segearth.runtime.pipeline.SegEarthModel;

/**
 * Whether batching tiles would speed up a scene on this machine: the demo model's two image
 * encoders (SigLIP tower and Swin mask encoder, what a tile costs before the language model) on a
 * batch of {@code B} tiles against {@code B} batches of one, in the same process, alternating,
 * after a warm-up; prints the medians. Used for docs/performance.md.
 *
 * <pre>java -cp ... org.segearth.geo.TileBatchTiming [BATCH [REPEATS [PRECISION]]]</pre>
 */
public final class TileBatchTiming {

    private TileBatchTiming() {}

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        String precision = args.length > 2 ? args[2] : "f32";
        try (Segmenter segmenter = Segmenter.builder().precision(precision).build()) {
            SegEarthModel model = ((DefaultSegmenter) segmenter).model();
            int visionSide = model.visionEncoder().imageSize();
            int maskSide = model.modelPackage().manifest().maskImageSize();
            double[][] times = new double[4][repeats]; // vision 1 x B, vision B, mask 1 x B, mask B
            try (NDManager m = model.manager().newSubManager()) {
                NDArray vision = m.randomNormal(new Shape(batch, 3, visionSide, visionSide));
                NDArray mask = m.randomNormal(new Shape(batch, 3, maskSide, maskSide));
                for (int r = -2; r < repeats; r++) { // two warm-up rounds
                    double[] t = round(m, model, vision, mask, batch);
                    if (r >= 0) {
                        for (int i = 0; i < 4; i++) {
                            times[i][r] = t[i];
                        }
                    }
                }
            }
            System.out.printf(Locale.ROOT, "demo model (vision %d px, mask %d px, %s), %d tiles, median of %d, threads %s:%n",
                    visionSide, maskSide, precision, batch, repeats, System.getProperty("ai.djl.pytorch.num_threads", "default"));
            String[] names = {"vision encoder", "mask encoder"};
            for (int e = 0; e < 2; e++) {
                double single = median(times[2 * e]);
                double batched = median(times[2 * e + 1]);
                System.out.printf(Locale.ROOT, "  %s: %d x batch 1 %.1f ms, batch %d %.1f ms (%.0f %% of the singles)%n",
                        names[e], batch, single, batch, batched, 100 * batched / single);
            }
            double single = median(times[0]) + median(times[2]);
            double batched = median(times[1]) + median(times[3]);
            System.out.printf(Locale.ROOT, "  both: %.1f ms against %.1f ms: batching saves %.1f %%%n", single, batched,
                    100 * (single - batched) / single);
        }
    }

    private static double[] round(NDManager parent, SegEarthModel model, NDArray vision, NDArray mask, int batch) {
        double[] t = new double[4];
        try (NDManager m = parent.newSubManager()) {
            long a = System.nanoTime();
            for (int b = 0; b < batch; b++) {
                model.visionEncoder().encode(vision.get(b).expandDims(0)).toFloatArray();
            }
            long c = System.nanoTime();
            model.visionEncoder().encode(vision).toFloatArray();
            long d = System.nanoTime();
            for (int b = 0; b < batch; b++) {
                model.maskEncoder().encode(mask.get(b).expandDims(0)).forEach(NDArray::toFloatArray);
            }
            long e = System.nanoTime();
            model.maskEncoder().encode(mask).forEach(NDArray::toFloatArray);
            long f = System.nanoTime();
            t[0] = (c - a) / 1e6;
            t[1] = (d - c) / 1e6;
            t[2] = (e - d) / 1e6;
            t[3] = (f - e) / 1e6;
        }
        return t;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
