package org.segearth.spi.config;

import org.segearth.api.SegEarthException;

/**
 * Swin backbone configuration (Hugging Face {@code SwinConfig} fields).
 *
 * <pre>{@code
 * SwinConfig swin = SwinConfig.from(JsonConfig.read(dir.resolve("config.json")).object("backbone_config"));
 * int stages = swin.depths().length;
 * int lastDim = swin.stageDim(stages - 1);             // embed_dim * 2^(stages - 1): 1024 for Swin-B
 * }</pre>
 */
public record SwinConfig(
        int numChannels,
        int patchSize,
        int embedDim,
        int[] depths,
        int[] numHeads,
        int windowSize,
        double mlpRatio,
        boolean qkvBias,
        String hiddenAct,
        double layerNormEps,
        boolean useAbsoluteEmbeddings,
        int[] outIndices) {

    public SwinConfig {
        depths = depths.clone();
        numHeads = numHeads.clone();
        outIndices = outIndices.clone();
        if (depths.length != numHeads.length) {
            throw new SegEarthException("Swin config: depths " + java.util.Arrays.toString(depths)
                    + " and num_heads " + java.util.Arrays.toString(numHeads) + " differ in length");
        }
        String n = "Swin config";
        Bounds.range(n, "number of stages (depths)", depths.length, 1, MAX_STAGES);
        Bounds.range(n, "num_channels", numChannels, 1, Bounds.MAX_CHANNELS);
        Bounds.range(n, "patch_size", patchSize, 1, 64);
        Bounds.range(n, "embed_dim", embedDim, 1, Bounds.MAX_WIDTH >> (depths.length - 1));
        Bounds.range(n, "window_size", windowSize, 1, 256);
        Bounds.positive(n, "mlp_ratio", mlpRatio, 64);
        Bounds.positive(n, "layer_norm_eps", layerNormEps, 1);
        for (int i = 0; i < depths.length; i++) {
            Bounds.range(n, "depths[" + i + "]", depths[i], 1, Bounds.MAX_LAYERS);
            Bounds.divides(n, "num_heads[" + i + "]", numHeads[i], "stage " + i + " width (embed_dim * 2^" + i + ")",
                    embedDim << i);
        }
        for (int i = 0; i < outIndices.length; i++) {
            Bounds.range(n, "out_indices[" + i + "]", outIndices[i], 0, depths.length);
        }
    }

    /** The most stages accepted. */
    public static final int MAX_STAGES = 8;

    /** Reads a Swin {@code config.json} (or Mask2Former's {@code backbone_config}). */
    public static SwinConfig from(JsonConfig c) {
        return Bounds.from(c, () -> read(c));
    }

    private static SwinConfig read(JsonConfig c) {
        int[] depths = c.getIntArray("depths", new int[] {2, 2, 6, 2});
        int[] defaultOut = new int[depths.length];
        for (int i = 0; i < depths.length; i++) {
            defaultOut[i] = i + 1;
        }
        return new SwinConfig(
                c.getInt("num_channels", 3),
                c.getInt("patch_size", 4),
                c.getInt("embed_dim", 96),
                depths,
                c.getIntArray("num_heads", new int[] {3, 6, 12, 24}),
                c.getInt("window_size", 7),
                c.getDouble("mlp_ratio", 4.0),
                c.getBoolean("qkv_bias", true),
                c.getString("hidden_act", "gelu"),
                c.getDouble("layer_norm_eps", 1e-5),
                c.getBoolean("use_absolute_embeddings", false),
                c.getIntArray("out_indices", defaultOut));
    }

    @Override
    public int[] depths() {
        return depths.clone();
    }

    @Override
    public int[] numHeads() {
        return numHeads.clone();
    }

    @Override
    public int[] outIndices() {
        return outIndices.clone();
    }

    /** Channels of stage {@code i} (0-based): embed_dim * 2^i. */
    public int stageDim(int i) {
        return embedDim << i;
    }
}
