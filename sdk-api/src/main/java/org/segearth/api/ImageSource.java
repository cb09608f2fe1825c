package org.segearth.api;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An image to segment: a file (PNG, JPEG, TIFF), a {@link BufferedImage} or raw interleaved RGB
 * bytes. Colours are read as Pillow's {@code convert("RGB")} reads them, as SegEarth-R2 was trained:
 * alpha is dropped (not composited), palettes are looked up, 16-bit samples keep their high byte,
 * CMYK is converted; EXIF orientation is not applied. Truncated files and images above the pixel
 * limit are refused with an {@link InvalidInputException}.
 *
 * <pre>{@code
 * ImageSource a = ImageSource.of(Path.of("harbour.png"));
 * ImageSource b = ImageSource.of(bufferedImage);
 * ImageSource c = ImageSource.ofRgb(rgbBytes, width, height);
 * }</pre>
 */
public sealed interface ImageSource permits ImageSource.File, ImageSource.Buffered, ImageSource.Rgb {

    /** An image file. */
    static ImageSource of(Path file) {
        return new File(file);
    }

    /** An image in memory. */
    static ImageSource of(BufferedImage image) {
        return new Buffered(image);
    }

    /** Interleaved 8-bit RGB, row-major, {@code width * height * 3} bytes (copied). */
    static ImageSource ofRgb(byte[] rgb, int width, int height) {
        return new Rgb(rgb, width, height);
    }

    /**
     * An image file.
     *
     * @param path the file
     */
    record File(Path path) implements ImageSource {
        public File {
            Objects.requireNonNull(path, "path");
        }
    }

    /**
     * An image in memory. The segmenter reads it during the call and keeps nothing of it; an 8-bit
     * RGB image in the layout the SDK's decoder gives (interleaved R, G, B bytes) is read in place,
     * without a copy, so it must not change while a call runs.
     *
     * @param image the image
     */
    record Buffered(BufferedImage image) implements ImageSource {
        public Buffered {
            Objects.requireNonNull(image, "image");
        }
    }

    /**
     * Raw interleaved RGB.
     *
     * @param rgb {@code width * height * 3} bytes, row-major
     * @param width pixels per row
     * @param height rows
     */
    record Rgb(byte[] rgb, int width, int height) implements ImageSource {
        public Rgb {
            Objects.requireNonNull(rgb, "rgb");
            if (width <= 0 || height <= 0 || (long) width * height * 3 != rgb.length) {
                throw new InvalidInputException("raw RGB image of " + width + "x" + height + " needs "
                        + (long) Math.max(width, 0) * Math.max(height, 0) * 3 + " bytes, got " + rgb.length);
            }
            rgb = rgb.clone();
        }

        @Override
        public byte[] rgb() {
            return rgb.clone();
        }
    }
}
