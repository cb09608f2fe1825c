package org.segearth.llm.phi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.parity.TensorComparison;
import org.segearth.spi.AttentionCapture;
import org.segearth.spi.ForwardOptions;
import org.segearth.spi.LanguageModelOutput;
import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.LoraConfig;
import org.segearth.spi.config.PhiConfig;

/**
 * Phi inside the Mipha-3B layout of the composed golden: 601 embedding rows, a bias-free
 * lm_head 640 wide, vision keys alongside, the LoRA adapter unmerged, spliced input embeddings.
 */
class MiphaLayoutTest {

    @Test
    void reproducesTheLanguageModelPartOfTheComposedGolden() {
        Path dir = Goldens.dir("segearth_r2_tiny");
        try (NDManager m = Engines.newManager(); Checkpoint ckpt = Checkpoint.open(dir.resolve("mllm"), m);
                Checkpoint adapter = Checkpoint.open(dir.resolve("adapter"), m);
                Checkpoint io = Checkpoint.open(dir.resolve("io.safetensors"), m);
                PhiForCausalLM phi = PhiForCausalLM.load(ckpt,
                        PhiConfig.from(JsonConfig.read(dir.resolve("mllm/config.json"))))) {
            assertEquals(601, phi.embeddingRows());
            assertEquals(640, phi.vocabSize());
            assertTrue(ckpt.unusedKeys().stream().allMatch(k -> k.startsWith("model.vision_tower.")
                    || k.startsWith("model.mm_projector.")), "only vision keys are left: " + ckpt.unusedKeys());
            phi.applyAdapter(LoraConfig.from(JsonConfig.read(dir.resolve("adapter/adapter_config.json"))), adapter, false);
            LanguageModelOutput out = phi.forward(io.get("inputs_embeds"), null,
                    ForwardOptions.DEFAULT.withAttentions(AttentionCapture.all()));
            check("logits", out.logits(), io.get("logits"));
            check("last_hidden_state", out.lastHiddenState(), io.get("last_hidden_state"));
            check("attentions", NDArrays.stack(new NDList(out.attentions())), io.get("attentions"));
            NDArray seg = out.lastHiddenState().get(new NDIndex("0, {}", io.get("seg_positions")));
            check("seg_hidden", seg, io.get("seg_hidden"));
        }
    }

    private static void check(String name, NDArray actual, NDArray expected) {
        TensorComparison c = TensorComparison.compare(name, actual, expected, PhiParityCheck.ATOL, PhiParityCheck.RTOL);
        assertTrue(c.ok(), c.describe());
    }
}
