package org.segearth.encoders.swin.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import org.segearth.spi.Weights;

/** Small tensor helpers shared by the Swin blocks. */
public final class SwinOps {

    private SwinOps() {}

    /** {@code x @ weight^T + bias}; {@code bias} may be null. */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        if (bias != null) {
            return Linear.linear(x, weight, bias).singletonOrThrow();
        }
        NDArray transposed = weight.transpose();
        transposed.attach(x.getManager()); // a view, freed with the activations
        return x.matMul(transposed);
    }

    /** Layer norm over the last axis. */
    public static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, double eps) {
        return LayerNorm.layerNorm(x, new Shape(weight.getShape().get(0)), weight, bias, (float) eps).singletonOrThrow();
    }

    /** A layer norm's weight and bias. */
    public record Norm(NDArray weight, NDArray bias, double eps) {
        /** Loads {@code weight} and {@code bias} of width {@code dim} under {@code w}. */
        public static Norm load(Weights w, int dim, double eps) {
            return new Norm(w.get("weight", dim), w.get("bias", dim), eps);
        }

        /** Applies the norm over the last axis. */
        public NDArray apply(NDArray x) {
            return layerNorm(x, weight, bias, eps);
        }
    }

    /** {@code torch.roll(x, shift, axis)} for a shift of either sign. */
    public static NDArray roll(NDArray x, int shift, int axis) {
        long size = x.getShape().get(axis);
        int s = (int) Math.floorMod(shift, size);
        if (s == 0) {
            return x;
        }
        String before = ":,".repeat(axis);
        NDArray tail = x.get(new NDIndex(before + (size - s) + ":"));
        NDArray head = x.get(new NDIndex(before + ":" + (size - s)));
        return tail.concat(head, axis);
    }

    /** Zero padding at the end of {@code axis} by {@code amount} (channels-last maps). */
    public static NDArray padEnd(NDArray x, int axis, long amount) {
        if (amount == 0) {
            return x;
        }
        long[] dims = x.getShape().getShape();
        dims[axis] = amount;
        NDArray zeros = x.getManager().zeros(new Shape(dims), x.getDataType());
        return x.concat(zeros, axis);
    }

    /**
     * Runs {@code body} with the temporaries it creates in a child of {@code inputs[0]}'s manager,
     * freed on return; only the result is kept (in that manager). The inputs are lent to the child
     * so that operations on them allocate there.
     */
    public static NDArray scoped(java.util.function.Supplier<NDArray> body, NDArray... inputs) {
        ai.djl.ndarray.NDManager outer = inputs[0].getManager();
        try (ai.djl.ndarray.NDManager scope = outer.newSubManager()) {
            scope.tempAttachAll(inputs);
            NDArray out = body.get();
            out.attach(outer);
            return out;
        }
    }
}
