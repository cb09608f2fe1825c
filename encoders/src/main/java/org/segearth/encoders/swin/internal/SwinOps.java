package org.segearth.encoders.swin.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/** Swin's window helpers ({@code torch.roll}, end padding). */
public final class SwinOps {

    private SwinOps() {}

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
}
