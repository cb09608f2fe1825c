package org.segearth.runtime.pipeline.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Set;
import java.util.TreeSet;
import org.segearth.spi.Weights;

/**
 * A checkpoint view whose keys are replaced by those of a second view where it has them: how the
 * weights of {@code trained.safetensors} (keys {@code mllm.*}, {@code adapter.*},
 * {@code mask_head.*}, {@code seg_projector.*}) override a package's base weights at load time.
 *
 * <pre>{@code
 * Weights mllm = OverlayWeights.of(base, trained, "mllm");   // trained "mllm.lm_head.weight" wins
 * }</pre>
 */
public final class OverlayWeights implements Weights {

    private final Weights base;
    private final Weights over;

    private OverlayWeights(Weights base, Weights over) {
        this.base = base;
        this.over = over;
    }

    /** {@code base} overridden by the keys of {@code trained} under {@code part}; {@code base} when {@code trained} is null. */
    public static Weights of(Weights base, Weights trained, String part) {
        return trained == null ? base : new OverlayWeights(base, trained.prefix(part));
    }

    @Override
    public Weights prefix(String prefix) {
        return prefix.isEmpty() ? this : new OverlayWeights(base.prefix(prefix), over.prefix(prefix));
    }

    @Override
    public String scope() {
        return base.scope();
    }

    @Override
    public NDArray get(String key, long... shape) {
        return over.contains(key) ? over.get(key, shape) : base.get(key, shape);
    }

    @Override
    public NDArray getMatrix(String key, long... shape) {
        return over.contains(key) ? over.getMatrix(key, shape) : base.getMatrix(key, shape);
    }

    @Override
    public boolean contains(String key) {
        return over.contains(key) || base.contains(key);
    }

    @Override
    public long[] shapeOf(String key) {
        return over.contains(key) ? over.shapeOf(key) : base.shapeOf(key);
    }

    @Override
    public Set<String> keys() {
        Set<String> all = new TreeSet<>(base.keys());
        all.addAll(over.keys());
        return all;
    }

    @Override
    public NDManager manager() {
        return base.manager();
    }
}
