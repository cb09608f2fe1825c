package org.segearth.heads.mask2former.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.segearth.runtime.Engines;

/** The composed ops against plain-loop transcriptions of PyTorch's CPU kernels. */
class Mask2FormerOpsTest {

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /** grid_sample(bilinear, zeros, align_corners=False) for one channel plane. */
    private static float sample(float[] plane, int h, int w, float gx, float gy) {
        float ix = ((gx + 1) * w - 1) / 2;
        float iy = ((gy + 1) * h - 1) / 2;
        int x0 = (int) Math.floor(ix);
        int y0 = (int) Math.floor(iy);
        float out = 0;
        for (int dy = 0; dy <= 1; dy++) {
            for (int dx = 0; dx <= 1; dx++) {
                int x = x0 + dx;
                int y = y0 + dy;
                float wx = dx == 0 ? x0 + 1 - ix : ix - x0;
                float wy = dy == 0 ? y0 + 1 - iy : iy - y0;
                if (x >= 0 && x < w && y >= 0 && y < h) {
                    out += plane[y * w + x] * wx * wy;
                }
            }
        }
        return out;
    }

    @Test
    void gridSampleMatchesTheKernelInsideAndOutsideTheMap() {
        Engines.init();
        Random r = new Random(7);
        int n = 3;
        int d = 4;
        int h = 5;
        int w = 7;
        int k = 40;
        float[] value = random(r, n * d * h * w);
        float[] lx = new float[n * k];
        float[] ly = new float[n * k];
        for (int i = 0; i < n * k; i++) {
            lx[i] = -0.3f + 1.6f * r.nextFloat(); // some points fall outside [0, 1]
            ly[i] = -0.3f + 1.6f * r.nextFloat();
        }
        try (NDManager m = Engines.newManager()) {
            NDArray out = Mask2FormerOps.gridSample(m.create(value, new Shape(n, d, (long) h * w)),
                    m.create(lx, new Shape(n, k)), m.create(ly, new Shape(n, k)), h, w);
            assertEquals(new Shape(n, d, k), out.getShape());
            float[] got = out.toFloatArray();
            for (int b = 0; b < n; b++) {
                for (int c = 0; c < d; c++) {
                    float[] plane = new float[h * w];
                    System.arraycopy(value, (b * d + c) * h * w, plane, 0, h * w);
                    for (int i = 0; i < k; i++) {
                        float expected = sample(plane, h, w, 2 * lx[b * k + i] - 1, 2 * ly[b * k + i] - 1);
                        assertEquals(expected, got[(b * d + c) * k + i], 1e-5);
                    }
                }
            }
        }
    }

    /** upsample_bilinear2d with align_corners=False for one plane. */
    private static float[] resize(float[] plane, int ih, int iw, int oh, int ow) {
        float[] out = new float[oh * ow];
        float sh = (float) ih / oh;
        float sw = (float) iw / ow;
        for (int y = 0; y < oh; y++) {
            float sy = Math.max(sh * (y + 0.5f) - 0.5f, 0);
            int y0 = (int) sy;
            int y1 = y0 < ih - 1 ? y0 + 1 : y0;
            float ly = sy - y0;
            for (int x = 0; x < ow; x++) {
                float sx = Math.max(sw * (x + 0.5f) - 0.5f, 0);
                int x0 = (int) sx;
                int x1 = x0 < iw - 1 ? x0 + 1 : x0;
                float lx = sx - x0;
                out[y * ow + x] = (1 - ly) * ((1 - lx) * plane[y0 * iw + x0] + lx * plane[y0 * iw + x1])
                        + ly * ((1 - lx) * plane[y1 * iw + x0] + lx * plane[y1 * iw + x1]);
            }
        }
        return out;
    }

    @Test
    void bilinearResizeShrinksAndGrowsLikeInterpolate() {
        Engines.init();
        Random r = new Random(11);
        int[][] cases = {{32, 32, 4, 4}, {8, 8, 16, 16}, {5, 7, 3, 2}, {3, 4, 7, 9}, {6, 6, 6, 6}};
        try (NDManager m = Engines.newManager()) {
            for (int[] c : cases) {
                float[] plane = random(r, c[0] * c[1]);
                NDArray x = m.create(plane, new Shape(1, 1, c[0], c[1]));
                float[] got = Mask2FormerOps.resizeBilinear(x, c[2], c[3]).toFloatArray();
                float[] expected = resize(plane, c[0], c[1], c[2], c[3]);
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], got[i], 1e-5, "case " + java.util.Arrays.toString(c) + " at " + i);
                }
            }
        }
    }

    @Test
    void groupNormNormalisesEachGroup() {
        Engines.init();
        Random r = new Random(3);
        int c = 8;
        int groups = 2;
        int hw = 6;
        float[] x = random(r, c * hw);
        float[] gamma = random(r, c);
        float[] beta = random(r, c);
        try (NDManager m = Engines.newManager()) {
            float[] got = Mask2FormerOps.groupNorm(m.create(x, new Shape(1, c, 2, 3)), groups,
                    m.create(gamma), m.create(beta)).toFloatArray();
            int per = c / groups * hw;
            for (int g = 0; g < groups; g++) {
                double mean = 0;
                for (int i = 0; i < per; i++) {
                    mean += x[g * per + i];
                }
                mean /= per;
                double var = 0;
                for (int i = 0; i < per; i++) {
                    var += Math.pow(x[g * per + i] - mean, 2);
                }
                var /= per;
                for (int i = 0; i < per; i++) {
                    int ch = (g * per + i) / hw;
                    double expected = (x[g * per + i] - mean) / Math.sqrt(var + 1e-5) * gamma[ch] + beta[ch];
                    assertEquals(expected, got[g * per + i], 1e-5);
                }
            }
        }
    }

    @Test
    void sinePositionEmbeddingInterleavesSinAndCos() {
        Engines.init();
        try (NDManager m = Engines.newManager()) {
            NDArray pos = new Mask2FormerSinePositionEmbedding(4).forward(m, 2, 3);
            assertEquals(new Shape(1, 8, 2, 3), pos.getShape());
            float[] p = pos.toFloatArray();
            double y1 = 2 * Math.PI * 1 / (2 + 1e-6);
            double x2 = 2 * Math.PI * 2 / (3 + 1e-6);
            // channel 0: sin(y / 1), channel 1: cos(y / 1), channel 2: sin(y / 100), at (0, 0)
            assertEquals(Math.sin(y1), p[0], 1e-6);
            assertEquals(Math.cos(y1), p[6], 1e-6);
            assertEquals(Math.sin(y1 / 100), p[12], 1e-6);
            // channel 4 + 1 (x, cos) at (0, 1)
            assertEquals(Math.cos(x2), p[5 * 6 + 1], 1e-6);
        }
    }

    @Test
    void referencePointsAreCellCentres() {
        Engines.init();
        try (NDManager m = Engines.newManager()) {
            float[] ref = MultiscaleDeformableAttention.referencePoints(m, new int[][] {{1, 2}, {2, 1}}).toFloatArray();
            assertArrayEquals(new float[] {0.25f, 0.5f, 0.75f, 0.5f, 0.5f, 0.25f, 0.5f, 0.75f}, ref, 1e-7f);
        }
    }
}
