package org.segearth.heads.mask2former.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;
import org.segearth.api.SegEarthException;
import org.segearth.spi.Weights;

/**
 * HF {@code Mask2FormerMaskedAttentionDecoderLayer} (post-norm): masked cross-attention to one
 * level ({@code nn.MultiheadAttention} weights {@code cross_attn.in_proj_*}) -> residual ->
 * cross_attn_layer_norm; self-attention -> residual -> self_attn_layer_norm; FFN -> residual ->
 * final_layer_norm.
 */
public final class Mask2FormerMaskedAttentionDecoderLayer {

    private final int numHeads;
    private final int headDim;
    private final Mask2FormerOps.Dense crossQ; // in_proj rows [0, d)
    private final Mask2FormerOps.Dense crossK; // in_proj rows [d, 2d)
    private final Mask2FormerOps.Dense crossV; // in_proj rows [2d, 3d)
    private final Mask2FormerOps.Dense crossOut; // [d, d]
    private final Mask2FormerOps.Norm crossAttnLayerNorm; // [d]
    private final Mask2FormerOps.Dense selfQ; // [d, d]
    private final Mask2FormerOps.Dense selfK; // [d, d]
    private final Mask2FormerOps.Dense selfV; // [d, d]
    private final Mask2FormerOps.Dense selfOut; // [d, d]
    private final Mask2FormerOps.Norm selfAttnLayerNorm; // [d]
    private final Mask2FormerOps.Dense fc1; // [ffn, d]
    private final Mask2FormerOps.Dense fc2; // [d, ffn]
    private final Mask2FormerOps.Norm finalLayerNorm; // [d]

    /** @param w the view at {@code transformer_module.decoder.layers.N} */
    public Mask2FormerMaskedAttentionDecoderLayer(Weights w, int dim, int numHeads, int ffn, String activation) {
        if (!"relu".equals(activation)) {
            throw new SegEarthException("Mask2Former: activation_function '" + activation
                    + "' is not supported; the checkpoints use 'relu'");
        }
        this.numHeads = numHeads;
        this.headDim = dim / numHeads;
        NDArray inW = w.get("cross_attn.in_proj_weight", 3L * dim, dim);
        NDArray inB = w.get("cross_attn.in_proj_bias", 3L * dim);
        crossQ = new Mask2FormerOps.Dense(inW.get(new NDIndex("0:" + dim)), inB.get(new NDIndex("0:" + dim)));
        crossK = new Mask2FormerOps.Dense(inW.get(new NDIndex(dim + ":" + 2 * dim)), inB.get(new NDIndex(dim + ":" + 2 * dim)));
        crossV = new Mask2FormerOps.Dense(inW.get(new NDIndex(2 * dim + ":")), inB.get(new NDIndex(2 * dim + ":")));
        crossOut = Mask2FormerOps.Dense.load(w.prefix("cross_attn.out_proj"), dim, dim);
        crossAttnLayerNorm = Mask2FormerOps.Norm.load(w.prefix("cross_attn_layer_norm"), dim);
        selfQ = Mask2FormerOps.Dense.load(w.prefix("self_attn.q_proj"), dim, dim);
        selfK = Mask2FormerOps.Dense.load(w.prefix("self_attn.k_proj"), dim, dim);
        selfV = Mask2FormerOps.Dense.load(w.prefix("self_attn.v_proj"), dim, dim);
        selfOut = Mask2FormerOps.Dense.load(w.prefix("self_attn.out_proj"), dim, dim);
        selfAttnLayerNorm = Mask2FormerOps.Norm.load(w.prefix("self_attn_layer_norm"), dim);
        fc1 = Mask2FormerOps.Dense.load(w.prefix("fc1"), ffn, dim);
        fc2 = Mask2FormerOps.Dense.load(w.prefix("fc2"), dim, ffn);
        finalLayerNorm = Mask2FormerOps.Norm.load(w.prefix("final_layer_norm"), dim);
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
        return Mask2FormerOps.scoped(() -> layer(hidden, queryPosition, memory, memoryPosition, blocked), hidden,
                queryPosition, memory, memoryPosition, blocked);
    }

    private NDArray layer(NDArray hidden, NDArray queryPosition, NDArray memory, NDArray memoryPosition,
            NDArray blocked) {
        NDArray q = scaled(heads(crossQ.apply(hidden.add(queryPosition))));
        NDArray k = heads(crossK.apply(memory.add(memoryPosition)));
        NDArray v = heads(crossV.apply(memory));
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
        NDArray minusInf = scores.getManager().full(scores.getShape(), Float.NEGATIVE_INFINITY);
        scores = NDArrays.where(blocked, minusInf, scores);
        NDArray cross = crossOut.apply(merge(scores.softmax(-1).matMul(v)));
        NDArray h = crossAttnLayerNorm.apply(hidden.add(cross));

        NDArray withPos = h.add(queryPosition);
        NDArray sq = scaled(heads(selfQ.apply(withPos)));
        NDArray sk = heads(selfK.apply(withPos));
        NDArray sv = heads(selfV.apply(h));
        NDArray self = selfOut.apply(merge(sq.matMul(sk.transpose(0, 1, 3, 2)).softmax(-1).matMul(sv)));
        h = selfAttnLayerNorm.apply(h.add(self));

        NDArray ffn = fc2.apply(Activation.relu(fc1.apply(h)));
        return finalLayerNorm.apply(h.add(ffn));
    }

    private NDArray heads(NDArray x) {
        long[] s = x.getShape().getShape();
        return x.reshape(s[0], s[1], numHeads, headDim).transpose(0, 2, 1, 3);
    }

    private NDArray merge(NDArray x) {
        long[] s = x.getShape().getShape();
        return x.transpose(0, 2, 1, 3).reshape(s[0], s[2], (long) numHeads * headDim);
    }

    /**
     * {@code x / sqrt(headDim)} with the factor as a 0-d tensor of native storage: DJL's
     * {@code mul(Number)} makes it from Java memory and frees it while autograd still holds it.
     */
    private NDArray scaled(NDArray x) {
        try (NDArray fromJava = x.getManager().create((float) (1.0 / Math.sqrt(headDim)))) {
            NDArray factor = fromJava.duplicate();
            return x.mul(factor.getDataType() == x.getDataType() ? factor : factor.toType(x.getDataType(), false));
        }
    }
}
