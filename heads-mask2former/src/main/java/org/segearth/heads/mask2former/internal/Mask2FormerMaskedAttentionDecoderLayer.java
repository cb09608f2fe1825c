package org.segearth.heads.mask2former.internal;

import ai.djl.ndarray.NDArray;
import org.segearth.spi.nn.Scalars;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;
import org.segearth.api.SegEarthException;
import org.segearth.spi.Weights;
import org.segearth.spi.nn.LayerNorm;
import org.segearth.spi.nn.Linear;
import org.segearth.spi.nn.Scoped;

/**
 * HF {@code Mask2FormerMaskedAttentionDecoderLayer} (post-norm): masked cross-attention to one
 * level ({@code nn.MultiheadAttention} weights {@code cross_attn.in_proj_*}) -> residual ->
 * cross_attn_layer_norm; self-attention -> residual -> self_attn_layer_norm; FFN -> residual ->
 * final_layer_norm.
 */
public final class Mask2FormerMaskedAttentionDecoderLayer {

    private final int numHeads;
    private final int headDim;
    private final int dim;
    private final NDArray crossInProjWeight; // [3d, d]: q, k, v rows, sliced in the forward
    private final NDArray crossInProjBias; // [3d]
    private final Linear crossOut; // [d, d]
    private final LayerNorm crossAttnLayerNorm; // [d]
    private final Linear selfQ; // [d, d]
    private final Linear selfK; // [d, d]
    private final Linear selfV; // [d, d]
    private final Linear selfOut; // [d, d]
    private final LayerNorm selfAttnLayerNorm; // [d]
    private final Linear fc1; // [ffn, d]
    private final Linear fc2; // [d, ffn]
    private final LayerNorm finalLayerNorm; // [d]

    /** @param w the view at {@code transformer_module.decoder.layers.N} */
    public Mask2FormerMaskedAttentionDecoderLayer(Weights w, int dim, int numHeads, int ffn, String activation) {
        if (!"relu".equals(activation)) {
            throw new SegEarthException("Mask2Former: activation_function '" + activation
                    + "' is not supported; the checkpoints use 'relu'");
        }
        this.numHeads = numHeads;
        this.headDim = dim / numHeads;
        this.dim = dim;
        crossInProjWeight = w.get("cross_attn.in_proj_weight", 3L * dim, dim);
        crossInProjBias = w.get("cross_attn.in_proj_bias", 3L * dim);
        crossOut = Linear.load(w.prefix("cross_attn.out_proj"), dim, dim);
        crossAttnLayerNorm = LayerNorm.load(w.prefix("cross_attn_layer_norm"), dim, 1e-5);
        selfQ = Linear.load(w.prefix("self_attn.q_proj"), dim, dim);
        selfK = Linear.load(w.prefix("self_attn.k_proj"), dim, dim);
        selfV = Linear.load(w.prefix("self_attn.v_proj"), dim, dim);
        selfOut = Linear.load(w.prefix("self_attn.out_proj"), dim, dim);
        selfAttnLayerNorm = LayerNorm.load(w.prefix("self_attn_layer_norm"), dim, 1e-5);
        fc1 = Linear.load(w.prefix("fc1"), ffn, dim);
        fc2 = Linear.load(w.prefix("fc2"), dim, ffn);
        finalLayerNorm = LayerNorm.load(w.prefix("final_layer_norm"), dim, 1e-5);
    }

    /**
     * @param hidden {@code [B, Q, d]}
     * @param queryPosition {@code [B or 1, Q, d]}
     * @param memory the level's features {@code [1 or B, hw, d]} (level embedding included)
     * @param memoryPosition the level's sine embedding {@code [1, hw, d]}
     * @param blocked {@code [B, heads, Q, hw]} true where attention is masked
     */
    public NDArray forward(NDArray hidden, NDArray queryPosition, NDArray memory, NDArray memoryPosition,
            NDArray blocked) {
        return Scoped.compute(() -> layer(hidden, queryPosition, memory, memoryPosition, blocked), hidden,
                queryPosition, memory, memoryPosition, blocked);
    }

    private NDArray layer(NDArray hidden, NDArray queryPosition, NDArray memory, NDArray memoryPosition,
            NDArray blocked) {
        NDArray q = scaled(heads(crossProjection(0, hidden.add(queryPosition))));
        NDArray k = heads(crossProjection(1, memory.add(memoryPosition)));
        NDArray v = heads(crossProjection(2, memory));
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
        NDArray minusInf = scores.getManager().full(scores.getShape(), Float.NEGATIVE_INFINITY);
        scores = NDArrays.where(blocked, minusInf, scores);
        NDArray cross = crossOut.forward(merge(scores.softmax(-1).matMul(v)));
        NDArray h = crossAttnLayerNorm.forward(hidden.add(cross));

        NDArray withPos = h.add(queryPosition);
        NDArray sq = scaled(heads(selfQ.forward(withPos)));
        NDArray sk = heads(selfK.forward(withPos));
        NDArray sv = heads(selfV.forward(h));
        NDArray self = selfOut.forward(merge(sq.matMul(sk.transpose(0, 1, 3, 2)).softmax(-1).matMul(sv)));
        h = selfAttnLayerNorm.forward(h.add(self));

        NDArray ffn = fc2.forward(Activation.relu(fc1.forward(h)));
        return finalLayerNorm.forward(h.add(ffn));
    }

    /** Part {@code part} (0 q, 1 k, 2 v) of {@code in_proj}, sliced from the live arrays per call. */
    private NDArray crossProjection(int part, NDArray x) {
        NDIndex rows = new NDIndex((long) part * dim + ":" + (long) (part + 1) * dim);
        return Linear.apply(x, Mask2FormerOps.slice(crossInProjWeight, rows, x.getManager()),
                Mask2FormerOps.slice(crossInProjBias, rows, x.getManager()));
    }

    private NDArray heads(NDArray x) {
        long[] s = x.getShape().getShape();
        return x.reshape(s[0], s[1], numHeads, headDim).transpose(0, 2, 1, 3);
    }

    private NDArray merge(NDArray x) {
        long[] s = x.getShape().getShape();
        return x.transpose(0, 2, 1, 3).reshape(s[0], s[2], (long) numHeads * headDim);
    }

    /** {@code x / sqrt(headDim)}, autograd-safe (see {@link Scalars}). */
    private NDArray scaled(NDArray x) {
        return Scalars.mul(x, 1.0 / Math.sqrt(headDim));
    }
}
