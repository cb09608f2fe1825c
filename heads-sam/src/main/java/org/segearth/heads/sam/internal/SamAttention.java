package org.segearth.heads.sam.internal;

import ai.djl.ndarray.NDArray;
import org.segearth.spi.Weights;
import org.segearth.spi.nn.Linear;

/**
 * {@code SamAttention}: multi-head attention whose projections may shrink the width by a
 * downsample rate ({@code internal = hidden / rate}). Inputs are {@code [N, tokens, hidden]}.
 */
public final class SamAttention {

    private final Linear qProj; // [internal, hidden]
    private final Linear kProj; // [internal, hidden]
    private final Linear vProj; // [internal, hidden]
    private final Linear outProj; // [hidden, internal]
    private final int heads;
    private final float scaling;

    public SamAttention(Weights w, int hidden, int heads, int downsampleRate) {
        int internal = hidden / downsampleRate;
        if (internal % heads != 0) {
            throw new org.segearth.api.SegEarthException("SAM attention width " + internal + " (hidden " + hidden
                    + " / downsample rate " + downsampleRate + ") is not divisible by " + heads + " heads");
        }
        this.qProj = Linear.load(w, "q_proj", internal, hidden, true);
        this.kProj = Linear.load(w, "k_proj", internal, hidden, true);
        this.vProj = Linear.load(w, "v_proj", internal, hidden, true);
        this.outProj = Linear.load(w, "out_proj", hidden, internal, true);
        this.heads = heads;
        this.scaling = (float) Math.pow(internal / heads, -0.5);
    }

    public NDArray forward(NDArray query, NDArray key, NDArray value) {
        NDArray q = separateHeads(qProj.forward(query));
        NDArray k = separateHeads(kProj.forward(key));
        NDArray v = separateHeads(vProj.forward(value));
        NDArray attn = q.matMul(k.transpose(0, 1, 3, 2)).mul(scaling).softmax(-1);
        NDArray out = attn.matMul(v); // [N, heads, tokens, perHead]
        long[] s = out.getShape().getShape();
        return outProj.forward(out.transpose(0, 2, 1, 3).reshape(s[0], s[2], s[1] * s[3]));
    }

    private NDArray separateHeads(NDArray x) {
        long[] s = x.getShape().getShape();
        return x.reshape(s[0], s[1], heads, s[2] / heads).transpose(0, 2, 1, 3);
    }
}
