package org.segearth.heads.mask2former.internal;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.segearth.spi.Weights;

/**
 * HF {@code Mask2FormerMaskedAttentionDecoder}: a prediction from the initial queries, then per
 * layer (levels cycled coarse to fine) masked attention with the mask of the previous prediction
 * and a new prediction; {@code decoder_layers - 1} layers.
 */
public final class Mask2FormerMaskedAttentionDecoder {

    private final List<Mask2FormerMaskedAttentionDecoderLayer> layers = new ArrayList<>();
    private final Mask2FormerOps.Norm layernorm; // [hidden]
    private final Mask2FormerMaskPredictor maskPredictor;

    /** @param w the view at {@code model.transformer_module.decoder} */
    public Mask2FormerMaskedAttentionDecoder(Weights w, int hidden, int numLayers, int numHeads, int ffn,
            int maskFeatureSize, String activation) {
        for (int i = 0; i < numLayers; i++) {
            layers.add(new Mask2FormerMaskedAttentionDecoderLayer(w.prefix("layers." + i), hidden, numHeads, ffn,
                    activation));
        }
        layernorm = Mask2FormerOps.Norm.load(w.prefix("layernorm"), hidden);
        maskPredictor = new Mask2FormerMaskPredictor(w.prefix("mask_predictor"), hidden, maskFeatureSize, numHeads);
    }

    /**
     * @param queries {@code [B, Q, hidden]} the initial query features
     * @param queryPosition {@code [B or 1, Q, hidden]}
     * @param levels per level {@code [1, hw, hidden]} features, coarsest first
     * @param positions per level {@code [1, hw, hidden]} sine embeddings
     * @param sizes per level {height, width}
     * @param maskFeatures {@code [1, mask, H, W]}
     * @return the mask logits {@code [B, Q, H, W]} of the initial state and after every layer
     */
    public List<NDArray> forward(NDArray queries, NDArray queryPosition, List<NDArray> levels, List<NDArray> positions,
            int[][] sizes, NDArray maskFeatures) {
        int numLevels = levels.size();
        List<NDArray> predictions = new ArrayList<>();
        NDArray logits = maskPredictor.maskLogits(layernorm.apply(queries), maskFeatures);
        predictions.add(logits);
        NDArray hidden = queries;
        for (int idx = 0; idx < layers.size(); idx++) {
            int level = idx % numLevels;
            NDArray blocked = maskPredictor.attentionMask(logits, sizes[level][0], sizes[level][1]);
            hidden = layers.get(idx).forward(hidden, queryPosition, levels.get(level), positions.get(level), blocked);
            logits = maskPredictor.maskLogits(layernorm.apply(hidden), maskFeatures);
            predictions.add(logits);
        }
        return predictions;
    }
}
