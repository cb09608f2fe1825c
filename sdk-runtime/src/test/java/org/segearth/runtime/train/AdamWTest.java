package org.segearth.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.segearth.runtime.Engines;

/** AdamW against torch.optim.AdamW's update rule computed by hand in double precision. */
class AdamWTest {

    private static final double LR = 0.1;
    private static final double B1 = 0.9;
    private static final double B2 = 0.999;
    private static final double EPS = 1e-8;

    /** Loss = sum(c * p^2) so the gradient is 2 c p; three steps, with weight decay. */
    @Test
    void threeStepsMatchTorchAdamW() {
        double wd = 0.01;
        float[] init = {1.0f, -2.0f, 0.5f, 3.0f};
        float[] c = {1.0f, 0.5f, 2.0f, -1.0f};
        double[] p = {1.0, -2.0, 0.5, 3.0};
        double[] m = new double[4];
        double[] v = new double[4];
        try (NDManager manager = Engines.newManager(); AdamW opt = new AdamW(manager, B1, B2, EPS, wd)) {
            NDArray w = manager.create(init, new Shape(2, 2));
            NDArray coef = manager.create(c, new Shape(2, 2));
            TrainableParameter param = TrainableParameter.of("w", w);
            param.requireGradient();
            for (int t = 1; t <= 3; t++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(w.square().mul(coef).sum());
                }
                opt.step(List.of(param), LR);
                param.zeroGradient();
                for (int i = 0; i < 4; i++) {
                    double g = 2 * c[i] * p[i];
                    p[i] *= 1 - LR * wd;
                    m[i] = m[i] + (1 - B1) * (g - m[i]);
                    v[i] = B2 * v[i] + (1 - B2) * g * g;
                    double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(B2, t)) + EPS;
                    p[i] -= LR / (1 - Math.pow(B1, t)) * m[i] / denom;
                }
                float[] actual = w.toFloatArray();
                for (int i = 0; i < 4; i++) {
                    assertEquals(p[i], actual[i], 1e-6, "step " + t + " element " + i);
                }
            }
            assertEquals(3, opt.steps());
        }
    }

    /** Steps leave nothing behind: only the moments stay. */
    @Test
    void stepsDoNotAccumulateArrays() {
        try (NDManager manager = Engines.newManager(); AdamW opt = new AdamW(manager, B1, B2, EPS, 0.01)) {
            NDArray w = manager.create(new float[] {0.3f, -0.7f, 2f, 4f}, new Shape(2, 2));
            TrainableParameter param = TrainableParameter.of("w", w);
            param.requireGradient();
            int[] counts = new int[6];
            for (int t = 0; t < counts.length; t++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(w.square().sum());
                }
                int before = manager.getManagedArrays().size();
                opt.step(List.of(param), LR);
                counts[t] = manager.getManagedArrays().size() - before;
                param.zeroGradient();
            }
            assertTrue(counts[0] >= 2, "the first step creates the moments: " + java.util.Arrays.toString(counts));
            for (int t = 1; t < counts.length; t++) {
                assertEquals(0, counts[t], "arrays a step left behind: " + java.util.Arrays.toString(counts));
            }
        }
    }

    /** Adam's first step moves every element by lr * sign(g) (bias correction cancels). */
    @Test
    void firstStepIsLearningRateTimesSign() {
        try (NDManager manager = Engines.newManager(); AdamW opt = new AdamW(manager, B1, B2, EPS, 0)) {
            NDArray w = manager.create(new float[] {0.3f, -0.7f, 2f});
            TrainableParameter param = TrainableParameter.of("w", w);
            param.requireGradient();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(w.mul(manager.create(new float[] {5f, -0.01f, 1e-3f})).sum());
            }
            opt.step(List.of(param), 0.01);
            assertArrayEquals(new float[] {0.29f, -0.69f, 1.99f}, w.toFloatArray(), 1e-5f);
        }
    }

    /** A row parameter updates one row and leaves the others bit-identical. */
    @Test
    void rowParameterTouchesOnlyItsRow() {
        try (NDManager manager = Engines.newManager(); AdamW opt = new AdamW(manager, B1, B2, EPS, 0)) {
            NDArray table = manager.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(3, 2));
            TrainableParameter row = TrainableParameter.row("emb", table, 2);
            row.requireGradient();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(table.sum());
            }
            opt.step(List.of(row), 0.5);
            assertArrayEquals(new float[] {1, 2, 3, 4, 4.5f, 5.5f}, table.toFloatArray(), 1e-6f);
            assertEquals(new Shape(2), opt.state().get("exp_avg.emb").getShape());
        }
    }

    @Test
    void clippingScalesToTheMaxNorm() {
        try (NDManager manager = Engines.newManager()) {
            NDArray a = manager.create(new float[] {3f, 0f});
            NDArray b = manager.create(new float[] {4f});
            double norm = GradientClipping.clip(List.of(a, b), 1.0);
            assertEquals(5.0, norm, 1e-6);
            assertEquals(1.0, GradientClipping.globalNorm(List.of(a, b)), 1e-5);
            assertEquals(1.0, GradientClipping.clip(List.of(a, b), 2.0), 1e-5);
            assertArrayEquals(new float[] {3f / 5f, 0f}, a.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void scheduleWarmsUpThenFollowsTheCosine() {
        LrSchedule s = LrSchedule.warmupCosine(5e-5, 0.03, 100);
        assertEquals(3, s.warmupSteps());
        assertEquals(0.0, s.at(0));
        assertEquals(5e-5 / 3, s.at(1), 1e-15);
        assertEquals(5e-5 * 2 / 3, s.at(2), 1e-15);
        assertEquals(5e-5, s.at(3), 1e-15);
        assertEquals(5e-5 * 0.5 * (1 + Math.cos(Math.PI * 47 / 97.0)), s.at(50), 1e-15);
        assertEquals(5e-5 * 0.5 * (1 + Math.cos(Math.PI * 96 / 97.0)), s.at(99), 1e-15);
        assertEquals(1, LrSchedule.warmupCosine(1, 0.03, 10).warmupSteps());
    }

    @Test
    void configDefaultsAreTheOfficialRecipes() {
        TrainingConfig c = TrainingConfig.defaults();
        assertEquals(5e-5, c.learningRate());
        assertEquals(0.0, c.weightDecay());
        assertEquals(0.03, c.warmupRatio());
        assertEquals(0.01f, c.attentionWeight());
        assertEquals(4, c.lora().r()); // scripts/train.sh passes --lora_r 4 (the paper says 8)
        assertEquals(16.0, c.lora().loraAlpha());
        assertEquals(0.05, c.lora().loraDropout());
        assertEquals(List.of("q_proj", "v_proj"), c.lora().targetModules());
        assertEquals(TrainingConfig.MaskLossMode.POINT_SAMPLED, c.maskLoss());
        assertEquals(TrainingConfig.Trainable.SEGEARTH, c.trainable());
        assertEquals(10, c.toBuilder().batchSize(2).gradientAccumulation(5).build().samplesPerStep());
        assertEquals(25, c.toBuilder().batchSize(2).gradientAccumulation(2).epochs(2).build().totalSteps(50));
    }
}
