package org.segearth.heads.sam.internal;

import ai.djl.ndarray.NDArray;
import org.segearth.spi.Weights;
import org.segearth.spi.config.SamConfig;
import org.segearth.spi.nn.Convolutions;
import org.segearth.spi.nn.LayerNorm;

/** {@code SamVisionNeck}: conv1x1 -> SamLayerNorm -> conv3x3 -> SamLayerNorm, channels first. */
public final class SamVisionNeck {

    /** {@code SamLayerNorm}'s default epsilon, which the neck uses whatever the config says. */
    static final double EPS = 1e-6;

    private final NDArray conv1Weight; // [out, hidden, 1, 1]
    private final LayerNorm layerNorm1; // [out]
    private final NDArray conv2Weight; // [out, out, 3, 3]
    private final LayerNorm layerNorm2; // [out]

    public SamVisionNeck(Weights w, SamConfig.Vision c) {
        int out = c.outputChannels();
        this.conv1Weight = w.get("conv1.weight", out, c.hiddenSize(), 1, 1);
        this.layerNorm1 = LayerNorm.loadChannelsFirst(w, "layer_norm1", out, EPS);
        this.conv2Weight = w.get("conv2.weight", out, out, 3, 3);
        this.layerNorm2 = LayerNorm.loadChannelsFirst(w, "layer_norm2", out, EPS);
    }

    /** {@code [B, H, W, hidden]} -> {@code [B, out, H, W]}. */
    public NDArray forward(NDArray x) {
        NDArray h = Convolutions.conv2d(x.transpose(0, 3, 1, 2), conv1Weight, null, 1, 0);
        h = layerNorm1.forward(h);
        h = Convolutions.conv2d(h, conv2Weight, null, 1, 1);
        return layerNorm2.forward(h);
    }
}
