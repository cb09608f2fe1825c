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
        boolean enforceInputProjection,
        boolean lateralConvRelu) {

    /**
     * The {@code config.json} field of {@link #lateralConvRelu()}: whether the pixel decoder's
     * lateral convolutions ({@code adapter_i}: 1x1 conv + GroupNorm) end with a ReLU. The official
     * SegEarth-R2 pixel decoder (its vendored {@code Mask2Former_Simplify/.../msdeformattn.py}:
     * {@code lateral_conv = nn.Sequential(nn.Conv2d(...), nn.GroupNorm(32, conv_dim),
     * nn.ReLU(inplace=True))}) has it; Hugging Face's and detectron2's do not. Absent: false.
     */
    public static final String LATERAL_CONV_RELU = "segearth_lateral_conv_relu";

    /** A config without the lateral ReLU (Hugging Face's semantics). */
    public Mask2FormerConfig(SwinConfig backbone, int featureSize, int maskFeatureSize, int hiddenDim,
            int encoderFeedforwardDim, int encoderLayers, int decoderLayers, int numAttentionHeads, int dimFeedforward,
            boolean preNorm, int commonStride, int[] featureStrides, int numQueries, String activationFunction,
            int trainNumPoints, double oversampleRatio, double importanceSampleRatio, double maskWeight,
            double diceWeight, boolean enforceInputProjection) {
        this(backbone, featureSize, maskFeatureSize, hiddenDim, encoderFeedforwardDim, encoderLayers, decoderLayers,
                numAttentionHeads, dimFeedforward, preNorm, commonStride, featureStrides, numQueries,
                activationFunction, trainNumPoints, oversampleRatio, importanceSampleRatio, maskWeight, diceWeight,
                enforceInputProjection, false);
    }

    public Mask2FormerConfig {
        featureStrides = featureStrides.clone();
        String n = "Mask2Former config";
        Bounds.range(n, "feature_size", featureSize, 1, Bounds.MAX_WIDTH);
        Bounds.range(n, "mask_feature_size", maskFeatureSize, 1, Bounds.MAX_WIDTH);
        Bounds.range(n, "hidden_dim", hiddenDim, 1, Bounds.MAX_WIDTH);
        Bounds.range(n, "encoder_feedforward_dim", encoderFeedforwardDim, 1, Bounds.MAX_FFN);
        Bounds.range(n, "dim_feedforward", dimFeedforward, 1, Bounds.MAX_FFN);
        Bounds.range(n, "encoder_layers", encoderLayers, 0, Bounds.MAX_LAYERS);
        Bounds.range(n, "decoder_layers", decoderLayers, 1, Bounds.MAX_LAYERS);
        Bounds.divides(n, "num_attention_heads", numAttentionHeads, "hidden_dim", hiddenDim);
        Bounds.divides(n, "num_attention_heads", numAttentionHeads, "feature_size", featureSize);
        Bounds.range(n, "common_stride", commonStride, 1, 64);
        Bounds.range(n, "number of feature_strides", featureStrides.length, 1, SwinConfig.MAX_STAGES);
        for (int i = 0; i < featureStrides.length; i++) {
            Bounds.range(n, "feature_strides[" + i + "]", featureStrides[i], 1, 1024);
        }
        Bounds.range(n, "num_queries", numQueries, 1, 10_000);
        Bounds.range(n, "train_num_points", trainNumPoints, 1, 1 << 20);
        Bounds.range(n, "oversample_ratio", oversampleRatio, 1, 100);
        Bounds.range(n, "importance_sample_ratio", importanceSampleRatio, 0, 1);
        Bounds.range(n, "mask_weight", maskWeight, 0, 1e6);
        Bounds.range(n, "dice_weight", diceWeight, 0, 1e6);
    }

    /** Reads a Mask2Former {@code config.json}. */
    public static Mask2FormerConfig from(JsonConfig c) {
        SwinConfig backbone = SwinConfig.from(c.object("backbone_config"));
        return Bounds.from(c, () -> new Mask2FormerConfig(
                backbone,
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
                c.getBoolean("enforce_input_projection", false),
                c.getBoolean(LATERAL_CONV_RELU, false)));
    }

    @Override
    public int[] featureStrides() {
        return featureStrides.clone();
    }
}
