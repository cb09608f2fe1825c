package org.segearth.spi.config;

import org.segearth.api.SegEarthException;

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

    public SamConfig {
        String n = "SAM config";
        if (promptEncoder.hiddenSize() != maskDecoder.hiddenSize() || vision.outputChannels() != maskDecoder.hiddenSize()) {
            throw new SegEarthException(n + ": vision_config.output_channels " + vision.outputChannels()
                    + ", prompt_encoder_config.hidden_size " + promptEncoder.hiddenSize()
                    + " and mask_decoder_config.hidden_size " + maskDecoder.hiddenSize() + " must be equal");
        }
        int grid = vision.imageSize() / vision.patchSize();
        if (promptEncoder.imageEmbeddingSize() != grid) {
            throw new SegEarthException(n + ": prompt_encoder_config.image_embedding_size "
                    + promptEncoder.imageEmbeddingSize() + " differs from vision_config.image_size / patch_size = "
                    + grid);
        }
    }

    /** {@code vision_config}. */
    public record Vision(int hiddenSize, int outputChannels, int numHiddenLayers, int numAttentionHeads,
            int numChannels, int imageSize, int patchSize, String hiddenAct, double layerNormEps,
            boolean qkvBias, int mlpDim, boolean useAbsPos, boolean useRelPos, int windowSize,
            int[] globalAttnIndexes, int numPosFeats) {
        public Vision {
            globalAttnIndexes = globalAttnIndexes.clone();
            String n = "SAM vision_config";
            Bounds.range(n, "hidden_size", hiddenSize, 1, Bounds.MAX_WIDTH);
            Bounds.range(n, "output_channels", outputChannels, 1, Bounds.MAX_WIDTH);
            Bounds.range(n, "num_hidden_layers", numHiddenLayers, 1, Bounds.MAX_LAYERS);
            Bounds.divides(n, "num_attention_heads", numAttentionHeads, "hidden_size", hiddenSize);
            Bounds.range(n, "num_channels", numChannels, 1, Bounds.MAX_CHANNELS);
            Bounds.range(n, "image_size", imageSize, 1, Bounds.MAX_IMAGE_SIDE);
            Bounds.range(n, "patch_size", patchSize, 1, imageSize);
            if (imageSize % patchSize != 0) {
                throw new SegEarthException(n + ": image_size " + imageSize + " must be a multiple of patch_size "
                        + patchSize);
            }
            Bounds.positive(n, "layer_norm_eps", layerNormEps, 1);
            Bounds.range(n, "mlp_dim", mlpDim, 1, Bounds.MAX_FFN);
            Bounds.range(n, "window_size", windowSize, 0, imageSize / patchSize);
            Bounds.range(n, "num_pos_feats", numPosFeats, 1, Bounds.MAX_WIDTH);
            for (int i = 0; i < globalAttnIndexes.length; i++) {
                Bounds.range(n, "global_attn_indexes[" + i + "]", globalAttnIndexes[i], 0, numHiddenLayers - 1);
            }
        }

        @Override
        public int[] globalAttnIndexes() {
            return globalAttnIndexes.clone();
        }

        static Vision from(JsonConfig c) {
            int hidden = c.getInt("hidden_size", 768);
            double mlpRatio = Bounds.positive("SAM vision_config", "mlp_ratio", c.getDouble("mlp_ratio", 4.0), 64);
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
        public PromptEncoder {
            String n = "SAM prompt_encoder_config";
            Bounds.range(n, "hidden_size", hiddenSize, 1, Bounds.MAX_WIDTH);
            Bounds.range(n, "image_size", imageSize, 1, Bounds.MAX_IMAGE_SIDE);
            Bounds.range(n, "patch_size", patchSize, 1, imageSize);
            Bounds.range(n, "image_embedding_size", imageEmbeddingSize, 1, Bounds.MAX_IMAGE_SIDE);
            Bounds.range(n, "mask_input_channels", maskInputChannels, 1, 1024);
            Bounds.range(n, "num_point_embeddings", numPointEmbeddings, 1, 64);
            Bounds.positive(n, "layer_norm_eps", layerNormEps, 1);
        }

        static PromptEncoder from(JsonConfig c) {
            int imageSize = c.getInt("image_size", 1024);
            int patch = c.getInt("patch_size", 16);
            return new PromptEncoder(c.getInt("hidden_size", 256), imageSize, patch,
                    c.getInt("image_embedding_size", patch > 0 ? imageSize / patch : 0), c.getInt("mask_input_channels", 16),
                    c.getInt("num_point_embeddings", 4), c.getString("hidden_act", "gelu"),
                    c.getDouble("layer_norm_eps", 1e-6));
        }
    }

    /** {@code mask_decoder_config}. */
    public record MaskDecoder(int hiddenSize, String hiddenAct, int mlpDim, int numHiddenLayers,
            int numAttentionHeads, int attentionDownsampleRate, int numMultimaskOutputs, int iouHeadDepth,
            int iouHeadHiddenDim, double layerNormEps) {
        public MaskDecoder {
            String n = "SAM mask_decoder_config";
            Bounds.range(n, "hidden_size", hiddenSize, 1, Bounds.MAX_WIDTH);
            Bounds.range(n, "mlp_dim", mlpDim, 1, Bounds.MAX_FFN);
            Bounds.range(n, "num_hidden_layers", numHiddenLayers, 1, Bounds.MAX_LAYERS);
            Bounds.divides(n, "num_attention_heads", numAttentionHeads, "hidden_size", hiddenSize);
            Bounds.range(n, "attention_downsample_rate", attentionDownsampleRate, 1, hiddenSize);
            if (hiddenSize % attentionDownsampleRate != 0 || (hiddenSize / attentionDownsampleRate) % numAttentionHeads != 0) {
                throw new SegEarthException(n + ": hidden_size " + hiddenSize + " / attention_downsample_rate "
                        + attentionDownsampleRate + " must be a multiple of num_attention_heads " + numAttentionHeads);
            }
            Bounds.range(n, "num_multimask_outputs", numMultimaskOutputs, 0, 64);
            Bounds.range(n, "iou_head_depth", iouHeadDepth, 1, 64);
            Bounds.range(n, "iou_head_hidden_dim", iouHeadHiddenDim, 1, Bounds.MAX_WIDTH);
            Bounds.positive(n, "layer_norm_eps", layerNormEps, 1);
        }

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
        JsonConfig vision = c.optObject("vision_config").orElse(JsonConfig.parse("{}", c.source()));
        JsonConfig prompt = c.optObject("prompt_encoder_config").orElse(JsonConfig.parse("{}", c.source()));
        JsonConfig decoder = c.optObject("mask_decoder_config").orElse(JsonConfig.parse("{}", c.source()));
        Vision v = Bounds.from(vision, () -> Vision.from(vision));
        PromptEncoder p = Bounds.from(prompt, () -> PromptEncoder.from(prompt));
        MaskDecoder d = Bounds.from(decoder, () -> MaskDecoder.from(decoder));
        return Bounds.from(c, () -> new SamConfig(v, p, d));
    }
}
