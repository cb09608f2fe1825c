package org.segearth.runtime.train.loss;

import ai.djl.ndarray.NDArray;

/**
 * The element-wise functions the losses use; {@code sigmoid} and {@code log1p} are those of
 * {@link org.segearth.spi.nn.Activations} (kept here so that callers in {@code train} stay as they are).
 */
public final class Activations {

    private Activations() {
    }

    /** {@code 1 / (1 + exp(-x))}: {@link org.segearth.spi.nn.Activations#sigmoid}. */
    public static NDArray sigmoid(NDArray x) {
        return org.segearth.spi.nn.Activations.sigmoid(x);
    }

    /** {@code log(1 + x)}: {@link org.segearth.spi.nn.Activations#log1p}. */
    public static NDArray log1p(NDArray x) {
        return org.segearth.spi.nn.Activations.log1p(x);
    }

    /**
     * Binary cross-entropy with logits, element-wise, in the numerically stable form torch uses:
     * {@code (1 - t) * x + max(-x, 0) + log(1 + exp(-|x|))}.
     */
    public static NDArray bceWithLogits(NDArray logits, NDArray targets) {
        NDArray oneMinusT = targets.neg().add(1f);
        return oneMinusT.mul(logits)
                .add(logits.neg().getNDArrayInternal().relu())
                .add(log1p(logits.abs().neg().exp()));
    }
}
