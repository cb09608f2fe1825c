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
