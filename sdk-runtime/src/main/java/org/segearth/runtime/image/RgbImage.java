package org.segearth.runtime.image;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.segearth.api.SegEarthException;

/**
 * An immutable 8-bit RGB image, row-major, interleaved ({@code [height][width][3]}), the form
 * Pillow's {@code convert("RGB")} gives. Alpha is dropped, gray is replicated.
 *
 * <pre>{@code
 * RgbImage image = ImageDecoder.defaults().read(Path.of("scene.png"));
 * RgbImage small = PillowResize.resize(image, 384, 384, PillowResample.Filter.BICUBIC);
 * }</pre>
 */
public final class RgbImage {

    private final int width;
    private final int height;
    private final byte[] rgb;

    private RgbImage(int width, int height, byte[] rgb) {
        this.width = width;
        this.height = height;
        this.rgb = rgb;
    }

    /**
     * Wraps a copy of interleaved RGB bytes.
     *
     * @param width pixels per row, at least 1
     * @param height rows, at least 1
     * @param rgb {@code width * height * 3} bytes, R G B per pixel, rows top to bottom
     */
    public static RgbImage of(int width, int height, byte[] rgb) {
        check(width, height, rgb.length);
        return new RgbImage(width, height, rgb.clone());
    }

    /** Takes ownership of {@code rgb} (no copy); for code in this package that made the array. */
    static RgbImage wrap(int width, int height, byte[] rgb) {
        check(width, height, rgb.length);
        return new RgbImage(width, height, rgb);
    }

    private static void check(int width, int height, long length) {
        if (width < 1 || height < 1) {
            throw new SegEarthException("image size " + width + "x" + height + " is empty; width and height must be >= 1");
        }
        if ((long) width * height * 3 != length) {
            throw new SegEarthException("RGB buffer of " + length + " bytes does not match " + width + "x" + height
                    + " (expected " + (long) width * height * 3 + " = width * height * 3)");
        }
    }

    /** Pixels per row. */
    public int width() {
        return width;
    }

    /** Rows. */
    public int height() {
        return height;
    }

    /** Channel {@code c} (0 R, 1 G, 2 B) of pixel ({@code x}, {@code y}), 0..255. */
    public int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }

    /** A copy of the interleaved bytes. */
    public byte[] toBytes() {
        return rgb.clone();
    }

    /**
     * The interleaved bytes as a read-only buffer, without a copy (for hashing or writing the pixels
     * without the {@code width * height * 3} bytes of {@link #toBytes()}).
     */
    public ByteBuffer buffer() {
        return ByteBuffer.wrap(rgb).asReadOnlyBuffer();
    }

    /**
     * A copy of the image as an 8-bit RGB {@link BufferedImage} (3 bytes per pixel, interleaved R, G,
     * B), which {@link ImageDecoder#fromBufferedImage} reads back with one array copy.
     */
    public BufferedImage toBufferedImage() {
        return PixelConversion.wrap(rgb.clone(), width, height);
    }

    /** The bytes without a copy; callers in this package must not modify them. */
    byte[] bytes() {
        return rgb;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RgbImage other && other.width == width && other.height == height
                && Arrays.equals(other.rgb, rgb);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(rgb);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
