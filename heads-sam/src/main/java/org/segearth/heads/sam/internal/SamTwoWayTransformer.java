package org.segearth.heads.sam.internal;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.segearth.spi.Weights;
import org.segearth.spi.config.SamConfig;
import org.segearth.spi.nn.LayerNorm;

/** {@code SamTwoWayTransformer}: two-way blocks, then a final token-to-image attention and norm. */
public final class SamTwoWayTransformer {

    /** {@code nn.LayerNorm}'s default epsilon, used by {@code layer_norm_final_attn}. */
    static final double FINAL_NORM_EPS = 1e-5;

    private final List<SamTwoWayAttentionBlock> layers = new ArrayList<>();
    private final SamAttention finalAttnTokenToImage;
    private final LayerNorm layerNormFinalAttn; // [hidden]

    public SamTwoWayTransformer(Weights w, SamConfig.MaskDecoder c) {
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            layers.add(new SamTwoWayAttentionBlock(w.prefix("layers." + i), c, i == 0));
        }
        this.finalAttnTokenToImage = new SamAttention(w.prefix("final_attn_token_to_image"), c.hiddenSize(),
                c.numAttentionHeads(), c.attentionDownsampleRate());
        this.layerNormFinalAttn = LayerNorm.load(w, "layer_norm_final_attn", c.hiddenSize(), FINAL_NORM_EPS);
    }

    /**
     * @param pointEmbeddings {@code [N, tokens, hidden]}
     * @param imageEmbeddings {@code [N, hidden, h, w]}
     * @param imagePe {@code [N, hidden, h, w]}
     * @return the tokens {@code [N, tokens, hidden]} and the image keys {@code [N, h*w, hidden]}
     */
    public SamTwoWayAttentionBlock.Output forward(NDArray pointEmbeddings, NDArray imageEmbeddings, NDArray imagePe) {
        NDArray keys = imageEmbeddings.flatten(2, 3).transpose(0, 2, 1);
        NDArray keyPe = imagePe.flatten(2, 3).transpose(0, 2, 1);
        NDArray queries = pointEmbeddings;
        for (SamTwoWayAttentionBlock layer : layers) {
            SamTwoWayAttentionBlock.Output out = layer.forward(queries, keys, pointEmbeddings, keyPe);
            queries = out.queries();
            keys = out.keys();
        }
        NDArray q = queries.add(pointEmbeddings);
        NDArray k = keys.add(keyPe);
        queries = layerNormFinalAttn.forward(queries.add(finalAttnTokenToImage.forward(q, k, keys)));
        return new SamTwoWayAttentionBlock.Output(queries, keys);
    }
}
