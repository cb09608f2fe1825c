package org.segearth.heads.sam.internal;

import ai.djl.ndarray.NDArray;
import org.segearth.spi.Weights;

/** {@code nn.Linear}: {@code y = x W^T + b}. */
public final class Linear {

    private final NDArray weightT; // [in, out] (checkpoint "weight" is [out, in])
    private final NDArray bias; // [out] or null

    private Linear(NDArray weight, NDArray bias) {
        this.weightT = weight.transpose();
        this.bias = bias;
    }

    /** Loads {@code name.weight} {@code [out, in]} and, when {@code withBias}, {@code name.bias} {@code [out]}. */
    public static Linear load(Weights w, String name, long in, long out, boolean withBias) {
        Weights p = w.prefix(name);
        return new Linear(p.get("weight", out, in), withBias ? p.get("bias", out) : null);
    }

    /** Applies the layer to the last axis of {@code x}; the result lives in {@code x}'s manager. */
    public NDArray forward(NDArray x) {
        NDArray y = x.matMul(weightT);
        return bias == null ? y : y.addi(bias);
    }
}
