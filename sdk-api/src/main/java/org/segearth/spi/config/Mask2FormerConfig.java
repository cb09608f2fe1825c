package org.segearth.spi.config;

/**
 * Mask2Former configuration (Hugging Face {@code Mask2FormerConfig} fields) with its Swin backbone.
 *
 * <pre>{@code
 * Mask2FormerConfig config = Mask2FormerConfig.from(JsonConfig.read(dir.resolve("config.json")));
 * SwinConfig backbone = config.backbone();             // backbone_config
 * int hidden = config.hiddenDim();                     // query width of the transformer decoder
 * int layers = config.decoderLayers();
 * }</pre>
 */
public record Mask2FormerConfig(
        SwinConfig backbone,
        int featureSize,
        int maskFeatureSize,
        int hiddenDim,
        int encoderFeedforwardDim,
        int encoderLayers,
        int decoderLayers,
        int numAttentionHeads,
        int dimFeedforward,
        boolean preNorm,
        int commonStride,
        int[] featureStrides,
        int numQueries,
        String activationFunction,
        int trainNumPoints,
        double oversampleRatio,
        double importanceSampleRatio,
        double maskWeight,
        double diceWeight,
        boolean enforceInputProjection) {

    public Mask2FormerConfig {
        featureStrides = featureStrides.clone();
    }

    /** Reads a Mask2Former {@code config.json}. */
    public static Mask2FormerConfig from(JsonConfig c) {
        return new Mask2FormerConfig(
                SwinConfig.from(c.object("backbone_config")),
                c.getInt("feature_size", 256),
                c.getInt("mask_feature_size", 256),
                c.getInt("hidden_dim", 256),
                c.getInt("encoder_feedforward_dim", 1024),
                c.getInt("encoder_layers", 6),
                c.getInt("decoder_layers", 10),
                c.getInt("num_attention_heads", 8),
                c.getInt("dim_feedforward", 2048),
                c.getBoolean("pre_norm", false),
                c.getInt("common_stride", 4),
                c.getIntArray("feature_strides", new int[] {4, 8, 16, 32}),
                c.getInt("num_queries", 100),
                c.getString("activation_function", "relu"),
                c.getInt("train_num_points", 12544),
                c.getDouble("oversample_ratio", 3.0),
                c.getDouble("importance_sample_ratio", 0.75),
                c.getDouble("mask_weight", 5.0),
                c.getDouble("dice_weight", 5.0),
                c.getBoolean("enforce_input_projection", false));
    }

    @Override
    public int[] featureStrides() {
        return featureStrides.clone();
    }
}
