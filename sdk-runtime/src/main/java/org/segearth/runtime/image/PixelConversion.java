package org.segearth.runtime.image;

import java.awt.Point;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import org.segearth.api.InvalidInputException;

/**
 * Pixels to interleaved 8-bit RGB the way Pillow's {@code convert("RGB")} does it: gray is
 * replicated, alpha is dropped (not composited), palettes are looked up, 16-bit samples keep their
 * high byte, CMYK becomes {@code (255 - C)(255 - K) / 255} per channel; no colour profile is applied.
 * Also the compact layout (interleaved R, G, B bytes) shared by decoded images and their
 * {@link BufferedImage} views.
 */
final class PixelConversion {

    private static final int[] RGB_OFFSETS = {0, 1, 2};

    private PixelConversion() {}

    /** A {@link BufferedImage} over {@code rgb} (interleaved R, G, B; no copy). */
    static BufferedImage wrap(byte[] rgb, int width, int height) {
        return destination(rgb, width, height, 3, ColorSpace.getInstance(ColorSpace.CS_sRGB));
    }

    /**
     * A {@link BufferedImage} of {@code bands} 8-bit interleaved samples per pixel in colour space
     * {@code cs} over the first {@code width * height * bands} bytes of {@code buffer} (no copy).
     */
    static BufferedImage destination(byte[] buffer, int width, int height, int bands, ColorSpace cs) {
        int[] offsets = java.util.Arrays.copyOf(RGB_OFFSETS, bands);
        DataBufferByte data = new DataBufferByte(buffer, width * height * bands);
        WritableRaster raster = Raster.createInterleavedRaster(data, width, height, width * bands, bands, offsets,
                new Point(0, 0));
        ComponentColorModel cm = new ComponentColorModel(cs, false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        return new BufferedImage(cm, raster, false, null);
    }

    /** The bytes of {@code image} when it is in the compact RGB layout, else null. */
    static byte[] compactBytes(BufferedImage image) {
        WritableRaster raster = image.getRaster();
        SampleModel sm = raster.getSampleModel();
        int w = image.getWidth();
        int h = image.getHeight();
        if (!(image.getColorModel() instanceof ComponentColorModel cm) || !cm.getColorSpace().isCS_sRGB()
                || cm.hasAlpha() || !(sm instanceof PixelInterleavedSampleModel ps)
                || !(raster.getDataBuffer() instanceof DataBufferByte data) || data.getNumBanks() != 1
                || raster.getParent() != null || raster.getSampleModelTranslateX() != 0
                || raster.getSampleModelTranslateY() != 0 || ps.getPixelStride() != 3
                || ps.getScanlineStride() != w * 3 || !java.util.Arrays.equals(ps.getBandOffsets(), RGB_OFFSETS)
                || data.getOffset() != 0 || data.getData().length != w * h * 3) {
            return null;
        }
        return data.getData();
    }

    /** Replicates the gray bytes {@code buffer[0 .. pixels)} into R, G and B, in place, back to front. */
    static void expandGray(byte[] buffer, int pixels) {
        for (int i = pixels - 1; i >= 0; i--) {
            byte v = buffer[i];
            int o = i * 3;
            buffer[o] = v;
            buffer[o + 1] = v;
            buffer[o + 2] = v;
        }
    }

    /** Pillow's {@code cmyk2rgb}: {@code nk - nk * c / 255} with {@code nk = 255 - k}, rounded as Pillow does. */
    static int cmykToRgb(int c, int k) {
        int nk = 255 - k;
        int t = c * nk + 128;
        int v = nk - (((t >> 8) + t) >> 8);
        return Math.max(0, Math.min(255, v));
    }

    /** {@code image} as interleaved RGB bytes into {@code rgb} ({@code width * height * 3}); see the class comment. */
    static void toRgb(BufferedImage image, byte[] rgb, String source) {
        byte[] compact = compactBytes(image);
        if (compact != null) {
            System.arraycopy(compact, 0, rgb, 0, compact.length);
            return;
        }
        ColorModel cm = image.getColorModel();
        if (cm instanceof IndexColorModel || cm instanceof DirectColorModel) {
            fromColourModel(image, rgb);
        } else {
            fromSamples(image, rgb, source);
        }
    }

    private static void fromColourModel(BufferedImage image, byte[] rgb) {
        int w = image.getWidth();
        int[] row = new int[w];
        for (int y = 0; y < image.getHeight(); y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                rgb[o] = (byte) (row[x] >> 16);
                rgb[o + 1] = (byte) (row[x] >> 8);
                rgb[o + 2] = (byte) row[x];
            }
        }
    }

