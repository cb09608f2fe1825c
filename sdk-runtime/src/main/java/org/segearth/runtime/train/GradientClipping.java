package org.segearth.runtime.train;

import ai.djl.ndarray.NDArray;
import java.util.Collection;

/**
 * Global-norm gradient clipping as torch's {@code clip_grad_norm_}: the L2 norm over every
 * gradient together; when it exceeds {@code maxNorm} all gradients are scaled in place by
 * {@code maxNorm / (norm + 1e-6)}.
 */
public final class GradientClipping {

    private GradientClipping() {
    }

    /** The global L2 norm of {@code gradients}. */
    public static double globalNorm(Collection<NDArray> gradients) {
        double sum = 0;
        for (NDArray g : gradients) {
            // the temporaries land in the gradient's (the model's) manager: close them, or every step
            // leaves a gradient-sized array behind per parameter
            try (NDArray squares = g.square(); NDArray total = squares.sum();
                    NDArray wide = total.toType(ai.djl.ndarray.types.DataType.FLOAT64, true)) {
                sum += wide.getDouble();
            }
        }
        return Math.sqrt(sum);
    }

    /**
     * Clips {@code gradients} in place; returns the norm before clipping.
     *
     * @param maxNorm the threshold; 0 or less only measures
     */
    public static double clip(Collection<NDArray> gradients, double maxNorm) {
        double norm = globalNorm(gradients);
        if (maxNorm > 0) {
            double coef = maxNorm / (norm + 1e-6);
            if (coef < 1) {
                for (NDArray g : gradients) {
                    g.muli((float) coef);
                }
            }
        }
        return norm;
    }
}
