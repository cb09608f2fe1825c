package org.segearth.llm.phi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.spi.ForwardOptions;
import org.segearth.spi.LanguageModelOutput;
import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.PhiConfig;

/**
 * {@code resid_pdrop} in training as transformers' {@code PhiDecoderLayer}: each branch of a
 * layer goes through dropout (kept values scaled by 1 / (1 - p)), only while training and only
 * when asked.
 */
class PhiDropoutTest {

    private static final ForwardOptions HIDDEN = ForwardOptions.DEFAULT.withHiddenStates(true);

    @Test
    void residualDropoutOnlyInTrainingAndUnbiased(@TempDir Path dir) throws Exception {
        TinyPhi tiny = new TinyPhi();
        tiny.residPdrop = 0.5;
        tiny.write(dir, 5);
        PhiConfig config = PhiConfig.from(JsonConfig.read(dir.resolve("config.json")));
        assertEquals(0.5, config.residPdrop());
        assertEquals(0.0, config.embdPdrop());
        try (NDManager m = Engines.newManager(); Checkpoint ckpt = Checkpoint.open(dir, m);
                PhiForCausalLM phi = PhiForCausalLM.load(ckpt, config)) {
            NDArray ids = m.create(new long[] {3, 14, 15, 9, 26}).reshape(1, 5);
            float[] eval = firstLayerOutput(phi, ids);

            phi.setTraining(true, false); // training without the model's dropout: as in inference
            assertArrayEquals(eval, firstLayerOutput(phi, ids), 0f);

            phi.setTraining(true);
            Engine.getInstance().setRandomSeed(3);
            float[] a = firstLayerOutput(phi, ids);
            float[] b = firstLayerOutput(phi, ids);
            assertTrue(maxDiff(a, eval) > 1e-3, "dropout changes the layer output");
            assertTrue(maxDiff(a, b) > 1e-3, "each forward draws its own masks");
            // E[dropout(x)] = x: the mean over many training forwards approaches the inference output
            int n = 120;
            double[] mean = new double[eval.length];
            for (int i = 0; i < n; i++) {
                float[] t = firstLayerOutput(phi, ids);
                for (int j = 0; j < t.length; j++) {
                    mean[j] += t[j] / n;
                }
            }
            double err = 0;
            double scale = 0;
            for (int j = 0; j < eval.length; j++) {
                err += Math.abs(mean[j] - eval[j]);
                scale += Math.abs(eval[j] - a[j]);
            }
            System.out.println("dropout mean error " + err + " vs one draw " + scale);
            assertTrue(err < 0.3 * scale, "the mean of training outputs is the inference output: " + err + " vs " + scale);

            phi.setTraining(false);
            assertArrayEquals(eval, firstLayerOutput(phi, ids), 0f);
        }
    }

    /** The hidden state after layer 0 (before layer 1), linear in the layer's dropout masks. */
    private static float[] firstLayerOutput(PhiForCausalLM phi, NDArray ids) {
        try (NDManager scope = ids.getManager().newSubManager()) {
            NDArray x = phi.embed(ids);
            x.attach(scope);
            LanguageModelOutput out = phi.forward(x, null, HIDDEN);
            return out.hiddenStates().get(1).toFloatArray();
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }
}
