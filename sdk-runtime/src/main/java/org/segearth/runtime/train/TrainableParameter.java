package org.segearth.runtime.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;
import java.util.Objects;
import org.segearth.spi.nn.Scalars;

/**
 * One trained tensor: a live weight of a component (the array the model computes with) under the
 * key it is saved with, or one row of it (the {@code [SEG]} embedding row of a frozen table).
 *
 * <pre>{@code
 * TrainableParameter head = TrainableParameter.of("mllm.lm_head.weight", lm.parameters().get("lm_head.weight"));
 * TrainableParameter seg = TrainableParameter.row("mllm.model.embed_tokens.weight", table, segId);
 * }</pre>
 *
 * @param key the key in {@code trained.safetensors} or the adapter (unique in a run)
 * @param array the live weight; gradients attach to it
 * @param row the trained row of {@code array}, or -1 for all of it
 */
public record TrainableParameter(String key, NDArray array, long row) {

    public TrainableParameter {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(array, "array");
        if (row < -1 || row >= array.getShape().get(0)) {
            throw new IllegalArgumentException(key + ": row " + row + " is outside [0, " + array.getShape().get(0) + ")");
        }
    }

    /** The whole of {@code array}. */
    public static TrainableParameter of(String key, NDArray array) {
        return new TrainableParameter(key, array, -1);
    }

    /** Row {@code row} of {@code array} (the other rows stay frozen). */
    public static TrainableParameter row(String key, NDArray array, long row) {
        return new TrainableParameter(key, array, row);
    }

    /** Whether only one row trains. */
    public boolean isRow() {
        return row >= 0;
    }

    /** Makes autograd track the array. */
    public void requireGradient() {
        array.setRequiresGradient(true);
    }

    /** The gradient of the trained part (a view for whole arrays: in-place changes reach the array's gradient). */
    public NDArray gradient() {
        NDArray g = array.getGradient();
        if (!isRow()) {
            return g;
        }
        try (g) { // the row view keeps what it needs
            return g.get(new NDIndex("{}", row));
        }
    }

    /** A copy of the trained part's current value. */
    public NDArray value() {
        return isRow() ? array.get(new NDIndex("{}", row)) : array.duplicate();
    }

    /** Sets the gradient of the whole array to zero, in place. */
    public void zeroGradient() {
        // a new handle on the gradient (closing it keeps the gradient) and the fill's scalar, both
        // made in the array's long-lived manager: a scratch manager closes them
        try (NDManager scratch = array.getManager().newSubManager()) {
            NDArray g = array.getGradient();
            g.attach(scratch);
            g.set(new NDIndex("..."), 0f); // a fill, not a product: NaN or inf must not survive
        }
    }

    /** Overwrites the trained part in place (outside a gradient collector). */
    public void assign(NDArray value) {
        if (isRow()) {
            array.set(new NDIndex("{}", row), value);
        } else {
            array.set(new NDIndex("..."), value);
        }
    }

    /** The shape of the trained part. */
    public ai.djl.ndarray.types.Shape shape() {
        return isRow() ? array.getShape().slice(1) : array.getShape();
    }

    /**
     * 0 x the sum of every array of {@code params}, to add to a loss so that every one gets a
     * (possibly zero) gradient, also those the loss does not reach; null when there are none. Its
     * arrays are made in the parameters' managers, so they move to {@code m} (closed after the
     * backward pass) instead of piling up in the model's.
     */
    public static NDArray anchorTerm(List<TrainableParameter> params, NDManager m) {
        NDArray total = null;
        for (TrainableParameter p : params) {
            NDArray sum = p.array().sum();
            sum.attach(m);
            NDArray t = Scalars.mul(sum, 0);
            t.attach(m);
            total = total == null ? t : total.add(t);
        }
        return total;
    }
}
