package org.segearth.runtime.train.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.segearth.runtime.Engines;

class LossesTest {

    @Test
    void textCrossEntropyByHand() {
        try (NDManager m = Engines.newManager()) {
            float[] l = {0, 0, 0, 1, 2, 3, 3, 2, 1};
            NDArray logits = m.create(l, new Shape(1, 3, 3));
            NDArray labels = m.create(new long[] {-100, 2, -100}, new Shape(1, 3));
            // only position 0 predicts label 2 from logits {0, 0, 0}
            assertEquals(Math.log(3), TextCrossEntropy.compute(logits, labels).getFloat(), 1e-6);
            NDArray none = m.create(new long[] {5, -100, -100}, new Shape(1, 3));
            assertEquals(0f, TextCrossEntropy.compute(logits, none).getFloat(), 0f);
            NDArray two = m.create(new long[] {-100, 2, 0}, new Shape(1, 3));
            double second = -(1 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)));
            assertEquals((Math.log(3) + second) / 2, TextCrossEntropy.compute(logits, two).getFloat(), 1e-6);
        }
    }

    @Test
    void pointLossesOnEveryPixelCentreEqualDenseLosses() {
        try (NDManager m = Engines.newManager()) {
            int h = 6;
            int w = 5;
            NDArray logits = m.randomNormal(new Shape(2, h, w)).mul(2f);
            NDArray gt = m.randomUniform(0f, 1f, new Shape(2, h, w)).gt(0.5f).toType(DataType.FLOAT32, false);
            float[][][] coords = new float[2][h * w][2];
            for (int n = 0; n < 2; n++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        coords[n][y * w + x] = new float[] {(x + 0.5f) / w, (y + 0.5f) / h};
                    }
                }
            }
            MaskLosses losses = MaskLosses.defaults();
            MaskLoss dense = losses.dense(logits, gt, 2);
            MaskLoss points = losses.atPoints(logits, gt, coords, 2);
            assertEquals(dense.bce().getFloat(), points.bce().getFloat(), 1e-5);
            assertEquals(dense.dice().getFloat(), points.dice().getFloat(), 1e-5);
        }
    }

    @Test
    void denseBceGradientIsAnalytic() {
        try (NDManager m = Engines.newManager()) {
            NDArray logits = m.randomNormal(new Shape(2, 3, 4));
            NDArray gt = m.randomUniform(0f, 1f, new Shape(2, 3, 4)).gt(0.5f).toType(DataType.FLOAT32, false);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                logits.setRequiresGradient(true);
                gc.backward(MaskLosses.defaults().dense(logits, gt, 2).bce());
            }
            // d/dx of 5 * sum_n mean_p bce / N = 5 * (sigmoid(x) - t) / (P * N)
            NDArray expected = Activations.sigmoid(logits.stopGradient()).sub(gt).mul(5f / (12 * 2));
            assertArrayEquals(expected.toFloatArray(), logits.getGradient().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void pointSampledLossIsSeededAndDeepSupervisionSums() {
        try (NDManager m = Engines.newManager()) {
            NDArray logits = m.randomNormal(new Shape(2, 10, 12));
            NDArray gt = m.randomUniform(0f, 1f, new Shape(2, 40, 48)).gt(0.5f).toType(DataType.FLOAT32, false);
            MaskLosses losses = new MaskLosses(5f, 5f, 500, 3, 0.75);
            MaskLoss a = losses.pointSampled(logits, gt, 2, new SplittableRandom(3));
            MaskLoss b = losses.pointSampled(logits, gt, 2, new SplittableRandom(3));
            MaskLoss c = losses.pointSampled(logits, gt, 2, new SplittableRandom(4));
            assertEquals(a.bce().getFloat(), b.bce().getFloat());
            assertEquals(a.dice().getFloat(), b.dice().getFloat());
            assertNotEquals(a.bce().getFloat(), c.bce().getFloat());
            NDArray second = logits.mul(0.5f);
            MaskLoss sum = MaskLosses.deepSupervision(List.of(logits, second), p -> losses.dense(p, gt, 2));
            float expected = losses.dense(logits, gt, 2).total().getFloat() + losses.dense(second, gt, 2).total().getFloat();
            assertEquals(expected, sum.total().getFloat(), 1e-5);
        }
    }

    @Test
    void nearestIndexFollowsTorchRule() {
        int[] idx = SpatialAttentionLoss.nearestIndex(37, 800);
        for (int d = 0; d < 800; d++) {
            assertEquals(Math.min((int) Math.floor(d * (37f / 800f)), 36), idx[d]);
        }
        assertEquals(36, idx[799]);
        assertArrayEquals(new int[] {0, 0, 1, 1}, SpatialAttentionLoss.nearestIndex(2, 4));
    }

    @Test
    void spatialAttentionLossByHand() {
        try (NDManager m = Engines.newManager()) {
            // one head, T = 6, image tokens at 1..4 (a 2 x 2 grid), [SEG] rows at 5 and 4
            float[] probs = new float[36];
            float[] row5 = {0.1f, 0.4f, 0.2f, 0.1f, 0.1f, 0.1f};
            System.arraycopy(row5, 0, probs, 30, 6);
            NDArray p = m.create(probs, new Shape(1, 6, 6));
            NDArray grid = m.create(new float[] {1, 0, 0, 1, 0, 0, 0, 0}, new Shape(2, 4));
            float value = SpatialAttentionLoss.compute(List.of(p, p), new long[] {5, 4}, new long[] {1, 2, 3, 4}, grid)
                    .getFloat();
            // row 5: a = {0.4, 0.2, 0.1, 0.1}, fg = {0, 3}: mean_bg = 0.15, mean_fg sq = (0.25^2 + 0.05^2) / 2
            double row = -Math.log((0.25 * 0.25 + 0.05 * 0.05) / 2 + 1e-8);
            // row 4 has no foreground: adds 0 but counts; two identical layers
            assertEquals(2 * row / 2, value, 1e-5);
        }
    }

    @Test
    void gridMasksOfAFullAndAnEmptyMask() {
        try (NDManager m = Engines.newManager()) {
            NDArray masks = m.create(new float[2 * 9 * 11], new Shape(2, 9, 11));
            masks.set(new ai.djl.ndarray.index.NDIndex("0"), 1f);
            float[] grid = SpatialAttentionLoss.gridMasks(masks, 3, 3).toFloatArray();
            for (int i = 0; i < 9; i++) {
                assertEquals(1f, grid[i]);
                assertEquals(0f, grid[9 + i]);
            }
            assertTrue(grid.length == 18);
        }
    }
}
