package org.segearth.demo.internal;

import java.util.ArrayList;
import java.util.List;
import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.MiphaConfig;
import org.segearth.spi.config.PhiConfig;
import org.segearth.spi.config.SiglipVisionConfig;

/**
 * The Mipha checkpoint ({@code mllm/model.safetensors}) of a Mipha {@code config.json}: Phi
 * ({@code model.*}, bias-free {@code lm_head} of {@code lm_head_vocab_size} rows), the SigLIP tower
 * ({@code model.vision_tower.vision_model.*}, pooling head included as Mipha saves it) and the
 * {@code mlp2x_gelu} projector ({@code model.mm_projector.{0,2}}).
 *
 * <p>Initialisation: Phi as {@code PhiPreTrainedModel._init_weights} (Linear and Embedding
 * normal(initializer_range), biases 0, LayerNorm 1/0); SigLIP as
 * {@code SiglipPreTrainedModel._init_weights} (patch embedding lecun-normal, position embedding
 * normal(1/sqrt(width)), attention projections xavier-uniform with zero biases, MLP xavier-uniform
 * with normal(1e-6) biases, probe and in-projection xavier-uniform); the projector as
 * {@code nn.Linear}'s default (kaiming-uniform weight and bias).
 */
public final class MiphaLayout {

    private static final String TOWER = "model.vision_tower.vision_model.";

    private MiphaLayout() {}

    /** Every tensor of the checkpoint that {@code config} describes. */
    public static List<ParamSpec> specs(JsonConfig config) {
        MiphaConfig mipha = MiphaConfig.from(config);
        List<ParamSpec> out = new ArrayList<>(phi(mipha.phi()));
        out.addAll(tower(mipha.vision()));
        int llm = mipha.phi().hiddenSize();
        int vision = mipha.vision().hiddenSize();
        out.add(ParamSpec.of("model.mm_projector.0.weight", new Init.KaimingUniform(), llm, vision));
        out.add(ParamSpec.of("model.mm_projector.0.bias", new Init.KaimingUniform(vision), llm));
        out.add(ParamSpec.of("model.mm_projector.2.weight", new Init.KaimingUniform(), llm, llm));
        out.add(ParamSpec.of("model.mm_projector.2.bias", new Init.KaimingUniform(llm), llm));
        return out;
    }

    /** Phi's tensors ({@code model.*} and {@code lm_head.weight}). */
    static List<ParamSpec> phi(PhiConfig c) {
        Init normal = new Init.Normal(c.initializerRange());
        int h = c.hiddenSize();
        int kv = c.numKeyValueHeads() * c.headDim();
        List<ParamSpec> out = new ArrayList<>();
        out.add(ParamSpec.of("model.embed_tokens.weight", normal, c.vocabSize(), h));
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "model.layers." + i + ".";
            layerNorm(out, p + "input_layernorm", h);
            linear(out, p + "self_attn.q_proj", normal, h, h);
            linear(out, p + "self_attn.k_proj", normal, kv, h);
            linear(out, p + "self_attn.v_proj", normal, kv, h);
            linear(out, p + "self_attn.dense", normal, h, h);
            linear(out, p + "mlp.fc1", normal, c.intermediateSize(), h);
            linear(out, p + "mlp.fc2", normal, h, c.intermediateSize());
        }
        layerNorm(out, "model.final_layernorm", h);
        out.add(ParamSpec.of("lm_head.weight", normal, c.lmHeadVocabSize(), h));
        return out;
    }

    /** The SigLIP tower's tensors, pooling head included. */
    static List<ParamSpec> tower(SiglipVisionConfig c) {
        int d = c.hiddenSize();
        int m = c.intermediateSize();
        Init xavier = new Init.XavierUniform(1);
        Init tiny = new Init.Normal(1e-6);
        List<ParamSpec> out = new ArrayList<>();
        out.add(ParamSpec.of(TOWER + "embeddings.patch_embedding.weight", new Init.LecunNormal(), d, c.numChannels(),
                c.patchSize(), c.patchSize()));
        out.add(ParamSpec.of(TOWER + "embeddings.patch_embedding.bias", Init.zeros(), d));
        out.add(ParamSpec.of(TOWER + "embeddings.position_embedding.weight", new Init.Normal(1 / Math.sqrt(d)),
                c.numPatches(), d));
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = TOWER + "encoder.layers." + i + ".";
            layerNorm(out, p + "layer_norm1", d);
            layerNorm(out, p + "layer_norm2", d);
            for (String proj : List.of("q_proj", "k_proj", "v_proj", "out_proj")) {
                linear(out, p + "self_attn." + proj, xavier, d, d);
            }
            linear(out, p + "mlp.fc1", xavier, tiny, m, d);
            linear(out, p + "mlp.fc2", xavier, tiny, d, m);
        }
        layerNorm(out, TOWER + "post_layernorm", d);
        String head = TOWER + "head.";
        out.add(ParamSpec.of(head + "probe", xavier, 1, 1, d));
        out.add(ParamSpec.of(head + "attention.in_proj_weight", xavier, 3L * d, d));
        out.add(ParamSpec.of(head + "attention.in_proj_bias", Init.zeros(), 3L * d));
        linear(out, head + "attention.out_proj", new Init.KaimingUniform(), Init.zeros(), d, d);
        layerNorm(out, head + "layernorm", d);
        linear(out, head + "mlp.fc1", xavier, tiny, m, d);
        linear(out, head + "mlp.fc2", xavier, tiny, d, m);
        return out;
    }

    static void linear(List<ParamSpec> out, String path, Init weight, long rows, long cols) {
        linear(out, path, weight, Init.zeros(), rows, cols);
    }

    static void linear(List<ParamSpec> out, String path, Init weight, Init bias, long rows, long cols) {
        out.add(ParamSpec.of(path + ".weight", weight, rows, cols));
        out.add(ParamSpec.of(path + ".bias", bias, rows));
    }

    static void layerNorm(List<ParamSpec> out, String path, long width) {
        out.add(ParamSpec.of(path + ".weight", Init.ones(), width));
        out.add(ParamSpec.of(path + ".bias", Init.zeros(), width));
    }
}
