package org.segearth.heads.sam.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.segearth.api.SegEarthException;
import org.segearth.spi.Weights;
import org.segearth.spi.config.SamConfig;
import org.segearth.spi.nn.Interpolation;
import org.segearth.spi.nn.Linear;

/**
 * {@code SamVisionAttention}: multi-head self-attention over a {@code [B, H, W, C]} grid (a window
 * or the whole image) with decomposed relative positions (MViTv2).
 */
public final class SamVisionAttention {

    private final Linear qkv; // [3 * hidden, hidden]
    private final Linear proj; // [hidden, hidden]
    private final int heads;
    private final float scale;
    private final int size;
    private final NDArray relHeightT; // get_rel_pos(size, size, rel_pos_h) transposed: [size, headDim, size]
    private final NDArray relWidthT; // get_rel_pos(size, size, rel_pos_w) transposed: [size, headDim, size]

    /**
     * @param size the side of the grid this layer attends over: the window size, or the patch grid
     *     for global attention
     */
    public SamVisionAttention(Weights w, SamConfig.Vision c, int size) {
        int hidden = c.hiddenSize();
        this.heads = c.numAttentionHeads();
        int headDim = hidden / heads;
        this.scale = (float) Math.pow(headDim, -0.5);
        this.qkv = Linear.load(w, "qkv", 3L * hidden, hidden, c.qkvBias());
        this.proj = Linear.load(w, "proj", hidden, hidden, true);
        this.size = size;
        if (c.useRelPos()) {
            NDArray relPosH = w.get("rel_pos_h", w.shapeOf("rel_pos_h")[0], headDim); // [2*size-1, headDim]
            NDArray relPosW = w.get("rel_pos_w", w.shapeOf("rel_pos_w")[0], headDim); // [2*size-1, headDim]
            this.relHeightT = getRelPos(size, size, relPosH).transpose(0, 2, 1);
            this.relWidthT = getRelPos(size, size, relPosW).transpose(0, 2, 1);
        } else {
            this.relHeightT = null;
            this.relWidthT = null;
        }
    }

    /**
     * {@code get_rel_pos}: the relative position embeddings for every (query, key) pair along one
     * axis, {@code [qSize, kSize, C]}; the table is linearly interpolated when its length is not
     * {@code 2 * max(qSize, kSize) - 1}. The result lives in {@code relPos}'s manager.
     */
    public static NDArray getRelPos(int qSize, int kSize, NDArray relPos) {
        int maxRelDist = 2 * Math.max(qSize, kSize) - 1;
        long length = relPos.getShape().get(0);
        long channels = relPos.getShape().get(1);
        NDArray resized = relPos;
        if (length != maxRelDist) {
            // F.interpolate(mode="linear") over the table length, exact also when it shrinks
            resized = Interpolation.linear(relPos.transpose(1, 0), maxRelDist).transpose(1, 0);
        }
        double qScale = Math.max((double) kSize / qSize, 1.0);
        double kScale = Math.max((double) qSize / kSize, 1.0);
        float offset = (float) ((kSize - 1) * kScale);
        float[] oneHot = new float[qSize * kSize * maxRelDist];
        for (int q = 0; q < qSize; q++) {
            for (int k = 0; k < kSize; k++) {
                float coord = (q * (float) qScale - k * (float) kScale) + offset;
                int index = (int) coord;
                oneHot[(q * kSize + k) * maxRelDist + index] = 1f;
            }
        }
        NDManager m = relPos.getManager();
        NDArray selector = m.create(oneHot, new Shape((long) qSize * kSize, maxRelDist));
        return selector.matMul(resized).reshape(qSize, kSize, channels);
    }

    /** {@code [B, H, W, C]} -> {@code [B, H, W, C]}. */
    public NDArray forward(NDArray x) {
        long[] s = x.getShape().getShape();
        long b = s[0];
        long h = s[1];
        long wd = s[2];
        long c = s[3];
        long tokens = h * wd;
        NDArray packed = qkv.forward(x).reshape(b, tokens, 3, heads, c / heads).transpose(2, 0, 3, 1, 4)
                .reshape(3, b * heads, tokens, c / heads);
        NDArray q = packed.get(0);
        NDArray k = packed.get(1);
        NDArray v = packed.get(2);
        NDArray attn = q.mul(scale).matMul(k.transpose(0, 2, 1));
        if (relHeightT != null) {
            if (h != size || wd != size) {
                throw new SegEarthException("SAM attention over a " + h + "x" + wd + " grid; this layer was built for "
                        + size + "x" + size + " (window size or patch grid of the config)");
            }
            attn = addDecomposedRelPos(attn, q, h, wd);
        }
        NDArray out = attn.softmax(-1).matMul(v).reshape(b, heads, h, wd, c / heads).transpose(0, 2, 3, 1, 4)
                .reshape(b, h, wd, c);
        return proj.forward(out);
    }

    /** {@code get_decomposed_rel_pos} added to {@code attn [B*heads, H*W, H*W]}. */
    private NDArray addDecomposedRelPos(NDArray attn, NDArray q, long h, long w) {
        long bn = q.getShape().get(0);
        long dim = q.getShape().get(2);
        NDArray rq = q.reshape(bn, h, w, dim);
        // einsum("bhwc,hkc->bhwk"): one matmul per query row
        NDArray relH = rq.transpose(1, 0, 2, 3).reshape(h, bn * w, dim).matMul(relHeightT)
                .reshape(h, bn, w, h).transpose(1, 0, 2, 3);
        // einsum("bhwc,wkc->bhwk"): one matmul per query column
        NDArray relW = rq.transpose(2, 0, 1, 3).reshape(w, bn * h, dim).matMul(relWidthT)
                .reshape(w, bn, h, w).transpose(1, 2, 0, 3);
        return attn.reshape(bn, h, w, h, w).add(relH.expandDims(4)).add(relW.expandDims(3)).reshape(bn, h * w, h * w);
    }
}
