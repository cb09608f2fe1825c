package org.segearth.encoders.siglip.internal;

import ai.djl.ndarray.NDArray;
import org.segearth.spi.Weights;
import org.segearth.spi.config.SiglipVisionConfig;
import org.segearth.spi.nn.Linear;

/** HF {@code SiglipAttention}: bidirectional multi-head self-attention with biased projections. */
public final class SiglipAttention {

    private final NDArray qProjWeight; // [hidden, hidden]
    private final NDArray qProjBias; // [hidden]
    private final NDArray kProjWeight; // [hidden, hidden]
    private final NDArray kProjBias; // [hidden]
    private final NDArray vProjWeight; // [hidden, hidden]
    private final NDArray vProjBias; // [hidden]
    private final NDArray outProjWeight; // [hidden, hidden]
    private final NDArray outProjBias; // [hidden]
    private final int heads;

    /** Loads {@code self_attn.*} of the layer view {@code w}. */
    public SiglipAttention(Weights w, SiglipVisionConfig c) {
        int h = c.hiddenSize();
        qProjWeight = w.getMatrix("q_proj.weight", h, h);
        qProjBias = w.get("q_proj.bias", h);
        kProjWeight = w.getMatrix("k_proj.weight", h, h);
        kProjBias = w.get("k_proj.bias", h);
        vProjWeight = w.getMatrix("v_proj.weight", h, h);
        vProjBias = w.get("v_proj.bias", h);
        outProjWeight = w.getMatrix("out_proj.weight", h, h);
        outProjBias = w.get("out_proj.bias", h);
        heads = c.numAttentionHeads();
    }

    /** {@code [B, L, hidden]} -> {@code [B, L, hidden]}. */
    public NDArray forward(NDArray x) {
        NDArray q = Linear.apply(x, qProjWeight, qProjBias);
        NDArray k = Linear.apply(x, kProjWeight, kProjBias);
        NDArray v = Linear.apply(x, vProjWeight, vProjBias);
        return Linear.apply(Ops.attention(q, k, v, heads), outProjWeight, outProjBias);
    }
}
