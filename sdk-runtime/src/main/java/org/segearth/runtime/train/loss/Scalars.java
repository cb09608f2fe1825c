package org.segearth.runtime.train.loss;

import ai.djl.ndarray.NDArray;

/**
 * Arithmetic with a constant that is safe under autograd. DJL's {@code mul(Number)},
 * {@code div(Number)} and {@code pow(Number)} wrap the number in a tensor made from Java memory
 * and close it right away, while PyTorch's autograd keeps that tensor for the backward pass: once
 * the JVM frees the buffer, the gradient reads garbage. These helpers use a 0-d tensor with
 * native storage (a clone) instead.
 */
public final class Scalars {

    private Scalars() {
    }

    /** A 0-d tensor holding {@code value} in {@code like}'s manager and type, with native storage. */
    public static NDArray of(NDArray like, double value) {
        try (NDArray fromJava = like.getManager().create((float) value)) {
            NDArray copy = fromJava.duplicate();
            return copy.getDataType() == like.getDataType() ? copy : copy.toType(like.getDataType(), false);
        }
    }

    /** {@code x * value}. */
    public static NDArray mul(NDArray x, double value) {
        return x.mul(of(x, value));
    }

    /** {@code x / value}. */
    public static NDArray div(NDArray x, double value) {
        return x.div(of(x, value));
    }
}
