package org.segearth.spi.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.segearth.api.SegEarthException;

/**
 * Linear resizing exactly like {@code F.interpolate(mode="bilinear" | "linear",
 * align_corners=False, antialias=False)}, for enlarging and shrinking alike: each output cell mixes
 * the two nearest input cells per axis, with the source coordinate
 * {@code max((o + 0.5) * in / out - 0.5, 0)}. Written as interpolation matrices (with native
 * storage, see {@link Scalars}), so it is differentiable. DJL's
 * {@code NDArrayEx.interpolation(size, 1, false)} is not used: it smooths (antialiases) when it
 * shrinks.
 *
 * <pre>{@code
 * NDArray up = Interpolation.bilinear(maskLogits, height, width); // [.., h, w] -> [.., height, width]
 * NDArray line = Interpolation.linear(x, 64);          // [.., n] -> [.., 64]
 * float[] weights = Interpolation.matrix(4, 2);        // [2, 4] row-major resize weights
 * }</pre>
 */
public final class Interpolation {

    private Interpolation() {}

    /** Resizes the last two axes of {@code x} to {@code height x width}. */
    public static NDArray bilinear(NDArray x, int height, int width) {
        Shape s = x.getShape();
        int inH = (int) s.get(s.dimension() - 2);
        int inW = (int) s.get(s.dimension() - 1);
        if (inH == height && inW == width) {
            return x;
        }
        NDManager m = x.getManager();
        NDArray rows = Scalars.nativeCopy(m.create(matrix(inH, height), new Shape(height, inH)));
        NDArray cols = Scalars.nativeCopy(m.create(matrix(inW, width), new Shape(width, inW))).transpose();
        return rows.matMul(x).matMul(cols);
    }

    /** Resizes the last axis of {@code x} to {@code size} ({@code mode="linear"}). */
    public static NDArray linear(NDArray x, int size) {
        Shape s = x.getShape();
        int in = (int) s.get(s.dimension() - 1);
        if (in == size) {
            return x;
        }
        return x.matMul(Scalars.nativeCopy(x.getManager().create(matrix(in, size), new Shape(size, in))).transpose());
    }

    /** The {@code [out, in]} weights (row-major) of torch's linear resize, align_corners=False. */
    public static float[] matrix(int in, int out) {
        return matrix(in, out, 0, out);
    }

    /**
     * Rows {@code from .. to - 1} of {@link #matrix(int, int)}: the {@code [to - from, in]} weights
     * of those outputs, equal to the full matrix's rows (for resizing a band of rows at a time).
     */
    public static float[] matrix(int in, int out, int from, int to) {
        if (from < 0 || to > out || from > to) {
            throw new SegEarthException("rows " + from + ".." + to + " are not inside 0.." + out);
        }
        float[] w = new float[(to - from) * in];
        float scale = (float) in / out;
        for (int o = from; o < to; o++) {
            float src = Math.max(scale * (o + 0.5f) - 0.5f, 0f);
            int i0 = Math.min((int) src, in - 1);
            int i1 = Math.min(i0 + 1, in - 1);
            float l1 = src - i0;
            float l0 = 1f - l1;
            w[(o - from) * in + i0] += l0;
            w[(o - from) * in + i1] += l1;
        }
        return w;
    }
}
