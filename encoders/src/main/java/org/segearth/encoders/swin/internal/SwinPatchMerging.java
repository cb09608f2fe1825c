package org.segearth.encoders.swin.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import org.segearth.spi.Weights;

/**
 * HF {@code SwinPatchMerging}: pad to even sides, concatenate the 2x2 neighbours in the order
 * (0,0), (1,0), (0,1), (1,1) (row, column), layer norm, bias-free reduction 4C -> 2C.
 */
public final class SwinPatchMerging {

    private final int dim;
    private final SwinOps.Norm norm; // [4 * dim]
    private final NDArray reductionWeight; // [2 * dim, 4 * dim]

    /** @param w the view at {@code encoder.layers.S.downsample} */
    public SwinPatchMerging(Weights w, int dim, double eps) {
        this.dim = dim;
        norm = SwinOps.Norm.load(w.prefix("norm"), 4 * dim, eps);
        reductionWeight = w.get("reduction.weight", 2L * dim, 4L * dim);
    }

    /**
     * @param x {@code [batch, height * width, dim]}
     * @return {@code [batch, ceil(height / 2) * ceil(width / 2), 2 * dim]}
     */
    public NDArray forward(NDArray x, int height, int width) {
        long batch = x.getShape().get(0);
        NDArray h = x.reshape(batch, height, width, dim);
        h = SwinOps.padEnd(SwinOps.padEnd(h, 2, width % 2), 1, height % 2);
        NDArray x0 = h.get(new NDIndex(":, 0::2, 0::2, :"));
        NDArray x1 = h.get(new NDIndex(":, 1::2, 0::2, :"));
        NDArray x2 = h.get(new NDIndex(":, 0::2, 1::2, :"));
        NDArray x3 = h.get(new NDIndex(":, 1::2, 1::2, :"));
        NDArray merged = NDArrays.concat(new NDList(x0, x1, x2, x3), -1).reshape(batch, -1, 4L * dim);
        return SwinOps.linear(norm.apply(merged), reductionWeight, null);
    }
}
