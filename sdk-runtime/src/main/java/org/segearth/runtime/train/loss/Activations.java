package org.segearth.runtime.train.loss;

import ai.djl.ndarray.NDArray;

/** Element-wise functions DJL's {@code NDArray} lacks, composed from the ones it has. */
public final class Activations {

    private Activations() {
    }

    /** {@code 1 / (1 + exp(-x))} (the engine's, which keeps nothing from Java memory for the backward pass). */
    public static NDArray sigmoid(NDArray x) {
        return x.getNDArrayInternal().sigmoid();
    }

    /** {@code log(1 + x)} (precise enough for the losses: x is never tiny where it matters). */
    public static NDArray log1p(NDArray x) {
        return x.add(1f).log();
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
