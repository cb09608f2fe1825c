package org.segearth.encoders.siglip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.encoders.siglip.internal.SiglipVisionTransformer;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.checkpoint.SafetensorsWriter;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.VisionEncoder;
import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.SiglipVisionConfig;

/** Nothing is tied to the golden's sizes: another head count, depth, patch and image size. */
class SiglipOtherConfigTest {

    @TempDir
    Path tmp;

    @Test
    void miphaLayoutWithLinearProjectorAndOtherSizes() throws Exception {
        int hidden = 24;
        int inter = 40;
        int layers = 2;
        int patch = 7;
        int image = 21;
        int llm = 12;
        int tokens = (image / patch) * (image / patch);
        String config = """
                {"model_type": "mipha_phi", "hidden_size": 12, "intermediate_size": 24, "num_hidden_layers": 1,
                 "num_attention_heads": 2, "vocab_size": 10,
                 "vision_config": {
                   "vision_tower": {"hidden_size": 24, "intermediate_size": 40, "num_hidden_layers": 2,
                     "num_attention_heads": 3, "num_channels": 3, "image_size": 21, "patch_size": 7,
                     "hidden_act": "gelu_pytorch_tanh", "layer_norm_eps": 1e-6, "mm_vision_select_layer": -1},
                   "mm_projector": {"mm_projector_type": "linear", "mm_hidden_size": 24, "hidden_size": 12}}}
                """;
        Files.writeString(tmp.resolve("config.json"), config);
        try (NDManager m = Engines.newManager()) {
            m.getEngine().setRandomSeed(7);
            Map<String, NDArray> w = new LinkedHashMap<>();
            String t = "model.vision_tower.vision_model.";
            w.put(t + "embeddings.patch_embedding.weight", m.randomNormal(new Shape(hidden, 3, patch, patch)).mul(0.05));
            w.put(t + "embeddings.patch_embedding.bias", m.randomNormal(new Shape(hidden)).mul(0.02));
            w.put(t + "embeddings.position_embedding.weight", m.randomNormal(new Shape(tokens, hidden)).mul(0.02));
            for (int i = 0; i < layers; i++) {
                String l = t + "encoder.layers." + i + ".";
                for (String n : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
                    w.put(l + "self_attn." + n + ".weight", m.randomNormal(new Shape(hidden, hidden)).mul(0.1));
                    w.put(l + "self_attn." + n + ".bias", m.randomNormal(new Shape(hidden)).mul(0.02));
                }
                for (String n : new String[] {"layer_norm1", "layer_norm2"}) {
                    w.put(l + n + ".weight", m.ones(new Shape(hidden)));
                    w.put(l + n + ".bias", m.zeros(new Shape(hidden)));
                }
                w.put(l + "mlp.fc1.weight", m.randomNormal(new Shape(inter, hidden)).mul(0.1));
                w.put(l + "mlp.fc1.bias", m.zeros(new Shape(inter)));
                w.put(l + "mlp.fc2.weight", m.randomNormal(new Shape(hidden, inter)).mul(0.1));
                w.put(l + "mlp.fc2.bias", m.zeros(new Shape(hidden)));
            }
            w.put(t + "post_layernorm.weight", m.ones(new Shape(hidden)));
            w.put(t + "post_layernorm.bias", m.zeros(new Shape(hidden)));
            NDArray proj = m.randomNormal(new Shape(llm, hidden)).mul(0.1);
            NDArray projBias = m.randomNormal(new Shape(llm)).mul(0.1);
            w.put("model.mm_projector.weight", proj);
            w.put("model.mm_projector.bias", projBias);
            SafetensorsWriter.write(tmp.resolve("model.safetensors"), w, Map.of());

            try (Checkpoint ckpt = Checkpoint.open(tmp, m)) {
                JsonConfig json = JsonConfig.read(tmp.resolve("config.json"));
                try (VisionEncoder enc = SiglipVisionEncoders.create(new ComponentContext(tmp, json, ckpt, Map.of()))) {
                    assertEquals(21, enc.imageSize());
                    assertEquals(9, enc.numTokens());
                    NDArray pixels = m.randomUniform(-1, 1, new Shape(2, 3, image, image));
                    NDArray out = enc.encode(pixels);
                    assertArrayEquals(new long[] {2, 9, llm}, out.getShape().getShape());
                    // select layer -1 = output of the last layer (before post_layernorm), then the linear projector
                    SiglipVisionConfig vc = SiglipVisionConfig.from(json.object("vision_config").object("vision_tower"));
                    SiglipVisionTransformer tower = new SiglipVisionTransformer(ckpt, vc, -1, false);
                    NDArray last = tower.forward(pixels).hiddenStates().get(layers);
                    NDArray expected = last.matMul(proj.transpose()).add(projBias);
                    assertTrue(out.sub(expected).abs().max().getFloat() < 1e-5);
                }
                ckpt.requireAllUsed("SigLIP + projector");
            }
        }
    }
}
