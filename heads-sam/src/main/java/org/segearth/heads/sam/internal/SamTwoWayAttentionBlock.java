package org.segearth.heads.sam.internal;

import ai.djl.ndarray.NDArray;
import org.segearth.spi.Weights;
import org.segearth.spi.config.SamConfig;
import org.segearth.spi.nn.LayerNorm;

/**
 * {@code SamTwoWayAttentionBlock}: token self-attention, token-to-image cross-attention, MLP on the
 * tokens, image-to-token cross-attention; post-norm after each.
 */
public final class SamTwoWayAttentionBlock {

    /** The downsample rate Hugging Face's block uses for both cross-attentions (its default argument). */
    static final int CROSS_ATTENTION_DOWNSAMPLE = 2;

    private final SamAttention selfAttn;
    private final LayerNorm layerNorm1;
    private final SamAttention crossAttnTokenToImage;
    private final LayerNorm layerNorm2;
    private final SamMlpBlock mlp;
    private final LayerNorm layerNorm3;
    private final LayerNorm layerNorm4;
    private final SamAttention crossAttnImageToToken;
    private final boolean skipFirstLayerPe;

    /** Tokens and image keys after the block. */
    public record Output(NDArray queries, NDArray keys) {}

    public SamTwoWayAttentionBlock(Weights w, SamConfig.MaskDecoder c, boolean skipFirstLayerPe) {
        int hidden = c.hiddenSize();
        int heads = c.numAttentionHeads();
        double eps = c.layerNormEps();
        this.selfAttn = new SamAttention(w.prefix("self_attn"), hidden, heads, 1);
        this.layerNorm1 = LayerNorm.load(w, "layer_norm1", hidden, eps);
        this.crossAttnTokenToImage = new SamAttention(w.prefix("cross_attn_token_to_image"), hidden, heads,
                CROSS_ATTENTION_DOWNSAMPLE);
        this.layerNorm2 = LayerNorm.load(w, "layer_norm2", hidden, eps);
        this.mlp = new SamMlpBlock(w.prefix("mlp"), hidden, c.mlpDim(), c.hiddenAct());
        this.layerNorm3 = LayerNorm.load(w, "layer_norm3", hidden, eps);
        this.layerNorm4 = LayerNorm.load(w, "layer_norm4", hidden, eps);
        this.crossAttnImageToToken = new SamAttention(w.prefix("cross_attn_image_to_token"), hidden, heads,
                CROSS_ATTENTION_DOWNSAMPLE);
        this.skipFirstLayerPe = skipFirstLayerPe;
    }

    /**
     * @param queries {@code [N, tokens, hidden]}
     * @param keys {@code [N, h*w, hidden]} image embedding
     * @param queryPe the original prompt tokens, added to queries as their positions
     * @param keyPe {@code [N, h*w, hidden]} image positional embedding
     */
    public Output forward(NDArray queries, NDArray keys, NDArray queryPe, NDArray keyPe) {
        if (skipFirstLayerPe) {
            queries = selfAttn.forward(queries, queries, queries);
        } else {
            NDArray q = queries.add(queryPe);
            queries = queries.add(selfAttn.forward(q, q, queries));
        }
        queries = layerNorm1.forward(queries);

        NDArray q = queries.add(queryPe);
        NDArray k = keys.add(keyPe);
        queries = layerNorm2.forward(queries.add(crossAttnTokenToImage.forward(q, k, keys)));

        queries = layerNorm3.forward(queries.add(mlp.forward(queries)));

        q = queries.add(queryPe);
        k = keys.add(keyPe);
        keys = layerNorm4.forward(keys.add(crossAttnImageToToken.forward(k, q, queries)));
        return new Output(queries, keys);
    }
}
