package org.segearth.demo;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.segearth.spi.config.JsonConfig;

/**
 * The sizes of the demo model: SegEarth-R2's architecture (SigLIP + Mipha projector, Phi with LoRA,
 * Swin + Mask2Former with [SEG] queries) scaled down to train on two CPU cores. The vocabulary
 * comes from the tokenizer, not from here.
 *
 * <pre>{@code
 * DemoConfig c = DemoConfig.proposed();
 * String mllmConfig = c.miphaConfigJson(301, 0); // mllm/config.json
 * }</pre>
 *
 * @param visionImageSize SigLIP input side (squashed)
 * @param visionPatchSize SigLIP patch side
 * @param visionHidden SigLIP width
 * @param visionLayers SigLIP layers (features: {@code hidden_states[-2]})
 * @param visionHeads SigLIP heads
 * @param visionMlp SigLIP MLP width
 * @param llmHidden Phi width
 * @param llmLayers Phi layers
 * @param llmHeads Phi heads
 * @param llmMlp Phi MLP width
 * @param partialRotaryFactor Phi's rotary fraction of a head
 * @param maxPositions Phi's context length
 * @param loraR LoRA rank
 * @param loraAlpha LoRA alpha
 * @param loraDropout LoRA dropout
 * @param maskImageSize the mask branch's letterbox side
 * @param swinPatchSize Swin patch side
 * @param swinEmbed Swin stage-1 width
 * @param swinDepths Swin blocks per stage
 * @param swinHeads Swin heads per stage
 * @param swinWindow Swin window side
 * @param headHidden Mask2Former width (feature, mask feature and decoder width)
 * @param pixelDecoderLayers MSDeformAttn encoder layers
 * @param pixelDecoderFfn MSDeformAttn FFN width
 * @param decoderLayers Mask2Former's {@code decoder_layers} (the decoder has one layer fewer)
 * @param headHeads Mask2Former heads
 * @param decoderFfn decoder FFN width
 * @param initializerRange std of the normal initialisation
 */
