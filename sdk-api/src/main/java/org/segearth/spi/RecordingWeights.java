package org.segearth.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.Set;

/**
 * A {@link Weights} view that remembers every tensor it hands out under its full checkpoint key,
 * so that a component can expose exactly the live arrays its forward computes with.
 *
 * <pre>{@code
 * Map<String, NDArray> params = new LinkedHashMap<>();
 * Weights w = RecordingWeights.wrap(checkpoint, params);
 * }</pre>
 */
public final class RecordingWeights implements Weights {

    private final Weights delegate;
    private final Map<String, NDArray> seen;

    private RecordingWeights(Weights delegate, Map<String, NDArray> seen) {
        this.delegate = delegate;
        this.seen = seen;
    }

    /** Wraps {@code delegate}; every {@link #get} lands in {@code seen} by full key. */
    public static Weights wrap(Weights delegate, Map<String, NDArray> seen) {
        return new RecordingWeights(delegate, seen);
    }

    @Override
    public Weights prefix(String prefix) {
        return prefix.isEmpty() ? this : new RecordingWeights(delegate.prefix(prefix), seen);
    }

    @Override
    public String scope() {
        return delegate.scope();
    }

    @Override
    public NDArray get(String key, long... shape) {
        return record(key, delegate.get(key, shape));
    }

    @Override
    public NDArray getMatrix(String key, long... shape) {
        return record(key, delegate.getMatrix(key, shape));
    }

    private NDArray record(String key, NDArray array) {
        String scope = delegate.scope();
        seen.put(scope.isEmpty() ? key : scope + "." + key, array);
        return array;
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
