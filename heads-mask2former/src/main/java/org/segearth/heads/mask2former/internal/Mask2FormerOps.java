package org.segearth.heads.mask2former.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Tensor helpers only the Mask2Former blocks need (GroupNorm, weight views); linear layers,
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
     * {@code parameter[index]}, a view that keeps the gradient path to the live parameter, owned by
     * {@code manager} (a slice would otherwise land in the parameter's manager and outlive the call).
     */
    public static NDArray slice(NDArray parameter, NDIndex index, ai.djl.ndarray.NDManager manager) {
        NDArray view = parameter.get(index);
        view.attach(manager);
        return view;
    }
}
