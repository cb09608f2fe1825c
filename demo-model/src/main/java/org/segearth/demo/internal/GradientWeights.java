package org.segearth.demo.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Set;
import org.segearth.spi.Weights;

/**
 * A view that marks every tensor it hands out as requiring a gradient, so that a forward through
 * components built on it records the graph back to all their weights (for timing a training
 * step of a model trained from scratch).
 */
public final class GradientWeights implements Weights {

    private final Weights delegate;

    /** Wraps {@code delegate}. */
    public GradientWeights(Weights delegate) {
        this.delegate = delegate;
    }

    @Override
    public Weights prefix(String prefix) {
        return new GradientWeights(delegate.prefix(prefix));
    }

    @Override
    public String scope() {
        return delegate.scope();
    }

    @Override
    public NDArray get(String key, long... shape) {
        NDArray a = delegate.get(key, shape);
        if (a.getDataType().isFloating()) {
            a.setRequiresGradient(true);
        }
        return a;
    }

    @Override
    public boolean contains(String key) {
        return delegate.contains(key);
    }

    @Override
    public long[] shapeOf(String key) {
        return delegate.shapeOf(key);
    }

    @Override
    public Set<String> keys() {
        return delegate.keys();
    }

    @Override
    public NDManager manager() {
        return delegate.manager();
    }
}
