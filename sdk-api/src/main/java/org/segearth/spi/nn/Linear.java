package org.segearth.spi.nn;

import ai.djl.ndarray.NDArray;
import org.segearth.spi.Weights;

/**
 * {@code torch.nn.Linear}: {@code y = x W^T + b} over the last axis, loaded by checkpoint key with
 * its shapes checked; the bias is optional.
 *
 * <pre>{@code
 * Linear fc1 = Linear.load(layer, "mlp.fc1", intermediate, hidden, true);
 * NDArray h = fc1.forward(x);
 * }</pre>
 */
public final class Linear {

    private final NDArray weight; // [out, in]
    private final NDArray bias; // [out] or null

    private Linear(NDArray weight, NDArray bias) {
        this.weight = weight;
        this.bias = bias;
    }

    /** A layer around existing arrays ({@code bias} may be null). */
    public static Linear of(NDArray weight, NDArray bias) {
        return new Linear(weight, bias);
    }

    /** Loads {@code weight} {@code [out, in]} and {@code bias} {@code [out]} of the view {@code w}. */
    public static Linear load(Weights w, long out, long in) {
        return new Linear(w.get("weight", out, in), w.get("bias", out));
    }

    /**
     * Loads {@code name.weight} {@code [out, in]} and, when {@code withBias}, {@code name.bias}
     * {@code [out]}.
     */
    public static Linear load(Weights w, String name, long out, long in, boolean withBias) {
        Weights p = w.prefix(name);
        return new Linear(p.get("weight", out, in), withBias ? p.get("bias", out) : null);
    }

    /** Like {@link #load(Weights, String, long, long, boolean)}, with the bias taken when present. */
    public static Linear loadOptionalBias(Weights w, String name, long out, long in) {
        return load(w, name, out, in, w.prefix(name).contains("bias"));
    }

    /** {@code [out, in]}. */
    public NDArray weight() {
        return weight;
    }

    /** {@code [out]}, or null. */
    public NDArray bias() {
        return bias;
    }

    /** Applies the layer; the result lives in {@code x}'s manager. */
    public NDArray forward(NDArray x) {
        return apply(x, weight, bias);
    }

    /**
     * {@code F.linear(x, weight, bias)} ({@code bias} may be null): torch's own kernel, so the
     * result matches {@code nn.Linear} bit for bit.
     */
    public static NDArray apply(NDArray x, NDArray weight, NDArray bias) {
        return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
    }
}
