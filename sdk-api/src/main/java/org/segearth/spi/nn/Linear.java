package org.segearth.spi.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.segearth.spi.Weights;

/**
 * {@code torch.nn.Linear}: {@code y = x W^T + b} over the last axis, loaded by checkpoint key with
 * its shapes checked; the bias is optional.
 *
 * <pre>{@code
 * Linear fc1 = Linear.load(layer, "mlp.fc1", intermediate, hidden, true);
 * NDArray h = fc1.forward(x);
 * }</pre>
 */
public final class Linear {

    private final NDArray weight; // [out, in]
    private final NDArray bias; // [out] or null

    private Linear(NDArray weight, NDArray bias) {
        this.weight = weight;
        this.bias = bias;
    }

    /** A layer around existing arrays ({@code bias} may be null). */
    public static Linear of(NDArray weight, NDArray bias) {
        return new Linear(weight, bias);
    }

    /** Loads {@code weight} {@code [out, in]} and {@code bias} {@code [out]} of the view {@code w}. */
    public static Linear load(Weights w, long out, long in) {
        return new Linear(w.getMatrix("weight", out, in), w.get("bias", out));
    }

    /**
     * Loads {@code name.weight} {@code [out, in]} and, when {@code withBias}, {@code name.bias}
     * {@code [out]}.
     */
    public static Linear load(Weights w, String name, long out, long in, boolean withBias) {
        Weights p = w.prefix(name);
        return new Linear(p.getMatrix("weight", out, in), withBias ? p.get("bias", out) : null);
    }

    /** Like {@link #load(Weights, String, long, long, boolean)}, with the bias taken when present. */
    public static Linear loadOptionalBias(Weights w, String name, long out, long in) {
        return load(w, name, out, in, w.prefix(name).contains("bias"));
    }

    /** {@code [out, in]}. */
    public NDArray weight() {
        return weight;
    }

    /** {@code [out]}, or null. */
    public NDArray bias() {
        return bias;
    }

    /** Applies the layer; the result lives in {@code x}'s manager. */
    public NDArray forward(NDArray x) {
        return apply(x, weight, bias);
    }

    /**
     * {@code F.linear(x, weight, bias)} ({@code bias} may be null): torch's own kernel, so the
     * result matches {@code nn.Linear} bit for bit. A float16 {@code weight} with a float32
     * {@code x} is multiplied as the thread's {@link MatmulContext} says: in float16 (the result is
     * recomputed with the weight converted when float16 overflows), or with the weight converted
     * to float32 for this product only; the result is float32 either way.
     */
    public static NDArray apply(NDArray x, NDArray weight, NDArray bias) {
        if (weight.getDataType() != DataType.FLOAT16 || x.getDataType() != DataType.FLOAT32) {
            return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
        }
        long rows = x.getShape().size() / Math.max(1, x.getShape().tail());
        NDManager outer = x.getManager();
        try (NDManager scope = outer.newSubManager()) {
            scope.tempAttachAll(x);
            NDArray y = null;
            if (MatmulContext.currentPrecision().halfProduct(rows)) {
                y = ai.djl.nn.core.Linear.linear(x.toType(DataType.FLOAT16, false), weight, null).singletonOrThrow()
                        .toType(DataType.FLOAT32, false);
                if (y.isInfinite().any().getBoolean()) {
                    y = null; // float16 overflowed: this product needs float32
                } else if (bias != null) {
                    y = y.add(bias);
                }
            }
            if (y == null) {
                y = widened(x, weight, bias, scope);
            }
            y.attach(outer);
            return y;
        }
    }

    /**
     * The product with {@code weight} widened to float32: into the thread's scratch buffer when a
     * {@link MatmulContext} runs (by slices of output rows for weights above its size), else into
     * a fresh array.
     */
    private static NDArray widened(NDArray x, NDArray weight, NDArray bias, NDManager scope) {
        MatmulContext context = MatmulContext.current();
        if (context == null) {
            NDArray wide = weight.toType(DataType.FLOAT32, false);
            wide.attach(scope);
            return ai.djl.nn.core.Linear.linear(x, wide, bias).singletonOrThrow();
        }
        long out = weight.getShape().get(0);
        long step = Math.max(1, MatmulContext.MAX_SCRATCH_ELEMENTS / weight.getShape().get(1));
        if (step >= out) {
            NDArray wide = context.widen(weight);
            wide.attach(scope);
            return ai.djl.nn.core.Linear.linear(x, wide, bias).singletonOrThrow();
        }
        java.util.List<NDArray> parts = new java.util.ArrayList<>();
        for (long r0 = 0; r0 < out; r0 += step) {
            NDIndex rows = new NDIndex(r0 + ":" + Math.min(out, r0 + step));
            NDArray slice = weight.get(rows);
            slice.attach(scope);
            NDArray wide = context.widen(slice);
            wide.attach(scope);
            NDArray b = bias == null ? null : bias.get(rows);
            if (b != null) {
                b.attach(scope);
            }
            parts.add(ai.djl.nn.core.Linear.linear(x, wide, b).singletonOrThrow());
        }
        return ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(parts), -1);
    }
}
