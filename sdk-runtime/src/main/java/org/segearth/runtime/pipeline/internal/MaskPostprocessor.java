package org.segearth.runtime.pipeline.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Head logits to the original image: bilinear to the padded letterbox frame, crop the part that
 * holds the image, bilinear to the original size (torch's {@code align_corners=False}); a pixel is
 * in the mask where its logit is above 0.
 *
 * <pre>{@code
 * NDArray full = MaskPostprocessor.toOriginal(maskLogits, 1024, validH, validW, height, width);
 * NDArray masks = full.gt(0);
 * }</pre>
 */
public final class MaskPostprocessor {

    private static final int BILINEAR = 1;

    private MaskPostprocessor() {}

    /**
     * @param logits {@code [targets, h, w]} on the letterbox frame
     * @return {@code [targets, height, width]} logits at the original size
     */
    public static NDArray toOriginal(NDArray logits, int frame, int validHeight, int validWidth, int height, int width) {
        long targets = logits.getShape().get(0);
        if (targets == 0) {
            return logits.getManager().zeros(new Shape(0, height, width), logits.getDataType());
        }
        NDArray x = logits.expandDims(1);
        x = x.getNDArrayInternal().interpolation(new long[] {frame, frame}, BILINEAR, false);
        x = x.get(new NDIndex(":, :, :{}, :{}", validHeight, validWidth));
        x = x.getNDArrayInternal().interpolation(new long[] {height, width}, BILINEAR, false);
        return x.squeeze(1);
    }

    /** Per target, the mean sigmoid of {@code fullLogits} inside {@code masks} (0 for an empty mask). */
    public static float[] scores(NDArray fullLogits, NDArray masks) {
        long targets = fullLogits.getShape().get(0);
        if (targets == 0) {
            return new float[0];
        }
        NDArray inside = masks.toType(fullLogits.getDataType(), false);
        NDArray sigmoid = fullLogits.neg().exp().add(1).pow(-1);
        float[] sums = sigmoid.mul(inside).sum(new int[] {1, 2}).toFloatArray();
        float[] areas = inside.sum(new int[] {1, 2}).toFloatArray();
        float[] out = new float[(int) targets];
        for (int i = 0; i < out.length; i++) {
            out[i] = areas[i] == 0 ? 0 : sums[i] / areas[i];
        }
        return out;
    }
}
