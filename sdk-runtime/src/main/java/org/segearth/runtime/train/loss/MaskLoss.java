package org.segearth.runtime.train.loss;

import ai.djl.ndarray.NDArray;

/**
 * The two Mask2Former mask loss terms, already weighted (scalar arrays).
 *
 * @param bce the sigmoid binary cross-entropy term
 * @param dice the Dice term
 */
public record MaskLoss(NDArray bce, NDArray dice) {

    /** {@code bce + dice}. */
    public NDArray total() {
        return bce.add(dice);
    }

    /** The term-wise sum of this and {@code other}. */
    public MaskLoss plus(MaskLoss other) {
        return new MaskLoss(bce.add(other.bce), dice.add(other.dice));
    }
}
