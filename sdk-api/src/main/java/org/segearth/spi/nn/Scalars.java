package org.segearth.spi.nn;

import ai.djl.ndarray.NDArray;

/**
 * Arithmetic with a constant in a way autograd survives. DJL's {@code mul(Number)},
 * {@code div(Number)} and {@code pow(Number)} wrap the number in a tensor made from Java memory
 * and close it at once, while autograd keeps that tensor for the backward pass (which then reads
 * freed memory); these helpers use a 0-d tensor with native storage instead. The values are bit
 * for bit those of the {@code Number} forms.
 *
 * <pre>{@code
 * NDArray scaled = Scalars.mul(scores, 1.0 / Math.sqrt(headDim)); // x * c, kept alive for backward
 * NDArray cube = Scalars.pow(x, 3);
 * NDArray eps = Scalars.of(x, 1e-6);                   // 0-d, x's data type, native storage
 * }</pre>
 */
public final class Scalars {

    private Scalars() {}

    /** {@code x * value}, the constant in {@code x}'s data type. */
    public static NDArray mul(NDArray x, double value) {
        return x.mul(constant(x, value));
    }

    /** {@code x / value}, the constant in {@code x}'s data type. */
    public static NDArray div(NDArray x, double value) {
        return x.div(constant(x, value));
    }

    /** {@code x ^ value} (the same kernel as {@code pow(Number)}). */
    public static NDArray pow(NDArray x, double value) {
        return x.pow(constant(x, value));
    }

    /** A native copy of {@code array} (which may be backed by Java memory), in its manager. */
    public static NDArray nativeCopy(NDArray array) {
        try (NDArray fromJava = array) {
            return fromJava.duplicate();
        }
    }

    /** A 0-d tensor holding {@code value} in {@code x}'s manager and data type, with native storage. */
    public static NDArray of(NDArray x, double value) {
        return constant(x, value);
    }

    private static NDArray constant(NDArray x, double value) {
        NDArray scalar = nativeCopy(x.getManager().create((float) value));
        return scalar.getDataType() == x.getDataType() ? scalar : scalar.toType(x.getDataType(), false);
    }
}
