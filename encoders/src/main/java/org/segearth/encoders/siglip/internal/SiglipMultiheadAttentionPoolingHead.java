package org.segearth.encoders.siglip.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import org.segearth.spi.Weights;
import org.segearth.spi.config.SiglipVisionConfig;
import org.segearth.spi.nn.LayerNorm;
import org.segearth.spi.nn.Linear;

/**
 * HF {@code SiglipMultiheadAttentionPoolingHead}: a learned probe attends over the tokens
 * ({@code torch.nn.MultiheadAttention} with a packed in-projection), then LN + MLP residual.
 */
public final class SiglipMultiheadAttentionPoolingHead {

    private final NDArray probe; // [1, 1, hidden]
    private final NDArray attentionInProjWeight; // [3 * hidden, hidden]
    private final NDArray attentionInProjBias; // [3 * hidden]
    private final NDArray attentionOutProjWeight; // [hidden, hidden]
    private final NDArray attentionOutProjBias; // [hidden]
    private final NDArray layernormWeight; // [hidden]
    private final NDArray layernormBias; // [hidden]
    private final SiglipMLP mlp;
    private final int heads;
    private final int hidden;
    private final double eps;

    /** Loads {@code head.*} given as the view {@code w}. */
    public SiglipMultiheadAttentionPoolingHead(Weights w, SiglipVisionConfig c) {
        hidden = c.hiddenSize();
        probe = w.get("probe", 1, 1, hidden);
        attentionInProjWeight = w.get("attention.in_proj_weight", 3L * hidden, hidden);
        attentionInProjBias = w.get("attention.in_proj_bias", 3L * hidden);
        attentionOutProjWeight = w.get("attention.out_proj.weight", hidden, hidden);
        attentionOutProjBias = w.get("attention.out_proj.bias", hidden);
        layernormWeight = w.get("layernorm.weight", hidden);
        layernormBias = w.get("layernorm.bias", hidden);
        mlp = new SiglipMLP(w.prefix("mlp"), hidden, c.intermediateSize(), c.hiddenAct());
        heads = c.numAttentionHeads();
        eps = c.layerNormEps();
    }

    /** {@code [B, L, hidden]} (post-layernorm tokens) -> {@code [B, hidden]}. */
    public NDArray forward(NDArray tokens) {
        long b = tokens.getShape().get(0);
        NDArray query = probe.broadcast(b, 1, hidden);
        query.attach(tokens.getManager());
        NDArray q = Linear.apply(query, part(attentionInProjWeight, 0), part(attentionInProjBias, 0));
        NDArray k = Linear.apply(tokens, part(attentionInProjWeight, 1), part(attentionInProjBias, 1));
        NDArray v = Linear.apply(tokens, part(attentionInProjWeight, 2), part(attentionInProjBias, 2));
        NDArray attended = Linear.apply(Ops.attention(q, k, v, heads), attentionOutProjWeight, attentionOutProjBias);
        NDArray h = attended.add(mlp.forward(LayerNorm.apply(attended, layernormWeight, layernormBias, eps)));
        return h.get(new NDIndex(":, 0"));
    }

    private NDArray part(NDArray packed, int i) {
        return packed.get(new NDIndex("{}:{}", (long) i * hidden, (long) (i + 1) * hidden));
    }
}
