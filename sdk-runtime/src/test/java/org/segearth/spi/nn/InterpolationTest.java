package org.segearth.spi.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.segearth.runtime.Engines;

class InterpolationTest {

    /** torch's {@code area_pixel_compute_source_index} + {@code guard_index_and_lambda}, align_corners=False. */
    private static float[] torchLinear1d(float[] in, int out) {
        int n = in.length;
        float scale = (float) n / out;
        float[] y = new float[out];
        for (int o = 0; o < out; o++) {
            float src = Math.max(scale * (o + 0.5f) - 0.5f, 0f);
            int i0 = Math.min((int) Math.floor(src), n - 1);
            float lambda = Math.min(Math.max(src - i0, 0f), 1f);
            int i1 = i0 + (i0 < n - 1 ? 1 : 0);
            y[o] = (1f - lambda) * in[i0] + lambda * in[i1];
        }
        return y;
    }

    /** The same formula separably on both axes of one {@code [h, w]} plane. */
    private static float[] torchBilinear(float[] x, int h, int w, int oh, int ow) {
        float[] rowsDone = new float[h * ow];
        for (int r = 0; r < h; r++) {
            float[] row = new float[w];
            System.arraycopy(x, r * w, row, 0, w);
            System.arraycopy(torchLinear1d(row, ow), 0, rowsDone, r * ow, ow);
        }
        float[] out = new float[oh * ow];
        for (int c = 0; c < ow; c++) {
            float[] col = new float[h];
            for (int r = 0; r < h; r++) {
                col[r] = rowsDone[r * ow + c];
            }
            float[] res = torchLinear1d(col, oh);
            for (int r = 0; r < oh; r++) {
                out[r * ow + c] = res[r];
            }
        }
        return out;
    }

    @Test
    void shrinkingMatchesTorchFormula() {
        try (NDManager m = Engines.newManager()) {
            int[][] cases = {{17, 23, 5, 7}, {8, 8, 3, 3}, {64, 64, 13, 29}, {9, 4, 4, 9}, {5, 6, 13, 17}, {32, 32, 4, 4},
                {5, 7, 3, 2}, {6, 6, 6, 6}};
            for (int[] c : cases) {
                NDArray x = m.randomNormal(new Shape(2, 1, c[0], c[1]));
                float[] actual = Interpolation.bilinear(x, c[2], c[3]).toFloatArray();
                float[] all = x.toFloatArray();
                int plane = c[0] * c[1];
                int outPlane = c[2] * c[3];
                for (int b = 0; b < 2; b++) {
                    float[] one = new float[plane];
                    System.arraycopy(all, b * plane, one, 0, plane);
                    float[] expected = torchBilinear(one, c[0], c[1], c[2], c[3]);
                    float[] got = new float[outPlane];
                    System.arraycopy(actual, b * outPlane, got, 0, outPlane);
                    assertArrayEquals(expected, got, 1e-5f);
                }
            }
        }
    }

    @Test
    void linearShrinksLikeTorch() {
        try (NDManager m = Engines.newManager()) {
            float[] in = m.randomNormal(new Shape(27)).toFloatArray();
            float[] actual = Interpolation.linear(m.create(in, new Shape(1, 27)), 9).toFloatArray();
            assertArrayEquals(torchLinear1d(in, 9), actual, 1e-6f);
            float[] up = Interpolation.linear(m.create(in, new Shape(1, 27)), 40).toFloatArray();
            assertArrayEquals(torchLinear1d(in, 40), up, 1e-6f);
        }
    }

    @Test
    void enlargingMatchesTorchKernel() {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.randomNormal(new Shape(1, 3, 5, 6));
            float[] expected = x.getNDArrayInternal().interpolation(new long[] {13, 17}, 1, false).toFloatArray();
            assertArrayEquals(expected, Interpolation.bilinear(x, 13, 17).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void djlKernelSmoothsWhenShrinking() {
        // the reason this class exists: DJL's bilinear mode antialiases when it shrinks
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.randomNormal(new Shape(1, 1, 16, 16));
            float[] djl = x.getNDArrayInternal().interpolation(new long[] {4, 4}, 1, false).toFloatArray();
            float[] exact = Interpolation.bilinear(x, 4, 4).toFloatArray();
            double maxDiff = 0;
            for (int i = 0; i < djl.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(djl[i] - exact[i]));
            }
            assertTrue(maxDiff > 1e-3, "DJL now shrinks like torch without antialias; max diff " + maxDiff);
        }
    }
}
