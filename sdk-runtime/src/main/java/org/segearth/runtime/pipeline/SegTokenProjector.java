package org.segearth.runtime.pipeline;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import org.segearth.api.ModelPackageException;
import org.segearth.spi.Weights;

/**
 * SegEarth-R2's {@code SEG_token_projector}: one Linear from the language model's width to the
 * head's query width, applied to the final-layernorm hidden state at every {@code [SEG]}.
 *
 * <pre>{@code
 * SegTokenProjector p = SegTokenProjector.load(checkpoint, 2560, 256);   // seg_projector.safetensors
 * NDArray queries = p.forward(segHidden);                               // [targets, 256]
 * }</pre>
 */
public final class SegTokenProjector {

    private final NDArray weight; // [query, hidden]
    private final NDArray bias; // [query]

    private SegTokenProjector(NDArray weight, NDArray bias) {
        this.weight = weight;
        this.bias = bias;
    }

    /**
     * Loads {@code weight} and {@code bias} from {@code weights} (the root of
     * {@code seg_projector.safetensors}), checked against the widths the language model and the
     * head need.
     */
    public static SegTokenProjector load(Weights weights, int hidden, int query) {
        for (String key : new String[] {"weight", "bias"}) {
            if (!weights.contains(key)) {
                throw new ModelPackageException("seg_projector.safetensors has no tensor '" + key + "' (found "
                        + weights.keys() + "); it must hold the Linear's weight [" + query + ", " + hidden
                        + "] and bias [" + query + "]");
            }
        }
        long[] w = weights.shapeOf("weight");
        long[] b = weights.shapeOf("bias");
        if (!Arrays.equals(w, new long[] {query, hidden}) || !Arrays.equals(b, new long[] {query})) {
            throw new ModelPackageException("seg_projector.safetensors: weight " + Arrays.toString(w) + " and bias "
                    + Arrays.toString(b) + " do not fit; the language model is " + hidden + " wide and the head takes "
                    + query + "-wide queries, so expected weight [" + query + ", " + hidden + "] and bias [" + query
                    + "]");
        }
        return new SegTokenProjector(weights.get("weight", query, hidden), weights.get("bias", query));
    }

    /** Input width (the language model's hidden size). */
    public long inFeatures() {
        return weight.getShape().get(1);
    }

    /** Output width (the head's query size). */
    public long outFeatures() {
        return weight.getShape().get(0);
    }

    /** The live weight {@code [query, hidden]} (attach a gradient to train it). */
    public NDArray weight() {
        return weight;
    }

    /** The live bias {@code [query]}. */
    public NDArray bias() {
        return bias;
    }

    /** {@code x [..., hidden]} to {@code [..., query]}; the result and temporaries belong to {@code x}'s manager. */
    public NDArray forward(NDArray x) {
        NDArray transposed = weight.transpose();
        transposed.attach(x.getManager()); // else it would stay with the weights for good
        return x.matMul(transposed).add(bias);
    }
}
