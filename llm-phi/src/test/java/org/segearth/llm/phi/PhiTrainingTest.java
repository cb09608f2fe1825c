package org.segearth.llm.phi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.parity.Goldens;
import org.segearth.spi.AttentionCapture;
import org.segearth.spi.ForwardOptions;
import org.segearth.spi.LanguageModelOutput;
import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.LoraConfig;
import org.segearth.spi.config.PhiConfig;

/** Gradients flow through the Java forward into a new adapter, the lm_head and captured attentions. */
class PhiTrainingTest {

    @Test
    void gradientsReachTheAdapterAndTheLmHead() {
        Path dir = Goldens.dir("phi");
        try (NDManager m = Engines.newManager(); Checkpoint ckpt = Checkpoint.open(dir, m);
                PhiForCausalLM phi = PhiForCausalLM.load(ckpt, PhiConfig.from(JsonConfig.read(dir.resolve("config.json"))))) {
            phi.createAdapter(LoraConfig.segEarthDefault(), 1);
            phi.setTraining(true);
            Map<String, NDArray> adapter = phi.adapterTensors();
            adapter.values().forEach(a -> a.setRequiresGradient(true));
            NDArray lmHead = phi.parameters().get("lm_head.weight");
            lmHead.setRequiresGradient(true);
            try (NDManager step = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray ids = step.create(new long[] {3, 14, 15, 92, 65, 35}).reshape(1, 6);
                LanguageModelOutput out = phi.forward(phi.embed(ids), null,
                        ForwardOptions.DEFAULT.withAttentions(AttentionCapture.slice(new int[] {5}, new int[] {1, 2})));
                NDArray loss = out.logits().pow(2).mean().add(out.attentions().get(2).sum());
                gc.backward(loss);
            }
            float bGrad = adapter.get("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight").getGradient()
                    .abs().sum().getFloat();
            float aGrad = adapter.get("base_model.model.model.layers.2.self_attn.v_proj.lora_A.weight").getGradient()
                    .abs().sum().getFloat();
            assertTrue(bGrad > 0, "lora_B gets a gradient");
            assertEquals(0f, aGrad, "lora_A gets none while B is zero");
            assertTrue(lmHead.getGradient().abs().sum().getFloat() > 0);
        }
    }
}
