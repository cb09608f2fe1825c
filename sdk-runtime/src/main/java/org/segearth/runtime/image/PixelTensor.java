package org.segearth.runtime.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.segearth.api.SegEarthException;

/**
 * A preprocessed image: normalised float32 values in channel-first order ({@code [3, height,
 * width]}) and the part of it that holds the image (the rest is padding).
 *
 * @param chw the values, {@code 3 * height * width}, channel-first
 * @param height rows of the tensor
 * @param width columns of the tensor
 * @param validHeight rows that hold the image (from the top)
 * @param validWidth columns that hold the image (from the left)
 */
public record PixelTensor(float[] chw, int height, int width, int validHeight, int validWidth) {

    public PixelTensor {
        if (chw.length != 3 * height * width) {
            throw new SegEarthException("pixel tensor of " + chw.length + " values does not match 3x" + height + "x" + width);
        }
        if (validHeight < 1 || validHeight > height || validWidth < 1 || validWidth > width) {
            throw new SegEarthException("valid region " + validHeight + "x" + validWidth + " must lie inside " + height + "x" + width);
        }
        chw = chw.clone();
    }

    /** A copy of the values. */
    @Override
    public float[] chw() {
        return chw.clone();
    }

    /** The values as a {@code [1, 3, height, width]} float32 array in {@code manager}. */
    public NDArray toNDArray(NDManager manager) {
        return manager.create(chw, new Shape(1, 3, height, width));
    }

    /** {@code [validHeight, validWidth]} as an int64 array in {@code manager}. */
    public NDArray validHw(NDManager manager) {
        return manager.create(new long[] {validHeight, validWidth});
    }
}
