package org.segearth.runtime.pipeline.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.segearth.api.SegEarthException;
import org.segearth.spi.Weights;

/** Weights from a map, for tests. */
record MapWeights(NDManager manager, Map<String, NDArray> tensors, String scope) implements Weights {

    MapWeights(NDManager manager, Map<String, NDArray> tensors) {
        this(manager, tensors, "");
    }

    private String full(String key) {
        return scope.isEmpty() ? key : scope + "." + key;
    }

    @Override
    public Weights prefix(String prefix) {
        return prefix.isEmpty() ? this : new MapWeights(manager, tensors, full(prefix));
    }

    @Override
    public NDArray get(String key, long... shape) {
        NDArray a = tensors.get(full(key));
        if (a == null) {
            throw new SegEarthException("no " + full(key));
        }
        return a;
    }

    @Override
    public boolean contains(String key) {
        return tensors.containsKey(full(key));
    }

    @Override
    public long[] shapeOf(String key) {
        return get(key).getShape().getShape();
    }

    @Override
    public Set<String> keys() {
        Set<String> out = new TreeSet<>();
        String p = scope.isEmpty() ? "" : scope + ".";
        tensors.keySet().stream().filter(k -> k.startsWith(p)).forEach(k -> out.add(k.substring(p.length())));
        return out;
    }
}
