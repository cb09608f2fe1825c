package org.segearth.runtime.image;

import org.segearth.api.SegEarthException;
import org.segearth.spi.image.PillowResample;

/**
 * The mask branch's preprocessing (SegEarth-R2): the longest side is scaled to {@code size} with
 * Pillow's bilinear filter (new side {@code int(side * scale + 0.5)}), the result is placed at the
 * top-left of a {@code size x size} canvas filled with 128, and the whole canvas, padding
 * included, is normalised with ImageNet's mean and std on the 0..255 scale.
 *
 * <pre>{@code
 * PixelTensor t = Letterbox.apply(image, 1024);
 * int h = t.validHeight(), w = t.validWidth(); // the image inside the padded frame
 * }</pre>
 */
public final class Letterbox {

    /** ImageNet mean, 0..255 scale. */
    public static final double[] MEAN = {123.675, 116.28, 103.53};
    /** ImageNet std, 0..255 scale. */
    public static final double[] STD = {58.395, 57.12, 57.375};
    /** The canvas fill value. */
    public static final int PAD_VALUE = 128;

    private Letterbox() {}

    /** The size of {@code image} once its longest side is scaled to {@code size}: {height, width}. */
    public static int[] scaledSize(int height, int width, int size) {
        double scale = (double) size / Math.max(height, width);
        int h = Math.max(1, (int) (height * scale + 0.5));
        int w = Math.max(1, (int) (width * scale + 0.5));
        return new int[] {Math.min(h, size), Math.min(w, size)};
    }

    /** {@code image} letterboxed into {@code size x size}. */
    public static PixelTensor apply(RgbImage image, int size) {
        if (size < 1) {
            throw new SegEarthException("letterbox size " + size + " must be >= 1");
        }
        int[] hw = scaledSize(image.height(), image.width(), size);
        RgbImage resized = PillowResize.resize(image, hw[1], hw[0], PillowResample.Filter.BILINEAR);
        byte[] rgb = resized.bytes();
        int plane = size * size;
        float[] chw = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            float pad = (float) ((PAD_VALUE - MEAN[c]) / STD[c]);
            java.util.Arrays.fill(chw, c * plane, (c + 1) * plane, pad);
            for (int y = 0; y < hw[0]; y++) {
                for (int x = 0; x < hw[1]; x++) {
                    int v = rgb[(y * hw[1] + x) * 3 + c] & 0xFF;
                    chw[c * plane + y * size + x] = (float) ((v - MEAN[c]) / STD[c]);
                }
            }
        }
        return new PixelTensor(chw, size, size, hw[0], hw[1]);
    }
}
