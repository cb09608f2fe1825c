package org.segearth.encoders.siglip.internal;

import ai.djl.ndarray.NDArray;
import org.segearth.api.SegEarthException;
import org.segearth.spi.Weights;
import org.segearth.spi.nn.Activations;
import org.segearth.spi.nn.Linear;

/**
 * Mipha's (LLaVA's) multimodal projector: {@code mlp2x_gelu} = Linear ({@code 0}), exact GELU,
 * Linear ({@code 2}); {@code linear} = one Linear.
 */
public final class MiphaProjector {

    private final String type;
    private final NDArray linear0Weight; // [out, in] (mlp2x_gelu: [llmHidden, visionHidden]; linear: the only layer)
    private final NDArray linear0Bias; // [out]
    private final NDArray linear2Weight; // [llmHidden, llmHidden], null for linear
    private final NDArray linear2Bias; // [llmHidden], null for linear

    /**
     * Loads the projector from {@code w} (the view {@link SiglipCheckpointLayout#projector} gives).
     *
     * @param type {@code mm_projector_type}
     * @param in the vision width
     * @param out the language model's width
     */
    public MiphaProjector(Weights w, String type, int in, int out) {
        this.type = type;
        switch (type) {
            case "mlp2x_gelu" -> {
                linear0Weight = w.getMatrix("0.weight", out, in);
                linear0Bias = w.get("0.bias", out);
                linear2Weight = w.getMatrix("2.weight", out, out);
                linear2Bias = w.get("2.bias", out);
            }
            case "linear" -> {
                linear0Weight = w.getMatrix("weight", out, in);
                linear0Bias = w.get("bias", out);
                linear2Weight = null;
                linear2Bias = null;
            }
            default -> throw new SegEarthException("mm_projector_type '" + type
                    + "' is not supported; expected mlp2x_gelu or linear");
        }
    }

    /** The projector type. */
    public String type() {
        return type;
    }

    /** {@code [.., in]} -> {@code [.., out]}. */
    public NDArray forward(NDArray x) {
        NDArray h = Linear.apply(x, linear0Weight, linear0Bias);
        if (linear2Weight == null) {
            return h;
        }
        return Linear.apply(Activations.geluErf(h), linear2Weight, linear2Bias);
    }
}
