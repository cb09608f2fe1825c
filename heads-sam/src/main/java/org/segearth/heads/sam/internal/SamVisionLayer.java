package org.segearth.heads.sam.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import org.segearth.spi.Weights;
import org.segearth.spi.config.SamConfig;
import org.segearth.spi.nn.LayerNorm;

/** {@code SamVisionLayer}: pre-norm ViT block with windowed (window > 0) or global attention. */
public final class SamVisionLayer {

    private final LayerNorm layerNorm1; // [hidden]
    private final SamVisionAttention attn;
    private final LayerNorm layerNorm2; // [hidden]
    private final SamMlpBlock mlp;
    private final int windowSize;

    /** @param windowSize the window side, or 0 for global attention */
    public SamVisionLayer(Weights w, SamConfig.Vision c, int windowSize) {
        this.windowSize = windowSize;
        this.layerNorm1 = LayerNorm.load(w, "layer_norm1", c.hiddenSize(), c.layerNormEps());
        int grid = c.imageSize() / c.patchSize();
        this.attn = new SamVisionAttention(w.prefix("attn"), c, windowSize > 0 ? windowSize : grid);
        this.layerNorm2 = LayerNorm.load(w, "layer_norm2", c.hiddenSize(), c.layerNormEps());
        this.mlp = new SamMlpBlock(w.prefix("mlp"), c.hiddenSize(), c.mlpDim(), c.hiddenAct());
    }

    /** {@code [B, H, W, C]} -> {@code [B, H, W, C]}. */
    public NDArray forward(NDArray x) {
        NDArray h = layerNorm1.forward(x);
        if (windowSize > 0) {
            long height = h.getShape().get(1);
            long width = h.getShape().get(2);
            NDArray windows = windowPartition(h, windowSize);
            long paddedH = height + (windowSize - height % windowSize) % windowSize;
            long paddedW = width + (windowSize - width % windowSize) % windowSize;
            h = windowUnpartition(attn.forward(windows), windowSize, paddedH, paddedW, height, width);
        } else {
            h = attn.forward(h);
        }
        NDArray residual = x.add(h);
        return residual.add(mlp.forward(layerNorm2.forward(residual)));
    }

    /**
     * {@code window_partition}: pads {@code [B, H, W, C]} with zeros at the bottom/right to multiples
     * of {@code window} and cuts it into {@code [B * windows, window, window, C]}.
     */
    public static NDArray windowPartition(NDArray x, int window) {
        long[] s = x.getShape().getShape();
        long b = s[0];
        long h = s[1];
        long w = s[2];
        long c = s[3];
        long padH = (window - h % window) % window;
        long padW = (window - w % window) % window;
        if (padH > 0) {
            x = x.concat(x.getManager().zeros(new ai.djl.ndarray.types.Shape(b, padH, w, c), x.getDataType()), 1);
        }
        if (padW > 0) {
            x = x.concat(x.getManager().zeros(new ai.djl.ndarray.types.Shape(b, h + padH, padW, c), x.getDataType()), 2);
        }
        long hp = h + padH;
        long wp = w + padW;
        return x.reshape(b, hp / window, window, wp / window, window, c).transpose(0, 1, 3, 2, 4, 5)
                .reshape(-1, window, window, c);
    }

    /** {@code window_unpartition}: the inverse of {@link #windowPartition}, padding removed. */
    public static NDArray windowUnpartition(NDArray windows, int window, long paddedH, long paddedW, long h, long w) {
        long c = windows.getShape().get(3);
        long b = windows.getShape().get(0) / (paddedH * paddedW / window / window);
        NDArray x = windows.reshape(b, paddedH / window, paddedW / window, window, window, c)
                .transpose(0, 1, 3, 2, 4, 5).reshape(b, paddedH, paddedW, c);
        if (paddedH > h || paddedW > w) {
            x = x.get(new NDIndex(":, :{}, :{}, :", h, w));
        }
        return x;
    }

}
