package org.segearth.runtime.train.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.segearth.runtime.Engines;

class PointSamplerTest {

    /** Plain scalar grid_sample (bilinear, align_corners False, zero padding) on one plane. */
    static double reference(float[] plane, int h, int w, double x01, double y01) {
        double ix = x01 * w - 0.5;
        double iy = y01 * h - 0.5;
        int x0 = (int) Math.floor(ix);
        int y0 = (int) Math.floor(iy);
        double fx = ix - x0;
        double fy = iy - y0;
        double v = 0;
        for (int dy = 0; dy <= 1; dy++) {
            for (int dx = 0; dx <= 1; dx++) {
                int x = x0 + dx;
                int y = y0 + dy;
                if (x >= 0 && x < w && y >= 0 && y < h) {
                    v += (dx == 0 ? 1 - fx : fx) * (dy == 0 ? 1 - fy : fy) * plane[y * w + x];
                }
            }
        }
        return v;
    }

    @Test
    void equalsBilinearUpsamplingAtPixelCentresInside() {
        try (NDManager m = Engines.newManager()) {
            int h = 5;
            int w = 7;
            int oh = 20;
            int ow = 28;
            NDArray input = m.randomNormal(new Shape(2, h, w));
            NDArray up = input.expandDims(1).getNDArrayInternal().interpolation(new long[] {oh, ow}, 1, false).squeeze(1);
            float[] upValues = up.toFloatArray();
            // interior output pixels: their source position is not clamped by interpolate
            int rows = oh - 4;
            int cols = ow - 4;
            float[][][] coords = new float[2][rows * cols][2];
            float[] expected = new float[2 * rows * cols];
            for (int n = 0; n < 2; n++) {
                int k = 0;
                for (int y = 2; y < oh - 2; y++) {
                    for (int x = 2; x < ow - 2; x++, k++) {
                        coords[n][k][0] = (x + 0.5f) / ow;
                        coords[n][k][1] = (y + 0.5f) / oh;
                        expected[n * rows * cols + k] = upValues[(n * oh + y) * ow + x];
                    }
                }
            }
            float[] actual = PointSampler.pointSample(input, coords).toFloatArray();
            assertArrayEquals(expected, actual, 1e-5f);
        }
    }

    @Test
    void matchesScalarReferenceWithZeroPaddingAtBorders() {
        try (NDManager m = Engines.newManager()) {
            int h = 6;
            int w = 9;
            NDArray input = m.randomUniform(-2f, 2f, new Shape(3, h, w));
            float[] values = input.toFloatArray();
            float[][][] coords = PointSampler.uniform(3, 200, new SplittableRandom(7));
            coords[0][0] = new float[] {0f, 0f};
            coords[0][1] = new float[] {1f, 1f};
            coords[1][0] = new float[] {0.999f, 0.001f};
            float[] actual = PointSampler.pointSample(input, coords).toFloatArray();
            for (int n = 0; n < 3; n++) {
                float[] plane = new float[h * w];
                System.arraycopy(values, n * h * w, plane, 0, h * w);
                for (int p = 0; p < 200; p++) {
                    double e = reference(plane, h, w, coords[n][p][0], coords[n][p][1]);
                    assertEquals(e, actual[n * 200 + p], 1e-5, "mask " + n + " point " + p);
                }
            }
            // the corner (0, 0) sees a quarter of the first pixel, the rest is zero padding
            assertEquals(0.25 * values[0], actual[0], 1e-6);
        }
    }

    @Test
    void gradientFlowsToTheInput() {
        try (NDManager m = Engines.newManager()) {
            NDArray input = m.randomNormal(new Shape(1, 4, 4));
            float[][][] coords = {{{0.5f, 0.5f}, {0.3f, 0.8f}}};
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                input.setRequiresGradient(true);
                NDArray out = PointSampler.pointSample(input, coords).sum();
                gc.backward(out);
            }
            float[] grad = input.getGradient().toFloatArray();
            double total = 0;
            for (float g : grad) {
                total += g;
            }
            // both points lie inside: all four weights of each sum to one
            assertEquals(2.0, total, 1e-5);
        }
    }

    @Test
    void uncertainPointsKeepTheSmallestLogitsAndAreSeeded() {
        try (NDManager m = Engines.newManager()) {
            int h = 8;
            int w = 10;
            NDArray logits = m.randomNormal(new Shape(2, h, w)).mul(3f);
            float[] values = logits.toFloatArray();
            int numPoints = 40;
            float[][][] a = PointSampler.uncertainPoints(logits, numPoints, 3, 0.75, new SplittableRandom(11));
            float[][][] b = PointSampler.uncertainPoints(logits, numPoints, 3, 0.75, new SplittableRandom(11));
            assertEquals(2, a.length);
            for (int n = 0; n < 2; n++) {
                assertEquals(numPoints, a[n].length);
                for (int p = 0; p < numPoints; p++) {
                    assertArrayEquals(a[n][p], b[n][p]);
                    assertTrue(a[n][p][0] >= 0 && a[n][p][0] < 1 && a[n][p][1] >= 0 && a[n][p][1] < 1);
                }
            }
            // re-draw the candidates with the same seed and choose them independently
            SplittableRandom rng = new SplittableRandom(11);
            float[][][] candidates = PointSampler.uniform(2, 120, rng);
            for (int n = 0; n < 2; n++) {
                float[] plane = new float[h * w];
                System.arraycopy(values, n * h * w, plane, 0, h * w);
                double[] u = new double[120];
                for (int p = 0; p < 120; p++) {
                    u[p] = Math.abs(reference(plane, h, w, candidates[n][p][0], candidates[n][p][1]));
                }
                double[] sorted = u.clone();
                java.util.Arrays.sort(sorted);
                double threshold = sorted[29];
                Set<String> chosen = new HashSet<>();
                for (int p = 0; p < 30; p++) {
                    chosen.add(a[n][p][0] + "," + a[n][p][1]);
                    double v = Math.abs(reference(plane, h, w, a[n][p][0], a[n][p][1]));
                    assertTrue(v <= threshold + 1e-5, "point " + p + " is not among the 30 most uncertain");
                }
                assertEquals(30, chosen.size());
            }
            // the uniform remainder follows the candidates in the random stream
            for (int n = 0; n < 2; n++) {
                for (int p = 30; p < numPoints; p++) {
                    assertEquals(rng.nextFloat(), a[n][p][0]);
                    assertEquals(rng.nextFloat(), a[n][p][1]);
                }
            }
        }
    }
}
