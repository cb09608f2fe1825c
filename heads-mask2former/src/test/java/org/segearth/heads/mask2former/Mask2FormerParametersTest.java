package org.segearth.heads.mask2former;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.parity.Goldens;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.SegmentationHead;

class Mask2FormerParametersTest {

    @Test
    void exposesEveryWeightItReadsLiveAndTheyAllGetGradients() {
        Path dir = Goldens.dir("mask2former");
        Engines.init();
        try (NDManager manager = Engines.newManager(); Checkpoint checkpoint = Checkpoint.open(dir, manager)) {
            ComponentContext context = Goldens.context(dir, checkpoint, Map.of());
            SegmentationHead head = new Mask2FormerHeadProvider().create(context);
            Map<String, NDArray> params = head.parameters();
            // exactly the keys the head read, under the head's two prefixes, by checkpoint key
            assertEquals(new TreeSet<>(checkpoint.usedKeys()), new TreeSet<>(params.keySet()));
            for (String key : params.keySet()) {
                assertTrue(key.startsWith("model.pixel_level_module.decoder.")
                        || key.startsWith("model.transformer_module."), key);
            }
            assertTrue(params.containsKey("model.transformer_module.decoder.layers.0.cross_attn.in_proj_weight"));
            assertTrue(params.containsKey("model.pixel_level_module.decoder.level_embed"));
            assertTrue(params.containsKey("model.transformer_module.level_embed.weight"));
            assertTrue(params.containsKey("model.transformer_module.decoder.mask_predictor.mask_embedder.2.0.weight"));
            assertSame(params.get("model.transformer_module.level_embed.weight"),
                    head.parameters().get("model.transformer_module.level_embed.weight"));

            for (NDArray p : params.values()) {
                p.setRequiresGradient(true);
            }
            List<float[]> first = gradients(head, params, manager);
            List<float[]> second = gradients(head, params, manager);
            List<String> keys = new ArrayList<>(params.keySet());
            for (int i = 0; i < keys.size(); i++) {
                String key = keys.get(i);
                assertTrue(java.util.Arrays.equals(first.get(i), second.get(i)), key + ": two runs differ");
                double sum = 0;
                for (float g : first.get(i)) {
                    assertTrue(Float.isFinite(g), key + " has a non-finite gradient");
                    sum += Math.abs(g);
                }
                // one query per target: the decoder's self-attention softmax is over a single key,
                // always 1, so its q/k projections get no gradient (as in the reference model)
                boolean selfQk = key.contains(".self_attn.q_proj.") || key.contains(".self_attn.k_proj.");
                if (selfQk && key.startsWith("model.transformer_module.decoder.")) {
                    assertEquals(0.0, sum, key);
                } else {
                    assertTrue(sum > 0, key + " gets no gradient");
                }
            }
            head.close();
        }
    }

    private static List<float[]> gradients(SegmentationHead head, Map<String, NDArray> params, NDManager manager) {
        List<float[]> grads = new ArrayList<>();
        for (NDArray p : params.values()) {
            p.getGradient().set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
        }
        try (NDManager call = manager.newSubManager()) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(7);
            List<NDArray> features = List.of(call.randomNormal(new Shape(1, 16, 16, 16)),
                    call.randomNormal(new Shape(1, 32, 8, 8)), call.randomNormal(new Shape(1, 64, 4, 4)),
                    call.randomNormal(new Shape(1, 128, 2, 2)));
            NDArray queries = call.randomNormal(new Shape(2, 32));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                SegmentationHead.HeadOutput out = head.predict(features, queries);
                NDArray loss = out.maskLogits().sin().sum();
                for (NDArray aux : out.auxMaskLogits()) {
                    loss = loss.add(aux.cos().sum());
                }
                gc.backward(loss);
            }
            for (NDArray p : params.values()) {
                grads.add(p.getGradient().toFloatArray());
            }
        }
        return grads;
    }
}
