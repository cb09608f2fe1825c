package org.segearth.llm.phi.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.segearth.api.SegEarthException;

/**
 * Partial rotary position embeddings: the first {@code rotaryDim} dimensions of every head are
 * rotated with Hugging Face's {@code rotate_half} convention (the two halves of the rotary part
 * pair up), the rest pass through.
 */
public final class PhiRotaryEmbedding {

    private final int rotaryDim;
    private final int headDim;
    private final double theta;

    public PhiRotaryEmbedding(int rotaryDim, int headDim, double theta) {
        if (rotaryDim % 2 != 0 || rotaryDim <= 0 || rotaryDim > headDim) {
            throw new SegEarthException("Phi config: head_dim " + headDim + " x partial_rotary_factor gives "
                    + rotaryDim + " rotary dimensions; expected an even number in (0, " + headDim
                    + "], so change partial_rotary_factor");
        }
        this.rotaryDim = rotaryDim;
        this.headDim = headDim;
        this.theta = theta;
    }

    public int rotaryDim() {
        return rotaryDim;
    }

    /**
     * {@code cos} and {@code sin}, each {@code [length, rotaryDim]}, for positions
     * {@code offset .. offset + length - 1}, computed in float32 as the reference does.
     */
    public NDList cosSin(int offset, int length, NDManager manager) {
        NDArray exponent = manager.arange(0, rotaryDim, 2, DataType.FLOAT32).div((float) rotaryDim);
        NDArray invFreq = manager.create((float) theta).pow(exponent).getNDArrayInternal().rdiv(1f);
        NDArray positions = manager.arange(offset, offset + length, 1, DataType.FLOAT32).reshape(length, 1);
        NDArray freqs = positions.mul(invFreq.reshape(1, rotaryDim / 2));
        NDArray emb = NDArrays.concat(new NDList(freqs, freqs), -1);
        return new NDList(emb.cos(), emb.sin());
    }

    /** Rotates {@code x} ({@code [batch, heads, length, headDim]}). */
    public NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        if (rotaryDim == headDim) {
            return x.mul(cos).add(rotateHalf(x).mul(sin));
        }
        NDArray rot = x.get(new NDIndex("..., :{}", rotaryDim));
        NDArray pass = x.get(new NDIndex("..., {}:", rotaryDim));
        NDArray rotated = rot.mul(cos).add(rotateHalf(rot).mul(sin));
        return NDArrays.concat(new NDList(rotated, pass), -1);
    }

    private NDArray rotateHalf(NDArray x) {
        int half = rotaryDim / 2;
        NDArray x1 = x.get(new NDIndex("..., :{}", half));
        NDArray x2 = x.get(new NDIndex("..., {}:", half));
        return NDArrays.concat(new NDList(x2.neg(), x1), -1);
    }
}
