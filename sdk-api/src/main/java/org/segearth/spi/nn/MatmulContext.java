package org.segearth.spi.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.Supplier;

/**
 * What the products of one thread's forward pass follow: the model's {@link Precision}, and a
 * float32 scratch buffer into which 16-bit weights are widened for a product. Reusing one buffer
 * matters: a fresh full-size allocation per product costs more in page faults (about 260 ms for a
 * 10240 x 2560 weight here) than the conversion itself (about 4 ms), a third of the product.
 *
 * <pre>{@code
 * try (MatmulContext context = new MatmulContext(Precision.AUTO, model.manager())) {
 *     NDArray y = context.run(() -> layer.forward(x));
 * }
 * }</pre>
 *
 * <p>One context per thread: it is not thread-safe, and {@link #run} makes it the current one of
 * the calling thread only.
 */
public final class MatmulContext implements AutoCloseable {

    /** Weights larger than this many elements are widened (and multiplied) in slices of rows. */
    public static final long MAX_SCRATCH_ELEMENTS = 32L << 20;

    private static final ThreadLocal<MatmulContext> CURRENT = new ThreadLocal<>();

    private final Precision precision;
    private final NDManager manager;
    private NDArray scratch; // [capacity] float32

    /** A context of {@code precision} whose scratch buffer lives in a child of {@code parent}. */
    public MatmulContext(Precision precision, NDManager parent) {
        this.precision = precision;
        this.manager = parent.newSubManager();
    }

    /** The precision. */
    public Precision precision() {
        return precision;
    }

    /** Runs {@code body} with this context as the calling thread's. */
    public <T> T run(Supplier<T> body) {
        MatmulContext before = CURRENT.get();
        CURRENT.set(this);
        try {
            return body.get();
        } finally {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        }
    }

    /** The calling thread's context, or null outside {@link #run}. */
    static MatmulContext current() {
        return CURRENT.get();
    }

    /** The precision of the calling thread's context, {@link Precision#AUTO} outside one. */
    static Precision currentPrecision() {
        MatmulContext c = CURRENT.get();
        return c == null ? Precision.AUTO : c.precision;
    }

    /**
     * {@code weight} ({@code [out, in]}, at most {@link #MAX_SCRATCH_ELEMENTS}) widened to float32
     * in the scratch buffer: a view, valid until the next call; the caller closes the handle.
     */
    NDArray widen(NDArray weight) {
        long n = weight.getShape().size();
        if (scratch == null || scratch.getShape().size() < n) {
            if (scratch != null) {
                scratch.close();
            }
            scratch = manager.create(new Shape(n), DataType.FLOAT32);
        }
        NDArray prefix = scratch.get(new NDIndex("0:" + n));
        NDArray view = prefix.reshape(weight.getShape());
        prefix.close();
        view.set(new NDIndex(":"), weight);
        return view;
    }

    @Override
    public void close() {
        manager.close();
    }
}
