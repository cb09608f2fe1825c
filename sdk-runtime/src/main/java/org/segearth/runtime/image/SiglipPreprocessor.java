package org.segearth.runtime.image;

import org.segearth.api.SegEarthException;
import org.segearth.spi.image.PillowResample;

/**
 * The global branch's preprocessing (SigLIP's image processor as Mipha uses it): squash-resize to
 * {@code size x size} with Pillow's bicubic filter, scale to [0, 1], normalise with mean and std
 * 0.5 per channel, channel-first.
 *
 * <pre>{@code
 * PixelTensor t = SiglipPreprocessor.preprocess(image, 384);
 * NDArray pixelValues = t.toNDArray(manager); // [1, 3, 384, 384]
 * }</pre>
 */
public final class SiglipPreprocessor {

    private SiglipPreprocessor() {}

    /** {@code image} as SigLIP's {@code pixel_values} at {@code size x size}. */
    public static PixelTensor preprocess(RgbImage image, int size) {
        if (size < 1) {
            throw new SegEarthException("SigLIP input size " + size + " must be >= 1");
        }
        RgbImage resized = PillowResize.resize(image, size, size, PillowResample.Filter.BICUBIC);
        byte[] rgb = resized.bytes();
        int plane = size * size;
        float[] chw = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                double scaled = (rgb[i * 3 + c] & 0xFF) / 255.0;
                chw[c * plane + i] = (float) ((scaled - 0.5) / 0.5);
            }
        }
        return new PixelTensor(chw, size, size, size, size);
    }
}
