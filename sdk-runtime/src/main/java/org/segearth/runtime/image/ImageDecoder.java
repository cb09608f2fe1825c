package org.segearth.runtime.image;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.segearth.api.SegEarthException;

/**
 * Decodes PNG, JPEG and TIFF (the JDK's own ImageIO readers; TIFF is built into the JDK since 9:
 * uncompressed, PackBits, LZW, Deflate and JPEG-compressed baseline TIFF) with 8-bit gray, gray +
 * alpha, RGB, RGBA or palette pixels into an {@link RgbImage}, the way Pillow's
 * {@code Image.open(f).convert("RGB")} does: alpha is dropped, gray is replicated, no EXIF
 * orientation is applied and no colour profile is used.
 *
 * <p>The image size is read from the header and checked against a pixel limit before any pixel
 * is decoded (decompression bombs); truncated or corrupt files fail with a
 * {@link SegEarthException}, including files the JDK would decode partially with a warning.
 *
 * <pre>{@code
 * RgbImage image = ImageDecoder.defaults().read(Path.of("scene.tif"));
 * RgbImage big = ImageDecoder.withMaxPixels(40_000L * 40_000L).read(Path.of("huge.png"));
 * }</pre>
 */
public final class ImageDecoder {

    /** The default pixel limit: 20000 x 20000. */
    public static final long DEFAULT_MAX_PIXELS = 20_000L * 20_000L;

    /** The largest Java array of RGB bytes. */
    private static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8L;

    private static final ImageDecoder DEFAULTS = new ImageDecoder(DEFAULT_MAX_PIXELS);

    private final long maxPixels;

    private ImageDecoder(long maxPixels) {
        if (maxPixels < 1) {
            throw new SegEarthException("pixel limit " + maxPixels + " must be >= 1");
        }
        this.maxPixels = maxPixels;
    }

    /** A decoder with the default limit of 20000 x 20000 pixels. */
    public static ImageDecoder defaults() {
        return DEFAULTS;
    }

    /** A decoder that refuses images with more than {@code maxPixels} pixels. */
    public static ImageDecoder withMaxPixels(long maxPixels) {
        return new ImageDecoder(maxPixels);
    }

    /** The pixel limit. */
    public long maxPixels() {
        return maxPixels;
    }

    /** Decodes the image file {@code file}. */
    public RgbImage read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new SegEarthException("image file " + file + " does not exist or is not a file");
        }
        try (ImageInputStream iis = new FileImageInputStream(file.toFile())) {
            return read(iis, file.toString());
        } catch (IOException e) {
            throw new SegEarthException("cannot read image file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Decodes an encoded image held in memory. */
    public RgbImage read(byte[] encoded) {
        return read(new ByteArrayInputStream(encoded), "image bytes");
    }

    /** Decodes an encoded image from {@code in} (not closed); {@code source} names it in errors. */
    public RgbImage read(InputStream in, String source) {
        try (ImageInputStream iis = new MemoryCacheImageInputStream(in)) {
            return read(iis, source);
        } catch (IOException e) {
            throw new SegEarthException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    private RgbImage read(ImageInputStream iis, String source) {
        try {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                throw new SegEarthException(source + " is not a PNG, JPEG, TIFF or other format this JVM can decode"
                        + " (corrupt or unsupported file)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                return decode(reader, source);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof SegEarthException se) {
                throw se;
            }
            throw new SegEarthException("cannot decode " + source + ": " + e
                    + "; the file is corrupt, truncated or in an unsupported variant", e);
        }
    }

    private RgbImage decode(ImageReader reader, String source) throws IOException {
        String format = reader.getFormatName();
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        checkSize(width, height, source + " (" + format + ")");
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener(new IIOReadWarningListener() {
            @Override
            public void warningOccurred(ImageReader r, String warning) {
                warnings.add(warning);
            }
        });
        BufferedImage image = reader.read(0);
        if (!warnings.isEmpty()) {
            throw new SegEarthException("cannot decode " + source + " (" + format + "): " + warnings
                    + "; the file is corrupt or truncated");
        }
        return fromBufferedImage(image);
    }

    /** Checks {@code width x height} against the pixel limit. */
    void checkSize(long width, long height, String source) {
        if (width < 1 || height < 1) {
            throw new SegEarthException(source + " has an empty size " + width + "x" + height);
        }
        if (width * height > maxPixels) {
            throw new SegEarthException(source + " is " + width + "x" + height + " = " + width * height
                    + " pixels, more than the limit of " + maxPixels + " (possible decompression bomb);"
                    + " raise the limit with ImageDecoder.withMaxPixels(..) if the image is trusted");
        }
        if (width * height * 3 > MAX_ARRAY_BYTES) {
            throw new SegEarthException(source + " is " + width + "x" + height + ": too large for one in-memory RGB"
                    + " image (at most " + MAX_ARRAY_BYTES / 3 + " pixels); read it in windows (tiles) instead");
        }
    }

    /**
     * Converts a {@link BufferedImage} to RGB: 8-bit gray, gray + alpha, RGB and RGBA rasters are
     * read sample by sample (no colour conversion, like Pillow), palette and packed-int images
     * through their colour model. Other bit depths are refused.
     */
    public static RgbImage fromBufferedImage(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        DEFAULTS.checkSize(w, h, "BufferedImage");
        ColorModel cm = image.getColorModel();
        byte[] rgb = new byte[w * h * 3];
        if (cm instanceof IndexColorModel || cm instanceof DirectColorModel) {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int o = (y * w + x) * 3;
                    rgb[o] = (byte) (row[x] >> 16);
                    rgb[o + 1] = (byte) (row[x] >> 8);
                    rgb[o + 2] = (byte) row[x];
                }
            }
            return RgbImage.wrap(w, h, rgb);
        }
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        for (int b = 0; b < bands; b++) {
            if (raster.getSampleModel().getSampleSize(b) != 8) {
                throw new SegEarthException("image with " + raster.getSampleModel().getSampleSize(b)
                        + "-bit samples is not supported; expected 8-bit gray, RGB or RGBA (convert it to 8 bits first)");
            }
        }
        int[] channelBand = switch (bands) {
            case 1, 2 -> new int[] {0, 0, 0};
            case 3, 4 -> new int[] {0, 1, 2};
            default -> throw new SegEarthException("image with " + bands
                    + " bands is not supported; expected gray, gray + alpha, RGB or RGBA");
        };
        int[] samples = new int[w];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, channelBand[c], samples);
                for (int x = 0; x < w; x++) {
                    rgb[(y * w + x) * 3 + c] = (byte) samples[x];
                }
            }
        }
        return RgbImage.wrap(w, h, rgb);
    }

    /**
     * Wraps interleaved RGB bytes (a copy is taken), checked against this decoder's pixel limit.
     */
    public RgbImage fromRgb(int width, int height, byte[] rgb) {
        checkSize(width, height, "RGB buffer");
        return RgbImage.of(width, height, rgb);
    }
}
