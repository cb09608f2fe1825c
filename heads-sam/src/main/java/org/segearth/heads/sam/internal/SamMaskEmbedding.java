package org.segearth.heads.sam.internal;

import ai.djl.ndarray.NDArray;
import org.segearth.spi.Weights;
import org.segearth.spi.config.SamConfig;
import org.segearth.spi.nn.Activations;
import org.segearth.spi.nn.Convolutions;
import org.segearth.spi.nn.LayerNorm;

/** {@code SamMaskEmbedding}: embeds a low-resolution mask prompt into a dense embedding. */
public final class SamMaskEmbedding {

    private final NDArray conv1Weight; // [maskChannels/4, 1, 2, 2]
    private final NDArray conv1Bias; // [maskChannels/4]
    private final LayerNorm layerNorm1; // [maskChannels/4]
    private final NDArray conv2Weight; // [maskChannels, maskChannels/4, 2, 2]
    private final NDArray conv2Bias; // [maskChannels]
    private final LayerNorm layerNorm2; // [maskChannels]
    private final NDArray conv3Weight; // [hidden, maskChannels, 1, 1]
    private final NDArray conv3Bias; // [hidden]
    private final String act;

    public SamMaskEmbedding(Weights w, SamConfig.PromptEncoder c) {
        int full = c.maskInputChannels();
        int quarter = full / 4;
        this.conv1Weight = w.get("conv1.weight", quarter, 1, 2, 2);
        this.conv1Bias = w.get("conv1.bias", quarter);
        this.layerNorm1 = LayerNorm.loadChannelsFirst(w, "layer_norm1", quarter, c.layerNormEps());
        this.conv2Weight = w.get("conv2.weight", full, quarter, 2, 2);
        this.conv2Bias = w.get("conv2.bias", full);
        this.layerNorm2 = LayerNorm.loadChannelsFirst(w, "layer_norm2", full, c.layerNormEps());
        this.conv3Weight = w.get("conv3.weight", c.hiddenSize(), full, 1, 1);
        this.conv3Bias = w.get("conv3.bias", c.hiddenSize());
        this.act = c.hiddenAct();
    }

    /** {@code [B, 1, 4e, 4e]} mask logits -> {@code [B, hidden, e, e]}. */
    public NDArray forward(NDArray masks) {
        NDArray h = Activations.byName(act, layerNorm1.forward(Convolutions.conv2d(masks, conv1Weight, conv1Bias, 2, 0)));
        h = Activations.byName(act, layerNorm2.forward(Convolutions.conv2d(h, conv2Weight, conv2Bias, 2, 0)));
        return Convolutions.conv2d(h, conv3Weight, conv3Bias, 1, 0);
    }
}
