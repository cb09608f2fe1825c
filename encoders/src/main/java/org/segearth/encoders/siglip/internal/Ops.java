package org.segearth.encoders.siglip.internal;

import ai.djl.ndarray.NDArray;

/** SigLIP's attention core; the layers themselves are {@code org.segearth.spi.nn}'s. */
final class Ops {

    private Ops() {}

    /** Multi-head scaled dot-product attention: q [B, Lq, E], k/v [B, Lk, E] -> [B, Lq, E]. */
    static NDArray attention(NDArray q, NDArray k, NDArray v, int heads) {
        long b = q.getShape().get(0);
        long lq = q.getShape().get(1);
        long lk = k.getShape().get(1);
        long e = q.getShape().get(2);
        long d = e / heads;
        NDArray qh = q.reshape(b, lq, heads, d).transpose(0, 2, 1, 3);
        NDArray kh = k.reshape(b, lk, heads, d).transpose(0, 2, 3, 1);
        NDArray vh = v.reshape(b, lk, heads, d).transpose(0, 2, 1, 3);
        NDArray scores = qh.matMul(kh).mul(1.0 / Math.sqrt(d));
        NDArray probs = scores.softmax(-1);
        return probs.matMul(vh).transpose(0, 2, 1, 3).reshape(b, lq, e);
    }
}
