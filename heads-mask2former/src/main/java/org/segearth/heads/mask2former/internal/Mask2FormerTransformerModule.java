package org.segearth.heads.mask2former.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import org.segearth.spi.Weights;
import org.segearth.spi.nn.Convolutions;

/**
 * HF {@code Mask2FormerTransformerModule} with the learned queries replaced: every target's query
 * (a projected [SEG] vector) runs as its own batch element with one query and a zero query
 * position embedding over the shared image features. The level features get the optional
 * {@code input_projections} (1x1 conv, present when the widths differ), {@code level_embed} and
 * sine position embeddings. {@code queries_embedder}/{@code queries_features} are not used.
 */
public final class Mask2FormerTransformerModule {

    private final int hidden;
    private final NDArray[] inputProjections; // per level conv [hidden, F, 1, 1] + bias, or null
    private final NDArray levelEmbed; // level_embed.weight [levels, hidden], rows taken in the forward
    private final Mask2FormerSinePositionEmbedding positionEmbedder;
    private final Mask2FormerMaskedAttentionDecoder decoder;

    /** @param w the view at {@code model.transformer_module} */
    public Mask2FormerTransformerModule(Weights w, int featureSize, int hidden, int decoderLayers, int numHeads,
            int ffn, int maskFeatureSize, String activation) {
        this.hidden = hidden;
        int levels = Mask2FormerPixelDecoder.NUM_FEATURE_LEVELS;
        inputProjections = new NDArray[2 * levels];
        for (int i = 0; i < levels; i++) {
            if (w.contains("input_projections." + i + ".weight")) {
                inputProjections[2 * i] = w.get("input_projections." + i + ".weight", hidden, featureSize, 1, 1);
                inputProjections[2 * i + 1] = w.get("input_projections." + i + ".bias", hidden);
            }
        }
        levelEmbed = w.get("level_embed.weight", levels, hidden);
        positionEmbedder = new Mask2FormerSinePositionEmbedding(hidden / 2);
        decoder = new Mask2FormerMaskedAttentionDecoder(w.prefix("decoder"), hidden, decoderLayers - 1, numHeads, ffn,
                maskFeatureSize, activation);
    }

    /**
     * @param multiScaleFeatures the pixel decoder's maps, coarsest first, {@code [1, F, h, w]}
     * @param maskFeatures {@code [1, mask, H, W]}
     * @param queries {@code [targets, hidden]}
     * @return per prediction (initial, then one per layer) the logits {@code [targets, 1, H, W]}
     */
    public List<NDArray> forward(List<NDArray> multiScaleFeatures, NDArray maskFeatures, NDArray queries) {
        NDManager manager = maskFeatures.getManager();
        List<NDArray> levels = new ArrayList<>();
        List<NDArray> positions = new ArrayList<>();
        int[][] sizes = new int[multiScaleFeatures.size()][];
        for (int i = 0; i < multiScaleFeatures.size(); i++) {
            NDArray x = multiScaleFeatures.get(i);
            int h = (int) x.getShape().get(2);
            int w = (int) x.getShape().get(3);
            sizes[i] = new int[] {h, w};
            positions.add(flatten(positionEmbedder.forward(manager, h, w)));
            if (inputProjections[2 * i] != null) {
                x = Convolutions.conv2d(x, inputProjections[2 * i], inputProjections[2 * i + 1], 1, 0);
            }
            levels.add(flatten(x).add(Mask2FormerOps.slice(levelEmbed, new NDIndex(i), manager).reshape(1, 1, hidden)));
        }
        long targets = queries.getShape().get(0);
        NDArray features = queries.reshape(targets, 1, hidden);
        NDArray position = manager.zeros(features.getShape(), features.getDataType());
        return decoder.forward(features, position, levels, positions, sizes, maskFeatures);
    }

    private static NDArray flatten(NDArray map) {
        long[] s = map.getShape().getShape();
        return map.reshape(s[0], s[1], s[2] * s[3]).transpose(0, 2, 1);
    }
}
