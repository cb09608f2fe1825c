package org.segearth.runtime.train.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Mask2Former's point sampling: {@code point_sample} (torch {@code grid_sample}, bilinear,
 * {@code align_corners=False}, zero padding, on coordinates normalised to [0, 1]) and the
 * uncertainty-driven choice of the points ({@code get_uncertain_point_coords_with_randomness}:
 * oversample, keep the most uncertain, {@code -|logit|}, fill up with uniform points).
 *
 * <p>Coordinates are plain {@code float[mask][point][2]} arrays holding (x, y) = (column, row)
 * in [0, 1]: they are never differentiated, and keeping them on the heap makes the sampling
 * reproducible from a seeded {@link RandomGenerator} whatever the engine.
 */
public final class PointSampler {

    private PointSampler() {
    }

    /**
     * Samples {@code input} at {@code coords} like {@code grid_sample(input[:, None], 2 * coords - 1,
     * align_corners=False)}; differentiable with respect to {@code input}.
     *
     * @param input {@code [N, H, W]} float
     * @param coords {@code [N][P][2]} (x, y) in [0, 1]
     * @return {@code [N, P]}
     */
    public static NDArray pointSample(NDArray input, float[][][] coords) {
        Shape shape = input.getShape();
        if (shape.dimension() != 3 || shape.get(0) != coords.length) {
            throw new IllegalArgumentException("point_sample expects input [N, H, W] with N = " + coords.length
                    + " coordinate sets, got " + shape);
        }
        int n = coords.length;
        int h = (int) shape.get(1);
        int w = (int) shape.get(2);
        int p = n == 0 ? 0 : coords[0].length;
        long[][] index = new long[4][n * p];
        float[][] weight = new float[4][n * p];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < p; j++) {
                corners(coords[i][j][0], coords[i][j][1], h, w, i * p + j, index, weight);
            }
        }
        NDManager manager = input.getManager();
        NDArray flat = input.reshape(n, (long) h * w);
        NDArray out = null;
        for (int c = 0; c < 4; c++) {
            NDArray idx = manager.create(index[c], new Shape(n, p));
            NDArray wt = manager.create(weight[c], new Shape(n, p)).toType(input.getDataType(), false);
            NDArray term = flat.gather(idx, 1).mul(wt);
            out = out == null ? term : out.add(term);
        }
        return out;
    }

    /** The four neighbours of one point and their weights, as torch's grid sampler computes them. */
    private static void corners(float x01, float y01, int h, int w, int k, long[][] index, float[][] weight) {
        float gx = 2f * x01 - 1f;
        float gy = 2f * y01 - 1f;
        float ix = ((gx + 1f) * w - 1f) / 2f;
        float iy = ((gy + 1f) * h - 1f) / 2f;
        float x0 = (float) Math.floor(ix);
        float y0 = (float) Math.floor(iy);
        float x1 = x0 + 1f;
        float y1 = y0 + 1f;
        float[] wts = {
            (x1 - ix) * (y1 - iy), // north-west
            (ix - x0) * (y1 - iy), // north-east
            (x1 - ix) * (iy - y0), // south-west
            (ix - x0) * (iy - y0), // south-east
        };
        float[] xs = {x0, x1, x0, x1};
        float[] ys = {y0, y0, y1, y1};
        for (int c = 0; c < 4; c++) {
            boolean inside = xs[c] >= 0 && xs[c] < w && ys[c] >= 0 && ys[c] < h;
            index[c][k] = inside ? (long) ys[c] * w + (long) xs[c] : 0;
            weight[c][k] = inside ? wts[c] : 0f;
        }
    }

    /** {@code count} uniform points per mask for {@code masks} masks. */
    public static float[][][] uniform(int masks, int count, RandomGenerator random) {
        float[][][] coords = new float[masks][count][2];
        for (float[][] mask : coords) {
            for (float[] point : mask) {
                point[0] = random.nextFloat();
                point[1] = random.nextFloat();
            }
        }
        return coords;
    }

    /**
     * Mask2Former's importance sampling: {@code numPoints * oversampleRatio} uniform points per
     * mask, of which the {@code importanceSampleRatio * numPoints} with the highest uncertainty
     * {@code -|logit|} are kept (ties to the earlier point), followed by uniform points up to
     * {@code numPoints}.
     *
     * @param logits {@code [N, H, W]}; only read, never differentiated
     */
    public static float[][][] uncertainPoints(NDArray logits, int numPoints, double oversampleRatio,
            double importanceSampleRatio, RandomGenerator random) {
        int n = (int) logits.getShape().get(0);
        int sampled = (int) (numPoints * oversampleRatio);
        int uncertain = (int) (importanceSampleRatio * numPoints);
        int uniform = numPoints - uncertain;
        float[][][] candidates = uniform(n, sampled, random);
        float[] values;
        try (NDManager scratch = logits.getManager().newSubManager()) {
            NDArray detached = logits.stopGradient();
            detached.attach(scratch);
            NDArray sampledLogits = pointSample(detached, candidates);
            values = sampledLogits.toType(DataType.FLOAT32, false).toFloatArray();
        }
        float[][][] coords = new float[n][numPoints][2];
        for (int i = 0; i < n; i++) {
            int[] order = mostUncertain(values, i * sampled, sampled, uncertain);
            for (int j = 0; j < uncertain; j++) {
                coords[i][j] = candidates[i][order[j]].clone();
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = uncertain; j < uncertain + uniform; j++) {
                coords[i][j][0] = random.nextFloat();
                coords[i][j][1] = random.nextFloat();
            }
        }
        return coords;
    }

    /** The indices of the {@code k} values of {@code values[from, from + count)} closest to 0. */
    static int[] mostUncertain(float[] values, int from, int count, int k) {
        Integer[] order = new Integer[count];
        for (int j = 0; j < count; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (a, b) -> {
            int c = Float.compare(Math.abs(values[from + a]), Math.abs(values[from + b]));
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] top = new int[k];
        for (int j = 0; j < k; j++) {
            top[j] = order[j];
        }
        return top;
    }
}
