package org.segearth.runtime.train;

import ai.djl.ndarray.NDArray;
import org.segearth.spi.nn.Scalars;

/**
 * The terms of SegEarth-R2's training loss for one sample, each a scalar array still attached to
 * the autograd graph: {@code total = textCe + maskBce + maskDice + lambdaS * attention}.
 *
 * @param textCe shifted cross-entropy over the answer tokens
 * @param maskBce BCE x 5 summed over the initial prediction and every decoder layer
 * @param maskDice Dice x 5, likewise
 * @param attention the spatial attention loss summed over the layers (unweighted; 0 when disabled)
 * @param total the weighted sum
 */
public record LossParts(NDArray textCe, NDArray maskBce, NDArray maskDice, NDArray attention, NDArray total) {

    /** The text loss alone: the other terms are zeros attached to it, the total is the text loss. */
    public static LossParts textOnly(NDArray textCe) {
        NDArray zero = Scalars.mul(textCe, 0);
        return new LossParts(textCe, zero, zero, zero, textCe);
    }

    /** The values as plain numbers. */
    public LossValues values() {
        return new LossValues(scalar(textCe), scalar(maskBce), scalar(maskDice), scalar(attention), scalar(total));
    }

    private static double scalar(NDArray a) {
        return a.stopGradient().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
    }
}
