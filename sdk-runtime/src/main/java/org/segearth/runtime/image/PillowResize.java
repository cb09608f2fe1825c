package org.segearth.runtime.image;

import org.segearth.spi.image.PillowResample;

/**
 * Pillow's {@code Image.resize((w, h), BILINEAR | BICUBIC)} on an {@link RgbImage}, bit for bit; the
 * resampling itself is {@link PillowResample} (shared with the providers).
 */
public final class PillowResize {

    private PillowResize() {}

    /** {@code image} resized to {@code width x height} with {@code filter}, as Pillow does it. */
    public static RgbImage resize(RgbImage image, int width, int height, PillowResample.Filter filter) {
        byte[] src = image.bytes();
        byte[] out = PillowResample.resize(src, image.width(), image.height(), 3, width, height, filter);
        return out == src ? image : RgbImage.wrap(width, height, out);
    }
}
