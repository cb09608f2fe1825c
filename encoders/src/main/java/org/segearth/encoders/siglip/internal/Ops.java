package org.segearth.encoders.siglip.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

/** The tensor operations the SigLIP modules share. */
final class Ops {

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    private Ops() {}

    /** {@code x W^T + b} (torch {@code nn.Linear}). */
    static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return Linear.linear(x, weight, bias).singletonOrThrow();
    }

    /** Layer normalisation over the last dimension. */
    static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, double eps) {
        return LayerNorm.layerNorm(x, new Shape(weight.getShape().get(0)), weight, bias, (float) eps)
                .singletonOrThrow();
    }

    /** GELU with the tanh approximation (torch {@code gelu(x, approximate="tanh")}). */
    static NDArray geluTanh(NDArray x) {
        NDArray inner = x.add(x.pow(3).mul(0.044715)).mul(SQRT_2_OVER_PI);
        return x.mul(0.5).mul(inner.tanh().add(1));
    }

    /** Exact GELU, {@code 0.5 x (1 + erf(x / sqrt 2))}. */
    static NDArray geluErf(NDArray x) {
        return x.getNDArrayInternal().gelu();
    }

    /** The activation named by a Hugging Face {@code hidden_act}. */
    static NDArray activation(String name, NDArray x) {
        return switch (name) {
            case "gelu_pytorch_tanh", "gelu_new", "gelu_fast" -> geluTanh(x);
            case "gelu" -> geluErf(x);
            default -> throw new org.segearth.api.SegEarthException("activation '" + name
                    + "' is not supported; expected gelu_pytorch_tanh or gelu");
        };
    }

    /** Multi-head scaled dot-product attention: q [B, Lq, E], k/v [B, Lk, E] -> [B, Lq, E]. */
    static NDArray attention(NDArray q, NDArray k, NDArray v, int heads) {
        long b = q.getShape().get(0);
        long lq = q.getShape().get(1);
        long lk = k.getShape().get(1);
        long e = q.getShape().get(2);
        long d = e / heads;
        NDArray qh = q.reshape(b, lq, heads, d).transpose(0, 2, 1, 3);
        NDArray kh = k.reshape(b, lk, heads, d).transpose(0, 2, 3, 1);
        NDArray vh = v.reshape(b, lk, heads, d).transpose(0, 2, 1, 3);
        NDArray scores = qh.matMul(kh).mul(1.0 / Math.sqrt(d));
        NDArray probs = scores.softmax(-1);
        return probs.matMul(vh).transpose(0, 2, 1, 3).reshape(b, lq, e);
    }
}
