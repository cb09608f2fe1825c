package org.segearth.heads.sam.internal;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.segearth.spi.Weights;
import org.segearth.spi.config.SamConfig;

/**
 * {@code SamVisionEncoder}: patch embedding + absolute positions, ViT layers with windowed and
 * global attention ({@code global_attn_indexes}), and the neck. Weights under {@code vision_encoder}.
 */
public final class SamVisionEncoder {

    private final SamPatchEmbeddings patchEmbed;
    private final NDArray posEmbed; // [1, grid, grid, hidden] or null
    private final List<SamVisionLayer> layers = new ArrayList<>();
    private final SamVisionNeck neck;
    private final SamConfig.Vision config;

    public SamVisionEncoder(Weights w, SamConfig.Vision c) {
        this.config = c;
        int grid = c.imageSize() / c.patchSize();
        this.patchEmbed = new SamPatchEmbeddings(w.prefix("patch_embed"), c);
        this.posEmbed = c.useAbsPos() ? w.get("pos_embed", 1, grid, grid, c.hiddenSize()) : null;
        int[] global = c.globalAttnIndexes();
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            final int index = i;
            boolean isGlobal = Arrays.stream(global).anyMatch(g -> g == index);
            layers.add(new SamVisionLayer(w.prefix("layers." + i), c, isGlobal ? 0 : c.windowSize()));
        }
        this.neck = new SamVisionNeck(w.prefix("neck"), c);
    }

    public SamConfig.Vision config() {
        return config;
    }

    /** {@code [B, 3, S, S]} -> image embeddings {@code [B, outputChannels, S/patch, S/patch]}. */
    public NDArray forward(NDArray pixelValues) {
        NDArray h = patchEmbed.forward(pixelValues);
        if (posEmbed != null) {
            h = h.add(posEmbed);
        }
        for (SamVisionLayer layer : layers) {
            h = layer.forward(h);
        }
        return neck.forward(h);
    }
}
