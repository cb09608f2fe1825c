package org.segearth.spi.config;

/**
 * SAM configuration (Hugging Face {@code SamConfig}): vision encoder, prompt encoder, mask decoder.
 *
 * <pre>{@code
 * SamConfig sam = SamConfig.from(JsonConfig.read(dir.resolve("config.json"))); // or Configs.sam(dir)
 * int imageSize = sam.vision().imageSize();            // 1024
 * int embedding = sam.promptEncoder().imageEmbeddingSize(); // 64
 * int hidden = sam.maskDecoder().hiddenSize();         // 256
 * }</pre>
 */
public record SamConfig(Vision vision, PromptEncoder promptEncoder, MaskDecoder maskDecoder) {

    /** {@code vision_config}. */
    public record Vision(int hiddenSize, int outputChannels, int numHiddenLayers, int numAttentionHeads,
            int numChannels, int imageSize, int patchSize, String hiddenAct, double layerNormEps,
            boolean qkvBias, int mlpDim, boolean useAbsPos, boolean useRelPos, int windowSize,
            int[] globalAttnIndexes, int numPosFeats) {
        public Vision {
            globalAttnIndexes = globalAttnIndexes.clone();
        }

        @Override
        public int[] globalAttnIndexes() {
            return globalAttnIndexes.clone();
        }

        static Vision from(JsonConfig c) {
            int hidden = c.getInt("hidden_size", 768);
            double mlpRatio = c.getDouble("mlp_ratio", 4.0);
            return new Vision(hidden, c.getInt("output_channels", 256), c.getInt("num_hidden_layers", 12),
                    c.getInt("num_attention_heads", 12), c.getInt("num_channels", 3),
                    c.getInt("image_size", 1024), c.getInt("patch_size", 16), c.getString("hidden_act", "gelu"),
                    c.getDouble("layer_norm_eps", 1e-6), c.getBoolean("qkv_bias", true),
                    c.getInt("mlp_dim", (int) (hidden * mlpRatio)), c.getBoolean("use_abs_pos", true),
                    c.getBoolean("use_rel_pos", true), c.getInt("window_size", 14),
                    c.getIntArray("global_attn_indexes", new int[] {2, 5, 8, 11}),
                    c.getInt("num_pos_feats", 128));
        }
    }

    /** {@code prompt_encoder_config}. */
    public record PromptEncoder(int hiddenSize, int imageSize, int patchSize, int imageEmbeddingSize,
            int maskInputChannels, int numPointEmbeddings, String hiddenAct, double layerNormEps) {
        static PromptEncoder from(JsonConfig c) {
            int imageSize = c.getInt("image_size", 1024);
            int patch = c.getInt("patch_size", 16);
            return new PromptEncoder(c.getInt("hidden_size", 256), imageSize, patch,
                    c.getInt("image_embedding_size", imageSize / patch), c.getInt("mask_input_channels", 16),
                    c.getInt("num_point_embeddings", 4), c.getString("hidden_act", "gelu"),
                    c.getDouble("layer_norm_eps", 1e-6));
        }
    }

    /** {@code mask_decoder_config}. */
    public record MaskDecoder(int hiddenSize, String hiddenAct, int mlpDim, int numHiddenLayers,
            int numAttentionHeads, int attentionDownsampleRate, int numMultimaskOutputs, int iouHeadDepth,
            int iouHeadHiddenDim, double layerNormEps) {
        static MaskDecoder from(JsonConfig c) {
            return new MaskDecoder(c.getInt("hidden_size", 256), c.getString("hidden_act", "relu"),
                    c.getInt("mlp_dim", 2048), c.getInt("num_hidden_layers", 2), c.getInt("num_attention_heads", 8),
                    c.getInt("attention_downsample_rate", 2), c.getInt("num_multimask_outputs", 3),
                    c.getInt("iou_head_depth", 3), c.getInt("iou_head_hidden_dim", 256),
                    c.getDouble("layer_norm_eps", 1e-6));
        }
    }

    /** Reads a SAM {@code config.json}. */
    public static SamConfig from(JsonConfig c) {
        return new SamConfig(
                Vision.from(c.optObject("vision_config").orElse(JsonConfig.parse("{}", c.source()))),
                PromptEncoder.from(c.optObject("prompt_encoder_config").orElse(JsonConfig.parse("{}", c.source()))),
                MaskDecoder.from(c.optObject("mask_decoder_config").orElse(JsonConfig.parse("{}", c.source()))));
    }
}
