package org.segearth.heads.mask2former.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.segearth.spi.nn.Scalars;

/**
 * Tensor helpers only the Mask2Former blocks need (GroupNorm, grid sampling); linear layers,
 * layer norms, convolutions and the bilinear resize are {@code org.segearth.spi.nn}'s.
 */
public final class Mask2FormerOps {

    private Mask2FormerOps() {}

    /** Moves {@code derived} (a view of a weight) to the manager of {@code activation}. */
    public static NDArray local(NDArray derived, NDArray activation) {
        derived.attach(activation.getManager());
        return derived;
    }

    /** {@code nn.GroupNorm(groups, C)} on {@code [B, C, H, W]} (biased variance, eps 1e-5). */
    public static NDArray groupNorm(NDArray x, int groups, NDArray weight, NDArray bias) {
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        NDArray g = x.reshape(b, groups, -1);
        NDArray mean = g.mean(new int[] {2}, true);
        NDArray centred = g.sub(mean);
        NDArray var = centred.square().mean(new int[] {2}, true);
        NDArray normed = centred.div(var.add(1e-5).sqrt()).reshape(s);
        return normed.mul(local(weight.reshape(1, c, 1, 1), x)).add(local(bias.reshape(1, c, 1, 1), x));
    }

    /**
     * {@code grid_sample(value, 2 * loc - 1, mode="bilinear", padding_mode="zeros",
     * align_corners=False)} composed from gathers.
     *
     * @param value {@code [N, D, height * width]}
     * @param locX {@code [N, K]} sampling x in [0, 1] units of the width
     * @param locY {@code [N, K]} sampling y in [0, 1] units of the height
     * @return {@code [N, D, K]}
     */
    public static NDArray gridSample(NDArray value, NDArray locX, NDArray locY, int height, int width) {
        // grid_sampler_unnormalize with align_corners=False: ((g + 1) * size - 1) / 2, g = 2 * loc - 1
        // constants through Scalars: autograd keeps the factors, which must not live in Java memory
        NDArray ix = Scalars.div(Scalars.mul(Scalars.mul(locX, 2).sub(1).add(1), width).sub(1), 2);
        NDArray iy = Scalars.div(Scalars.mul(Scalars.mul(locY, 2).sub(1).add(1), height).sub(1), 2);
        NDArray x0 = ix.floor();
        NDArray y0 = iy.floor();
        NDArray x1 = x0.add(1);
        NDArray y1 = y0.add(1);
        NDArray wx0 = x1.sub(ix);
        NDArray wx1 = ix.sub(x0);
        NDArray wy0 = y1.sub(iy);
        NDArray wy1 = iy.sub(y0);
        // rows of [N * H * W, D], so that a corner is one row lookup per sampling point
        Shape vs = value.getShape();
        long n = vs.get(0);
        long hw = vs.get(2);
        NDArray rows = value.transpose(0, 2, 1).reshape(n * hw, vs.get(1));
        NDArray base = value.getManager().arange(0, n * hw, hw, DataType.INT64).reshape(n, 1);
        NDArray out = corner(rows, base, x0, y0, wx0.mul(wy0), height, width);
        out = out.add(corner(rows, base, x1, y0, wx1.mul(wy0), height, width));
        out = out.add(corner(rows, base, x0, y1, wx0.mul(wy1), height, width));
        out = out.add(corner(rows, base, x1, y1, wx1.mul(wy1), height, width));
        return out.transpose(0, 2, 1);
    }

    /** One bilinear corner: {@code [N, K, D]} rows times their weight, zero outside the map. */
    private static NDArray corner(NDArray rows, NDArray base, NDArray x, NDArray y, NDArray weight, int height,
            int width) {
        NDArray valid = x.gte(0).logicalAnd(x.lte(width - 1)).logicalAnd(y.gte(0)).logicalAnd(y.lte(height - 1));
        NDArray index = y.clip(0, height - 1).mul(width).add(x.clip(0, width - 1)).toType(DataType.INT64, false)
                .add(base);
        Shape is = index.getShape();
        NDArray sampled = rows.get(new NDIndex("{}", index.reshape(-1))).reshape(is.get(0), is.get(1), -1);
        NDArray w = weight.mul(valid.toType(weight.getDataType(), false)).expandDims(2);
        return sampled.mul(w);
    }

    /**
     * {@code parameter[index]}, a view that keeps the gradient path to the live parameter, owned by
     * {@code manager} (a slice would otherwise land in the parameter's manager and outlive the call).
     */
    public static NDArray slice(NDArray parameter, NDIndex index, ai.djl.ndarray.NDManager manager) {
        NDArray view = parameter.get(index);
        view.attach(manager);
        return view;
    }
}
