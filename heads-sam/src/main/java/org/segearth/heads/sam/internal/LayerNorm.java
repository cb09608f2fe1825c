package org.segearth.heads.sam.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.segearth.spi.Weights;

/**
 * {@code nn.LayerNorm} and {@code SamLayerNorm}: normalisation over the channels, either the last
 * axis ({@code channels_last}) or axis 1 of an NCHW map ({@code channels_first}).
 */
public final class LayerNorm {

    private final NDArray weight; // [channels]
    private final NDArray bias; // [channels]
    private final float eps;
    private final boolean channelsFirst;

    private LayerNorm(NDArray weight, NDArray bias, float eps, boolean channelsFirst) {
        this.weight = weight;
        this.bias = bias;
        this.eps = eps;
        this.channelsFirst = channelsFirst;
    }

    /** A channels-last layer norm at {@code name}. */
    public static LayerNorm load(Weights w, String name, long channels, double eps) {
        Weights p = w.prefix(name);
        return new LayerNorm(p.get("weight", channels), p.get("bias", channels), (float) eps, false);
    }

    /** A channels-first ({@code SamLayerNorm(data_format="channels_first")}) layer norm at {@code name}. */
    public static LayerNorm loadChannelsFirst(Weights w, String name, long channels, double eps) {
        Weights p = w.prefix(name);
        return new LayerNorm(p.get("weight", channels), p.get("bias", channels), (float) eps, true);
    }

    public NDArray forward(NDArray x) {
        if (!channelsFirst) {
            return normLast(x);
        }
        NDArray last = x.transpose(0, 2, 3, 1);
        return normLast(last).transpose(0, 3, 1, 2);
    }

    private NDArray normLast(NDArray x) {
        Shape normalized = new Shape(weight.getShape().get(0));
        return x.getNDArrayInternal().layerNorm(x, normalized, weight, bias, eps).singletonOrThrow();
    }
}
