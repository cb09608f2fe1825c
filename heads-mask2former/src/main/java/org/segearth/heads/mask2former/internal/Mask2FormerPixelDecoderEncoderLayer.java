package org.segearth.heads.mask2former.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.segearth.spi.Weights;
import org.segearth.spi.nn.LayerNorm;
import org.segearth.spi.nn.Linear;
import org.segearth.spi.nn.Scoped;

/**
 * HF {@code Mask2FormerPixelDecoderEncoderLayer} (post-norm): deformable self-attention ->
 * residual -> self_attn_layer_norm; fc1 -> ReLU -> fc2 -> residual -> final_layer_norm.
 */
public final class Mask2FormerPixelDecoderEncoderLayer {

    private final MultiscaleDeformableAttention selfAttn;
    private final LayerNorm selfAttnLayerNorm; // [dim]
    private final Linear fc1; // [ffn, dim]
    private final Linear fc2; // [dim, ffn]
    private final LayerNorm finalLayerNorm; // [dim]

    /** @param w the view at {@code decoder.encoder.layers.N} */
    public Mask2FormerPixelDecoderEncoderLayer(Weights w, int dim, int ffn, int numHeads, int numLevels) {
        selfAttn = new MultiscaleDeformableAttention(w.prefix("self_attn"), dim, numHeads, numLevels, 4);
        selfAttnLayerNorm = LayerNorm.load(w.prefix("self_attn_layer_norm"), dim, 1e-5);
        fc1 = Linear.load(w.prefix("fc1"), ffn, dim);
        fc2 = Linear.load(w.prefix("fc2"), dim, ffn);
        finalLayerNorm = LayerNorm.load(w.prefix("final_layer_norm"), dim, 1e-5);
    }

    public NDArray forward(NDArray hidden, NDArray position, NDArray referencePoints, int[][] shapes) {
        return Scoped.compute(() -> layer(hidden, position, referencePoints, shapes), hidden, position,
                referencePoints);
    }

    private NDArray layer(NDArray hidden, NDArray position, NDArray referencePoints, int[][] shapes) {
        NDArray h = selfAttnLayerNorm.forward(hidden.add(selfAttn.forward(hidden, position, referencePoints, shapes)));
        NDArray ffn = fc2.forward(Activation.relu(fc1.forward(h)));
        return finalLayerNorm.forward(h.add(ffn));
    }
}
