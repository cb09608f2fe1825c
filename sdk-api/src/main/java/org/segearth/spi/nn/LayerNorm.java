package org.segearth.spi.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.segearth.spi.Weights;

/**
 * {@code torch.nn.LayerNorm} over the channels: the last axis ({@code channels_last}), or axis 1
 * of an NCHW map ({@code channels_first}, as SAM's {@code SamLayerNorm} and ConvNeXt-style norms).
 *
 * <pre>{@code
 * LayerNorm norm = LayerNorm.load(layer, "layer_norm1", hidden, 1e-6); // layer_norm1.weight, .bias
 * NDArray y = norm.forward(x);                         // over the last axis of [.., hidden]
 * LayerNorm neck = LayerNorm.loadChannelsFirst(w, "neck.layer_norm1", 256, 1e-6); // axis 1 of NCHW
 * }</pre>
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

    /** A channels-last norm from {@code weight}/{@code bias} {@code [channels]} of the view {@code w}. */
    public static LayerNorm load(Weights w, long channels, double eps) {
        return new LayerNorm(w.get("weight", channels), w.get("bias", channels), (float) eps, false);
    }

    /** A channels-last norm at {@code name}. */
    public static LayerNorm load(Weights w, String name, long channels, double eps) {
        return load(w.prefix(name), channels, eps);
    }

    /** A channels-first ({@code [B, C, H, W]}, normalised over C) norm at {@code name}. */
    public static LayerNorm loadChannelsFirst(Weights w, String name, long channels, double eps) {
        Weights p = w.prefix(name);
        return new LayerNorm(p.get("weight", channels), p.get("bias", channels), (float) eps, true);
    }

    /** Moves the parameters to {@code owner} and returns this norm. */
    public LayerNorm attach(NDManager owner) {
        weight.attach(owner);
        bias.attach(owner);
        return this;
    }

    public NDArray weight() {
        return weight;
    }

    public NDArray bias() {
        return bias;
    }

    /** Applies the norm; the result lives in {@code x}'s manager. */
    public NDArray forward(NDArray x) {
        if (!channelsFirst) {
            return apply(x, weight, bias, eps);
        }
        return apply(x.transpose(0, 2, 3, 1), weight, bias, eps).transpose(0, 3, 1, 2);
    }

    /** {@code F.layer_norm(x, [C], weight, bias, eps)} over the last axis (torch's kernel). */
    public static NDArray apply(NDArray x, NDArray weight, NDArray bias, double eps) {
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(weight.getShape().get(0)), weight, bias, (float) eps)
                .singletonOrThrow();
    }
}
