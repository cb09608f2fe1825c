package org.segearth.heads.mask2former.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.segearth.spi.Weights;

/**
 * HF {@code Mask2FormerPixelDecoderEncoderLayer} (post-norm): deformable self-attention ->
 * residual -> self_attn_layer_norm; fc1 -> ReLU -> fc2 -> residual -> final_layer_norm.
 */
public final class Mask2FormerPixelDecoderEncoderLayer {

    private final MultiscaleDeformableAttention selfAttn;
    private final Mask2FormerOps.Norm selfAttnLayerNorm; // [dim]
    private final Mask2FormerOps.Dense fc1; // [ffn, dim]
    private final Mask2FormerOps.Dense fc2; // [dim, ffn]
    private final Mask2FormerOps.Norm finalLayerNorm; // [dim]

    /** @param w the view at {@code decoder.encoder.layers.N} */
    public Mask2FormerPixelDecoderEncoderLayer(Weights w, int dim, int ffn, int numHeads, int numLevels) {
        selfAttn = new MultiscaleDeformableAttention(w.prefix("self_attn"), dim, numHeads, numLevels, 4);
        selfAttnLayerNorm = Mask2FormerOps.Norm.load(w.prefix("self_attn_layer_norm"), dim);
        fc1 = Mask2FormerOps.Dense.load(w.prefix("fc1"), ffn, dim);
        fc2 = Mask2FormerOps.Dense.load(w.prefix("fc2"), dim, ffn);
        finalLayerNorm = Mask2FormerOps.Norm.load(w.prefix("final_layer_norm"), dim);
    }

    public NDArray forward(NDArray hidden, NDArray position, NDArray referencePoints, int[][] shapes) {
        return Mask2FormerOps.scoped(() -> layer(hidden, position, referencePoints, shapes), hidden, position,
                referencePoints);
    }

    private NDArray layer(NDArray hidden, NDArray position, NDArray referencePoints, int[][] shapes) {
        NDArray h = selfAttnLayerNorm.apply(hidden.add(selfAttn.forward(hidden, position, referencePoints, shapes)));
        NDArray ffn = fc2.apply(Activation.relu(fc1.apply(h)));
        return finalLayerNorm.apply(h.add(ffn));
    }
}