    private enum Kind { GRAY, RGB, CMYK }

    private static void fromSamples(BufferedImage image, byte[] rgb, String source) {
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        int bits = raster.getSampleModel().getSampleSize(0);
        for (int b = 1; b < bands; b++) {
            if (raster.getSampleModel().getSampleSize(b) != bits) {
                throw new InvalidInputException(source + " mixes sample sizes across its bands; expected 8 or 16 bits"
                        + " in every band");
            }
        }
        if (bits != 8 && bits != 16) {
            throw new InvalidInputException(source + " has " + bits + "-bit samples; expected 8-bit (or 16-bit RGB)"
                    + " gray, RGB, RGBA, palette or CMYK pixels (convert it to 8 bits first)");
        }
        Kind kind = kind(image.getColorModel(), bands, bits, source);
        int shift = bits - 8;
        int w = image.getWidth();
        int[] row = new int[w * bands];
        for (int y = 0; y < image.getHeight(); y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int p = x * bands;
                int o = (y * w + x) * 3;
                switch (kind) {
                    case GRAY -> {
                        byte v = (byte) (row[p] >> shift);
                        rgb[o] = v;
                        rgb[o + 1] = v;
                        rgb[o + 2] = v;
                    }
                    case RGB -> {
                        rgb[o] = (byte) (row[p] >> shift);
                        rgb[o + 1] = (byte) (row[p + 1] >> shift);
                        rgb[o + 2] = (byte) (row[p + 2] >> shift);
                    }
                    default -> {
                        int k = row[p + 3] >> shift;
                        rgb[o] = (byte) cmykToRgb(row[p] >> shift, k);
                        rgb[o + 1] = (byte) cmykToRgb(row[p + 1] >> shift, k);
                        rgb[o + 2] = (byte) cmykToRgb(row[p + 2] >> shift, k);
                    }
                }
            }
        }
    }

    private static Kind kind(ColorModel cm, int bands, int bits, String source) {
        ColorSpace cs = cm.getColorSpace();
        int colours = cm.getNumColorComponents();
        if (colours == 4 && cs.getType() == ColorSpace.TYPE_CMYK && bands >= 4) {
            return Kind.CMYK;
        }
        if (colours == 1 && bands <= 2) {
            if (bits == 16 && bands == 1) {
                throw new InvalidInputException(source + " is a 16-bit gray image: Pillow's convert(\"RGB\"), the"
                        + " model's preprocessing, clips every value above 255 to white; scale it to 8 bits first");
            }
            return Kind.GRAY;
        }
        if (colours == 3 && cs.getType() == ColorSpace.TYPE_RGB && bands <= 4) {
            return Kind.RGB;
        }
        throw new InvalidInputException(source + " has " + bands + " bands in a " + colourSpaceName(cs.getType())
                + " colour space; expected gray, gray + alpha, RGB, RGBA, palette or CMYK pixels");
    }

    private static String colourSpaceName(int type) {
        return switch (type) {
            case ColorSpace.TYPE_GRAY -> "gray";
            case ColorSpace.TYPE_RGB -> "RGB";
            case ColorSpace.TYPE_CMYK -> "CMYK";
            case ColorSpace.TYPE_YCbCr -> "YCbCr";
            case ColorSpace.TYPE_Lab -> "CIELab";
            default -> "type-" + type;
        };
    }
}
