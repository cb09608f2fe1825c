package org.segearth.spi.config;

import org.segearth.api.SegEarthException;

/**
 * SigLIP vision tower configuration (Hugging Face {@code SiglipVisionConfig} fields).
 *
 * <pre>{@code
 * SiglipVisionConfig tower = SiglipVisionConfig.from(JsonConfig.read(dir.resolve("config.json")));
 * int side = tower.gridSize();                         // floor(image_size / patch_size) (27 for so400m at 384)
 * int tokens = tower.numPatches();                     // side * side (729)
 * }</pre>
 */
public record SiglipVisionConfig(
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numChannels,
        int imageSize,
        int patchSize,
        String hiddenAct,
        double layerNormEps) {

    public SiglipVisionConfig {
        String n = "SigLIP config";
        Bounds.range(n, "hidden_size", hiddenSize, 1, Bounds.MAX_WIDTH);
        Bounds.range(n, "intermediate_size", intermediateSize, 1, Bounds.MAX_FFN);
        Bounds.range(n, "num_hidden_layers", numHiddenLayers, 1, Bounds.MAX_LAYERS);
        Bounds.range(n, "num_attention_heads", numAttentionHeads, 1, hiddenSize);
        Bounds.range(n, "num_channels", numChannels, 1, Bounds.MAX_CHANNELS);
        Bounds.range(n, "image_size", imageSize, 1, Bounds.MAX_IMAGE_SIDE);
        Bounds.range(n, "patch_size", patchSize, 1, imageSize);
        Bounds.positive(n, "layer_norm_eps", layerNormEps, 1);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new SegEarthException("SigLIP config: hidden_size " + hiddenSize
                    + " must be a multiple of num_attention_heads " + numAttentionHeads);
        }
        // like Hugging Face: the patch convolution (stride patch_size, no padding) takes
        // floor(image_size / patch_size) patches per side and leaves the remainder unused
        // (so400m: 384 / 14 -> 27 x 27 patches, the last 6 rows and columns unused)
        if (patchSize <= 0 || imageSize < patchSize) {
            throw new SegEarthException("SigLIP config: image_size " + imageSize + " and patch_size " + patchSize
                    + " leave no patch; patch_size must be positive and at most image_size");
        }
    }

    /** Reads a SigLIP {@code config.json} (or its {@code vision_config} object). */
    public static SiglipVisionConfig from(JsonConfig config) {
        JsonConfig c = config.has("vision_config") && !config.has("hidden_size") ? config.object("vision_config") : config;
        return Bounds.from(c, () -> new SiglipVisionConfig(
                c.getInt("hidden_size", 768),
                c.getInt("intermediate_size", 3072),
                c.getInt("num_hidden_layers", 12),
                c.getInt("num_attention_heads", 12),
                c.getInt("num_channels", 3),
                c.getInt("image_size", 224),
                c.getInt("patch_size", 16),
                c.getString("hidden_act", "gelu_pytorch_tanh"),
                c.getDouble("layer_norm_eps", 1e-6)));
    }

    /** Patches per side: {@code floor(image_size / patch_size)}, as the patch convolution gives. */
    public int gridSize() {
        return imageSize / patchSize;
    }

    /** Image tokens per image. */
    public int numPatches() {
        return gridSize() * gridSize();
    }
}
