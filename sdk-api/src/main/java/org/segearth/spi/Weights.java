package org.segearth.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Optional;
import java.util.Set;

/**
 * A scoped, read-only view of checkpoint tensors, addressed by checkpoint key.
 *
 * <pre>{@code
 * Weights layer = weights.prefix("model.layers.0");
 * NDArray q = layer.get("self_attn.q_proj.weight", hidden, hidden);
 * }</pre>
 *
 * <p>Every tensor handed out is float32 (or float16 when the view was opened for a GPU), in the
 * view's {@link #manager()}, and marked as used so that the root view can report the keys that
 * nothing asked for.
 */
public interface Weights {

    /** A view of the keys below {@code prefix + "."}; the empty prefix returns this view. */
    Weights prefix(String prefix);

    /** The full prefix of this view, "" at the root, else ending without a dot. */
    String scope();

    /**
     * The tensor at {@code key} (relative to this view), checked to have {@code shape}; no shape
     * means any shape. Missing keys and wrong shapes raise a {@code SegEarthException} that names
     * the full key, the file and the nearest existing key.
     */
    NDArray get(String key, long... shape);

    /**
     * Like {@link #get}, for a tensor that is only ever the weight operand of a matrix product
     * ({@code Linear} weights, embedding tables): a view opened for a reduced-precision model may
     * hand it out in float16 when it is stored in 16 bits. Callers pass it to
     * {@link org.segearth.spi.nn.Linear#apply} or read rows of it, nothing else.
     */
    default NDArray getMatrix(String key, long... shape) {
        return get(key, shape);
    }

    /** The tensor at {@code key} when present (shape checked as in {@link #get}). */
    default Optional<NDArray> find(String key, long... shape) {
        return contains(key) ? Optional.of(get(key, shape)) : Optional.empty();
    }

    /** Whether {@code key} (relative to this view) exists. */
    boolean contains(String key);

    /** The shape stored for {@code key}, without loading the tensor. */
    long[] shapeOf(String key);

    /** Keys below this view, relative to it, sorted. */
    Set<String> keys();

    /** The manager that owns the tensors this view hands out. */
    NDManager manager();
}
