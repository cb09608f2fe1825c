package org.segearth.runtime.train.loss;

import org.segearth.spi.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Next-token cross-entropy of a causal language model: {@code logits[:, :-1]} against
 * {@code labels[:, 1:]}, positions labelled {@link #IGNORE_INDEX} skipped, mean over the rest
 * (torch {@code CrossEntropyLoss(ignore_index=-100)} on the shifted tensors).
 */
public final class TextCrossEntropy {

    /** The label of positions that do not count (prompt, image and padding tokens). */
    public static final long IGNORE_INDEX = -100;

    private TextCrossEntropy() {
    }

    /**
     * The loss, a scalar array.
     *
     * @param logits {@code [B, T, V]} float logits
     * @param labels {@code [B, T]} int64 token ids, {@link #IGNORE_INDEX} where nothing is learnt
     * @return the mean over the counted positions, 0 when none counts
     */
    public static NDArray compute(NDArray logits, NDArray labels) {
        long t = logits.getShape().get(1);
        if (logits.getShape().dimension() != 3 || labels.getShape().dimension() != 2 || labels.getShape().get(1) != t) {
            throw new IllegalArgumentException("text cross-entropy expects logits [B, T, V] and labels [B, T], got "
                    + logits.getShape() + " and " + labels.getShape());
        }
        NDArray shiftedLogits = logits.get(":, :-1, :");
        NDArray shiftedLabels = labels.get(":, 1:").toType(DataType.INT64, false);
        NDArray valid = shiftedLabels.neq(IGNORE_INDEX);
        NDArray safeLabels = shiftedLabels.mul(valid.toType(DataType.INT64, false));
        NDArray logProbs = shiftedLogits.logSoftmax(-1);
        NDArray picked = logProbs.gather(safeLabels.expandDims(-1), -1).squeeze(-1);
        NDArray weights = valid.toType(picked.getDataType(), false);
        long count = valid.countNonzero().getLong();
        if (count == 0) {
            return picked.mul(weights).sum(); // 0, still attached to the graph
        }
        return Scalars.div(picked.mul(weights).sum().neg(), count);
    }
}