public record DemoConfig(int visionImageSize, int visionPatchSize, int visionHidden, int visionLayers,
        int visionHeads, int visionMlp, int llmHidden, int llmLayers, int llmHeads, int llmMlp,
        double partialRotaryFactor, int maxPositions, int loraR, int loraAlpha, double loraDropout,
        int maskImageSize, int swinPatchSize, int swinEmbed, int[] swinDepths, int[] swinHeads, int swinWindow,
        int headHidden, int pixelDecoderLayers, int pixelDecoderFfn, int decoderLayers, int headHeads,
        int decoderFfn, double initializerRange) {

    public DemoConfig {
        swinDepths = swinDepths.clone();
        swinHeads = swinHeads.clone();
    }

    /** The configuration of the demo model (see the module README for the measurements behind it). */
    public static DemoConfig proposed() {
        return new DemoConfig(160, 16, 128, 3, 4, 512, 256, 4, 4, 1024, 0.5, 512, 8, 16, 0.05,
                224, 4, 32, new int[] {1, 1, 2, 1}, new int[] {1, 2, 4, 8}, 7,
                64, 2, 256, 4, 4, 256, 0.02);
    }

    /** This configuration with another SigLIP input side (the image tokens are {@code (side / patch)^2}). */
    public DemoConfig withVisionImageSize(int side) {
        return new DemoConfig(side, visionPatchSize, visionHidden, visionLayers, visionHeads, visionMlp, llmHidden,
                llmLayers, llmHeads, llmMlp, partialRotaryFactor, maxPositions, loraR, loraAlpha, loraDropout,
                maskImageSize, swinPatchSize, swinEmbed, swinDepths, swinHeads, swinWindow, headHidden,
                pixelDecoderLayers, pixelDecoderFfn, decoderLayers, headHeads, decoderFfn, initializerRange);
    }

    /** This configuration with another Phi size. */
    public DemoConfig withLlm(int hidden, int layers, int heads, int mlp) {
        return new DemoConfig(visionImageSize, visionPatchSize, visionHidden, visionLayers, visionHeads, visionMlp,
                hidden, layers, heads, mlp, partialRotaryFactor, maxPositions, loraR, loraAlpha, loraDropout,
                maskImageSize, swinPatchSize, swinEmbed, swinDepths, swinHeads, swinWindow, headHidden,
                pixelDecoderLayers, pixelDecoderFfn, decoderLayers, headHeads, decoderFfn, initializerRange);
    }

    @Override
    public int[] swinDepths() {
        return swinDepths.clone();
    }

    @Override
    public int[] swinHeads() {
        return swinHeads.clone();
    }

    /** {@code mllm/config.json}: Mipha ({@code mipha_phi}) with the tower and projector in {@code vision_config}. */
    public String miphaConfigJson(int vocab, int eosId) {
        JsonObject o = new JsonObject();
        JsonArray arch = new JsonArray();
        arch.add("MiphaPhiForCausalLM");
        o.add("architectures", arch);
        o.addProperty("model_type", "mipha_phi");
        o.addProperty("torch_dtype", "float32");
        o.addProperty("vocab_size", vocab);
        o.addProperty("hidden_size", llmHidden);
        o.addProperty("intermediate_size", llmMlp);
        o.addProperty("num_hidden_layers", llmLayers);
        o.addProperty("num_attention_heads", llmHeads);
        o.addProperty("num_key_value_heads", llmHeads);
        o.addProperty("partial_rotary_factor", partialRotaryFactor);
        o.addProperty("rope_theta", 10000.0);
        o.addProperty("hidden_act", "gelu_new");
        o.addProperty("layer_norm_eps", 1e-5);
        o.addProperty("max_position_embeddings", maxPositions);
        o.addProperty("initializer_range", initializerRange);
        o.addProperty("tie_word_embeddings", false);
        o.addProperty("resid_pdrop", 0.0);
        o.addProperty("embd_pdrop", 0.0);
        o.addProperty("attention_dropout", 0.0);
        o.addProperty("qk_layernorm", false);
        o.addProperty("bos_token_id", eosId);
        o.addProperty("eos_token_id", eosId);
        JsonObject tower = new JsonObject();
        tower.addProperty("hidden_size", visionHidden);
        tower.addProperty("intermediate_size", visionMlp);
        tower.addProperty("num_hidden_layers", visionLayers);
        tower.addProperty("num_attention_heads", visionHeads);
        tower.addProperty("num_channels", 3);
        tower.addProperty("image_size", visionImageSize);
        tower.addProperty("patch_size", visionPatchSize);
        tower.addProperty("hidden_act", "gelu_pytorch_tanh");
        tower.addProperty("layer_norm_eps", 1e-6);
        tower.addProperty("mm_vision_select_layer", -2);
        tower.addProperty("mm_vision_select_feature", "patch");
        tower.addProperty("vision_model_name_or_path", "siglip");
        tower.addProperty("model_type", "mipha_vision_model");
        JsonObject projector = new JsonObject();
        projector.addProperty("mm_projector_type", "mlp2x_gelu");
        projector.addProperty("mm_hidden_size", visionHidden);
        projector.addProperty("hidden_size", llmHidden);
        projector.addProperty("model_type", "mipha_projector");
        JsonObject vision = new JsonObject();
        vision.add("vision_tower", tower);
        vision.add("mm_projector", projector);
        o.add("vision_config", vision);
        o.addProperty("lm_head_vocab_size", vocab);
        return pretty(o);
    }

    /** {@code mask_head/config.json}: Mask2Former with a Swin {@code backbone_config}, one label. */
    public String maskHeadConfigJson() {
        JsonObject o = new JsonObject();
        JsonArray arch = new JsonArray();
        arch.add("Mask2FormerForUniversalSegmentation");
        o.add("architectures", arch);
        o.addProperty("model_type", "mask2former");
        o.addProperty("activation_function", "relu");
        o.add("backbone_config", swinConfig());
        o.addProperty("class_weight", 2.0);
        o.addProperty("common_stride", 4);
        o.addProperty("decoder_layers", decoderLayers);
        o.addProperty("dice_weight", 5.0);
        o.addProperty("dim_feedforward", decoderFfn);
        o.addProperty("dropout", 0.0);
        o.addProperty("encoder_feedforward_dim", pixelDecoderFfn);
        o.addProperty("encoder_layers", pixelDecoderLayers);
        o.addProperty("enforce_input_projection", false);
        o.addProperty("feature_size", headHidden);
        o.add("feature_strides", ints(4, 8, 16, 32));
        o.addProperty("hidden_dim", headHidden);
        JsonObject id2label = new JsonObject();
        id2label.addProperty("0", "target");
        o.add("id2label", id2label);
        JsonObject label2id = new JsonObject();
        label2id.addProperty("target", 0);
        o.add("label2id", label2id);
        o.addProperty("ignore_value", 255);
        o.addProperty("importance_sample_ratio", 0.75);
        o.addProperty("init_std", initializerRange);
        o.addProperty("init_xavier_std", 1.0);
        o.addProperty("mask_feature_size", headHidden);
        o.addProperty("mask_weight", 5.0);
        o.addProperty("no_object_weight", 0.1);
        o.addProperty("num_attention_heads", headHeads);
        o.addProperty("num_queries", 1);
        o.addProperty("oversample_ratio", 3.0);
        o.addProperty("pre_norm", false);
        o.addProperty("train_num_points", 12544);
        o.addProperty("use_auxiliary_loss", true);
        o.addProperty("torch_dtype", "float32");
        return pretty(o);
    }

    private JsonObject swinConfig() {
        JsonObject b = new JsonObject();
        b.addProperty("model_type", "swin");
        b.addProperty("attention_probs_dropout_prob", 0.0);
        b.add("depths", ints(swinDepths));
        b.addProperty("drop_path_rate", 0.0);
        b.addProperty("embed_dim", swinEmbed);
        b.addProperty("encoder_stride", 32);
        b.addProperty("hidden_act", "gelu");
        b.addProperty("hidden_dropout_prob", 0.0);
        b.addProperty("hidden_size", swinEmbed << (swinDepths.length - 1));
        b.addProperty("image_size", maskImageSize);
        b.addProperty("initializer_range", initializerRange);
        b.addProperty("layer_norm_eps", 1e-5);
        b.addProperty("mlp_ratio", 4.0);
        b.addProperty("num_channels", 3);
        b.add("num_heads", ints(swinHeads));
        b.addProperty("num_layers", swinDepths.length);
        JsonArray features = new JsonArray();
        JsonArray names = new JsonArray();
        names.add("stem");
        int[] indices = new int[swinDepths.length];
        for (int i = 0; i < swinDepths.length; i++) {
            features.add("stage" + (i + 1));
            names.add("stage" + (i + 1));
            indices[i] = i + 1;
        }
        b.add("out_features", features);
        b.add("out_indices", ints(indices));
        b.add("stage_names", names);
        b.addProperty("patch_size", swinPatchSize);
        b.addProperty("qkv_bias", true);
        b.addProperty("use_absolute_embeddings", false);
        b.addProperty("window_size", swinWindow);
        return b;
    }

    /** {@code adapter/adapter_config.json}: PEFT LoRA on {@code q_proj} and {@code v_proj}. */
    public String adapterConfigJson() {
        JsonObject o = new JsonObject();
        o.addProperty("peft_type", "LORA");
        o.addProperty("task_type", "CAUSAL_LM");
        o.addProperty("r", loraR);
        o.addProperty("lora_alpha", loraAlpha);
        o.addProperty("lora_dropout", loraDropout);
        JsonArray targets = new JsonArray();
        targets.add("q_proj");
        targets.add("v_proj");
        o.add("target_modules", targets);
        o.addProperty("bias", "none");
        o.addProperty("fan_in_fan_out", false);
        o.addProperty("use_rslora", false);
        o.addProperty("use_dora", false);
        o.addProperty("init_lora_weights", true);
        o.addProperty("inference_mode", true);
        o.add("base_model_name_or_path", com.google.gson.JsonNull.INSTANCE);
        return pretty(o);
    }

    /** The Mipha config as the SDK reads it. */
    public JsonConfig mipha(int vocab, int eosId) {
        return JsonConfig.parse(miphaConfigJson(vocab, eosId), "demo mllm/config.json");
    }

    /** The Mask2Former config as the SDK reads it. */
    public JsonConfig maskHead() {
        return JsonConfig.parse(maskHeadConfigJson(), "demo mask_head/config.json");
    }

    private static JsonArray ints(int... values) {
        JsonArray a = new JsonArray();
        for (int v : values) {
            a.add(v);
        }
        return a;
    }

    private static String pretty(JsonObject o) {
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o) + "\n";
    }
}
