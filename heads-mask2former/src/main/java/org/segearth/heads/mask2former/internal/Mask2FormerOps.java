package org.segearth.heads.mask2former.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import org.segearth.spi.Weights;

/** Tensor helpers the Mask2Former blocks share (GroupNorm, bilinear sampling, ...). */
public final class Mask2FormerOps {

    private Mask2FormerOps() {}

    /** {@code x @ weight^T + bias}; {@code bias} may be null. */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        if (bias != null) {
            return Linear.linear(x, weight, bias).singletonOrThrow();
        }
        return x.matMul(local(weight.transpose(), x));
    }

    /** Moves {@code derived} (a view of a weight) to the manager of {@code activation}. */
    public static NDArray local(NDArray derived, NDArray activation) {
        derived.attach(activation.getManager());
        return derived;
    }

    /** A linear layer's weight and bias, loaded from {@code weight}/{@code bias} under a prefix. */
    public record Dense(NDArray weight, NDArray bias) {
        public static Dense load(Weights w, long out, long in) {
            return new Dense(w.get("weight", out, in), w.get("bias", out));
        }

        public NDArray apply(NDArray x) {
            return linear(x, weight, bias);
        }
    }

    /** A layer norm (PyTorch default eps 1e-5). */
    public record Norm(NDArray weight, NDArray bias) {
        public static Norm load(Weights w, long dim) {
            return new Norm(w.get("weight", dim), w.get("bias", dim));
        }

        public NDArray apply(NDArray x) {
            return LayerNorm.layerNorm(x, new Shape(weight.getShape().get(0)), weight, bias, 1e-5f).singletonOrThrow();
        }
    }

    /** 2-D convolution, stride 1, symmetric zero padding; {@code bias} may be null. */
    public static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, int padding) {
        NDArray b = bias != null ? bias : x.getManager().zeros(new Shape(weight.getShape().get(0)), x.getDataType());
        return Conv2d.conv2d(x, weight, b, new Shape(1, 1), new Shape(padding, padding)).singletonOrThrow();
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
     * Bilinear resize of the last two axes like {@code F.interpolate(mode="bilinear",
     * align_corners=False, antialias=False)}, as two interpolation matrices (each output cell
     * mixes two input cells per axis). DJL's own interpolation is not used: it smooths when it
     * shrinks.
     */
    public static NDArray resizeBilinear(NDArray x, int height, int width) {
        Shape s = x.getShape();
        int inH = (int) s.get(s.dimension() - 2);
        int inW = (int) s.get(s.dimension() - 1);
        if (inH == height && inW == width) {
            return x;
        }
        NDManager m = x.getManager();
        NDArray rows = m.create(interpolationMatrix(inH, height), new Shape(height, inH));
        NDArray cols = m.create(interpolationMatrix(inW, width), new Shape(width, inW)).transpose();
        return rows.matMul(x).matMul(cols);
    }

    /** {@code [out, in]} weights of PyTorch's linear upsampling (align_corners=False). */
    static float[] interpolationMatrix(int in, int out) {
        float[] w = new float[out * in];
        float scale = (float) in / out;
        for (int o = 0; o < out; o++) {
            float src = Math.max(scale * (o + 0.5f) - 0.5f, 0f);
            int i0 = Math.min((int) src, in - 1);
            int i1 = Math.min(i0 + 1, in - 1);
            float l1 = src - i0;
            float l0 = 1f - l1;
            w[o * in + i0] += l0;
            w[o * in + i1] += l1;
        }
        return w;
    }

    /** {@code 1 / (1 + exp(-x))}. */
    public static NDArray sigmoid(NDArray x) {
        return x.neg().exp().add(1).pow(-1);
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
        NDArray ix = locX.mul(2).sub(1).add(1).mul(width).sub(1).div(2);
        NDArray iy = locY.mul(2).sub(1).add(1).mul(height).sub(1).div(2);
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
