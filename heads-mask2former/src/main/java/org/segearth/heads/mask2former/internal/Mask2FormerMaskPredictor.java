package org.segearth.heads.mask2former.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.segearth.spi.Weights;
import org.segearth.spi.nn.Activations;
import org.segearth.spi.nn.Interpolation;
import org.segearth.spi.nn.Linear;

/**
 * HF {@code Mask2FormerMaskPredictor}: {@code Mask2FormerMLPPredictionHead} ({@code mask_embedder},
 * three linear layers, ReLU between) on the normed queries, dot product with the mask features,
 * and the next layer's attention mask (logits resized bilinearly to the level, {@code sigmoid < 0.5}
 * blocked).
 */
public final class Mask2FormerMaskPredictor {

    private final Linear[] maskEmbedder; // [hidden, hidden] x2, [mask, hidden]
    private final int numHeads;

    /** @param w the view at {@code decoder.mask_predictor} */
    public Mask2FormerMaskPredictor(Weights w, int hidden, int maskFeatureSize, int numHeads) {
        this.numHeads = numHeads;
        maskEmbedder = new Linear[] {
            Linear.load(w.prefix("mask_embedder.0.0"), hidden, hidden),
            Linear.load(w.prefix("mask_embedder.1.0"), hidden, hidden),
            Linear.load(w.prefix("mask_embedder.2.0"), maskFeatureSize, hidden)
        };
    }

    /**
     * @param normed {@code [B, Q, hidden]} the decoder-normed queries
     * @param maskFeatures {@code [1 or B, mask, H, W]}
     * @return mask logits {@code [B, Q, H, W]}
     */
    public NDArray maskLogits(NDArray normed, NDArray maskFeatures) {
        NDArray e = Activation.relu(maskEmbedder[0].forward(normed));
        e = Activation.relu(maskEmbedder[1].forward(e));
        e = maskEmbedder[2].forward(e);
        long[] ms = maskFeatures.getShape().getShape();
        NDArray flat = maskFeatures.reshape(ms[0], ms[1], ms[2] * ms[3]);
        long[] es = e.getShape().getShape();
        return e.matMul(flat).reshape(es[0], es[1], ms[2], ms[3]);
    }

    /**
     * The blocked positions for masked attention at a level: {@code [B, heads, Q, h * w]}, true
     * where {@code sigmoid(resized logits) < 0.5}, rows blocked everywhere unblocked.
     */
    public NDArray attentionMask(NDArray maskLogits, int height, int width) {
        long[] s = maskLogits.getShape().getShape();
        NDArray resized = Interpolation.bilinear(maskLogits, height, width);
        NDArray blocked = Activations.sigmoid(resized).lt(0.5).reshape(s[0], 1, s[1], (long) height * width);
        NDArray full = blocked.toType(ai.djl.ndarray.types.DataType.INT32, false).sum(new int[] {3}, true)
                .eq(height * width);
        blocked = blocked.logicalAnd(full.logicalNot());
        return blocked.repeat(1, numHeads);
    }
}
