package org.segearth.runtime.train;

/**
 * The loss terms as numbers (see {@link LossParts}); also the mean over the samples of a step.
 *
 * @param textCe text cross-entropy
 * @param maskBce BCE x 5, deep-supervised
 * @param maskDice Dice x 5, deep-supervised
 * @param attention spatial attention loss (unweighted)
 * @param total the weighted sum
 */
public record LossValues(double textCe, double maskBce, double maskDice, double attention, double total) {

    /** All zero. */
    public static final LossValues ZERO = new LossValues(0, 0, 0, 0, 0);

    /** Term-wise sum. */
    public LossValues plus(LossValues o) {
        return new LossValues(textCe + o.textCe, maskBce + o.maskBce, maskDice + o.maskDice, attention + o.attention,
                total + o.total);
    }

    /** Term-wise division. */
    public LossValues div(double d) {
        return new LossValues(textCe / d, maskBce / d, maskDice / d, attention / d, total / d);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "total %.5f (text %.5f, bce %.5f, dice %.5f, attention %.5f)",
                total, textCe, maskBce, maskDice, attention);
    }
}
