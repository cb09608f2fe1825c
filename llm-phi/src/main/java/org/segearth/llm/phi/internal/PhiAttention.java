package org.segearth.llm.phi.internal;

import org.segearth.spi.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.segearth.spi.Weights;
import org.segearth.spi.config.PhiConfig;
import org.segearth.spi.nn.LayerNorm;

/**
 * {@code PhiAttention}: q/k/v projections, optional per-head q/k layernorms, partial rotary
 * embeddings, causal softmax attention (eager, float32) and the {@code dense} output projection.
 */
public final class PhiAttention {

    private final Linear qProj; // [heads * headDim, hidden]
    private final Linear kProj; // [kvHeads * headDim, hidden]
    private final Linear vProj; // [kvHeads * headDim, hidden]
    private final Linear dense; // [hidden, heads * headDim]
    private final LayerNorm qLayernorm; // [headDim] or null
    private final LayerNorm kLayernorm; // [headDim] or null
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final float scaling;

    private PhiAttention(Linear q, Linear k, Linear v, Linear dense, LayerNorm qn, LayerNorm kn, PhiConfig c) {
        this.qProj = q;
        this.kProj = k;
        this.vProj = v;
        this.dense = dense;
        this.qLayernorm = qn;
        this.kLayernorm = kn;
        this.heads = c.numAttentionHeads();
        this.kvHeads = c.numKeyValueHeads();
        this.headDim = c.headDim();
        this.scaling = (float) Math.pow(headDim, -0.5);
    }

    public static PhiAttention load(Weights w, PhiConfig c, NDManager owner) {
        long hidden = c.hiddenSize();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        LayerNorm qn = null;
        LayerNorm kn = null;
        if (c.qkLayernorm()) {
            qn = LayerNorm.load(w, "q_layernorm", c.headDim(), c.layerNormEps()).attach(owner);
            kn = LayerNorm.load(w, "k_layernorm", c.headDim(), c.layerNormEps()).attach(owner);
        }
        return new PhiAttention(
                Linear.load(w, "q_proj", hidden, hidden, true, owner),
                Linear.load(w, "k_proj", kv, hidden, true, owner),
                Linear.load(w, "v_proj", kv, hidden, true, owner),
                Linear.load(w, "dense", hidden, hidden, true, owner),
                qn, kn, c);
    }

    public List<Linear> linears() {
        return List.of(qProj, kProj, vProj, dense);
    }

    /** The output {@code [batch, tokens, hidden]} and the softmax probabilities {@code [batch, heads, tokens, keys]}. */
    public record Output(NDArray hidden, NDArray probs) {}

    /**
     * @param x {@code [batch, tokens, hidden]} (after the input layernorm)
     * @param cos {@code [tokens, rotaryDim]} for the positions of {@code x}
     * @param mask additive {@code [tokens, keys]} causal mask, or null when every key is visible
     * @param cache the cache to extend, or null
     */
    public Output forward(NDArray x, PhiRotaryEmbedding rotary, NDArray cos, NDArray sin, NDArray mask,
            PhiKvCache cache, int layer) {
        long batch = x.getShape().get(0);
        long tokens = x.getShape().get(1);
        NDArray q = heads(qProj.forward(x), batch, tokens, heads);
        NDArray k = heads(kProj.forward(x), batch, tokens, kvHeads);
        NDArray v = heads(vProj.forward(x), batch, tokens, kvHeads);
        if (qLayernorm != null) {
            q = qLayernorm.forward(q);
            k = kLayernorm.forward(k);
        }
        q = rotary.apply(q, cos, sin);
        k = rotary.apply(k, cos, sin);
        if (cache != null) {
            NDArray[] kv = cache.append(layer, k, v);
            k = kv[0];
            v = kv[1];
        }
        if (kvHeads != heads) {
            k = k.repeat(1, heads / kvHeads);
            v = v.repeat(1, heads / kvHeads);
        }
        NDArray scores = Scalars.mul(q.matMul(k.transpose(0, 1, 3, 2)), scaling);
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray probs = scores.softmax(-1);
        NDArray context = probs.matMul(v).transpose(0, 2, 1, 3).reshape(batch, tokens, (long) heads * headDim);
        return new Output(dense.forward(context), probs);
    }

    private NDArray heads(NDArray projected, long batch, long tokens, int count) {
        return projected.reshape(batch, tokens, count, headDim).transpose(0, 2, 1, 3);
    }

}
