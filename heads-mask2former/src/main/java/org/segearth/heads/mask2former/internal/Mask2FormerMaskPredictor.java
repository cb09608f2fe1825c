package org.segearth.heads.mask2former.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.segearth.spi.Weights;

/**
 * HF {@code Mask2FormerMaskPredictor}: {@code Mask2FormerMLPPredictionHead} ({@code mask_embedder},
 * three linear layers, ReLU between) on the normed queries, dot product with the mask features,
 * and the next layer's attention mask (logits resized bilinearly to the level, sigmoid < 0.5
 * blocked).
 */
public final class Mask2FormerMaskPredictor {

    private final Mask2FormerOps.Dense[] maskEmbedder; // [hidden, hidden] x2, [mask, hidden]
    private final int numHeads;

    /** @param w the view at {@code decoder.mask_predictor} */
    public Mask2FormerMaskPredictor(Weights w, int hidden, int maskFeatureSize, int numHeads) {
        this.numHeads = numHeads;
        maskEmbedder = new Mask2FormerOps.Dense[] {
            Mask2FormerOps.Dense.load(w.prefix("mask_embedder.0.0"), hidden, hidden),
            Mask2FormerOps.Dense.load(w.prefix("mask_embedder.1.0"), hidden, hidden),
            Mask2FormerOps.Dense.load(w.prefix("mask_embedder.2.0"), maskFeatureSize, hidden)
        };
    }

    /**
     * @param normed {@code [B, Q, hidden]} the decoder-normed queries
     * @param maskFeatures {@code [1 or B, mask, H, W]}
     * @return mask logits {@code [B, Q, H, W]}
     */
    public NDArray maskLogits(NDArray normed, NDArray maskFeatures) {
        NDArray e = Activation.relu(maskEmbedder[0].apply(normed));
        e = Activation.relu(maskEmbedder[1].apply(e));
        e = maskEmbedder[2].apply(e);
        long[] ms = maskFeatures.getShape().getShape();
        NDArray flat = maskFeatures.reshape(ms[0], ms[1], ms[2] * ms[3]);
        long[] es = e.getShape().getShape();
        return e.matMul(flat).reshape(es[0], es[1], ms[2], ms[3]);
    }

    /**
     * The blocked positions for masked attention at a level: {@code [B, heads, Q, h * w]}, true
     * where sigmoid(resized logits) < 0.5, rows blocked everywhere unblocked.
     */
    public NDArray attentionMask(NDArray maskLogits, int height, int width) {
        long[] s = maskLogits.getShape().getShape();
        NDArray resized = Mask2FormerOps.resizeBilinear(maskLogits, height, width);
        NDArray blocked = Mask2FormerOps.sigmoid(resized).lt(0.5).reshape(s[0], 1, s[1], (long) height * width);
        NDArray full = blocked.toType(ai.djl.ndarray.types.DataType.INT32, false).sum(new int[] {3}, true)
                .eq(height * width);
        blocked = blocked.logicalAnd(full.logicalNot());
        return blocked.repeat(1, numHeads);
    }
}
