package org.segearth.runtime.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import org.segearth.spi.Weights;

/** A view of the keys of another view below a prefix. */
final class ScopedWeights implements Weights {

    private final Weights root;
    private final String scope;

    ScopedWeights(Weights root, String scope) {
        this.root = root;
        this.scope = scope.endsWith(".") ? scope.substring(0, scope.length() - 1) : scope;
    }

    private String full(String key) {
        return scope.isEmpty() ? key : scope + "." + key;
    }

    @Override
    public Weights prefix(String prefix) {
        return prefix.isEmpty() ? this : new ScopedWeights(root, full(prefix));
    }

    @Override
    public String scope() {
        return root.scope().isEmpty() ? scope : root.scope() + "." + scope;
    }

    @Override
    public NDArray get(String key, long... shape) {
        return root.get(full(key), shape);
    }

    @Override
    public NDArray getMatrix(String key, long... shape) {
        return root.getMatrix(full(key), shape);
    }

    @Override
    public boolean contains(String key) {
        return root.contains(full(key));
    }

    @Override
    public long[] shapeOf(String key) {
        return root.shapeOf(full(key));
    }

    @Override
    public Set<String> keys() {
        String p = scope.isEmpty() ? "" : scope + ".";
        Set<String> out = new TreeSet<>();
        for (String k : root.keys()) {
            if (k.startsWith(p)) {
                out.add(k.substring(p.length()));
            }
        }
        return Collections.unmodifiableSet(out);
    }

    @Override
    public NDManager manager() {
        return root.manager();
    }
}
