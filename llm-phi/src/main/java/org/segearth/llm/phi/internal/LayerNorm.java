package org.segearth.llm.phi.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.segearth.spi.Weights;

/** A {@code torch.nn.LayerNorm} over the last dimension. */
public final class LayerNorm {

    private final NDArray weight; // [hidden]
    private final NDArray bias; // [hidden]
    private final float eps;

    private LayerNorm(NDArray weight, NDArray bias, float eps) {
        this.weight = weight;
        this.bias = bias;
        this.eps = eps;
    }

    /** Loads {@code <path>.weight} and {@code <path>.bias}, both {@code [width]}. */
    public static LayerNorm load(Weights w, String path, long width, double eps, NDManager owner) {
        NDArray weight = w.get(path + ".weight", width);
        NDArray bias = w.get(path + ".bias", width);
        weight.attach(owner);
        bias.attach(owner);
        return new LayerNorm(weight, bias, (float) eps);
    }

    public NDArray weight() {
        return weight;
    }

    public NDArray bias() {
        return bias;
    }

    public NDArray forward(NDArray x) {
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(weight.getShape().get(0)), weight, bias, eps)
                .singletonOrThrow();
    }
}
