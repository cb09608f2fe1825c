package org.segearth.spi.image;

import org.segearth.api.SegEarthException;

/**
 * Pillow's {@code Image.resize((w, h), BILINEAR | BICUBIC)} with its default arguments, bit for bit,
 * on interleaved 8-bit pixels: a separable convolution (horizontal pass, then vertical pass) whose
 * filter support grows with the downscale factor (antialiasing), normalised coefficients in fixed
 * point with 22 fractional bits, and rounding plus clamping to 8 bits after each pass (Pillow's
 * {@code libImaging/Resample.c}).
 *
 * <pre>{@code
 * byte[] small = PillowResample.resize(rgb, 640, 480, 3, 320, 240, PillowResample.Filter.BILINEAR);
 * }</pre>
 */
public final class PillowResample {

    /** Pillow's {@code PRECISION_BITS}: 32 - 8 - 2. */
    public static final int PRECISION_BITS = 32 - 8 - 2;

    /** The filters this class reproduces. */
    public enum Filter {
        /** Triangle filter, support 1 ({@code Image.BILINEAR}). */
        BILINEAR(1.0) {
            @Override
            double weight(double x) {
                double ax = Math.abs(x);
                return ax < 1.0 ? 1.0 - ax : 0.0;
            }
        },
        /** Keys cubic with a = -0.5, support 2 ({@code Image.BICUBIC}). */
        BICUBIC(2.0) {
            @Override
            double weight(double x) {
                final double a = -0.5;
                double ax = Math.abs(x);
                if (ax < 1.0) {
                    return ((a + 2.0) * ax - (a + 3.0)) * ax * ax + 1;
                }
                if (ax < 2.0) {
                    return (((ax - 5) * ax + 8) * ax - 4) * a;
                }
                return 0.0;
            }
        };

        private final double support;

        Filter(double support) {
            this.support = support;
        }

        abstract double weight(double x);
    }

    /**
     * Coefficients of one pass: for every output index, the first input index ({@code min}), how
     * many inputs it mixes ({@code count}) and their fixed-point weights ({@code ksize} per output).
     */
    public record Coefficients(int ksize, int[] min, int[] count, int[] weights) {}

    private PillowResample() {}

    /**
     * Resizes interleaved 8-bit pixels ({@code height * width * channels}, row-major); returns
     * {@code src} itself when the size does not change.
     */
    public static byte[] resize(byte[] src, int width, int height, int channels, int outWidth, int outHeight,
            Filter filter) {
        if (outWidth < 1 || outHeight < 1) {
            throw new SegEarthException("resize target " + outWidth + "x" + outHeight
                    + " is empty; width and height must be >= 1");
        }
        if (src.length != width * height * channels) {
            throw new SegEarthException("pixel buffer has " + src.length + " values; expected " + width + " x "
                    + height + " x " + channels);
        }
        boolean horizontal = outWidth != width;
        boolean vertical = outHeight != height;
        if (!horizontal && !vertical) {
            return src;
        }
        Coefficients vert = coefficients(height, outHeight, filter);
        byte[] out = src;
        int srcWidth = width;
        int rowOffset = 0;
        if (horizontal) {
            // only the rows the vertical pass reads
            int firstRow = vert.min()[0];
            int lastRow = vert.min()[outHeight - 1] + vert.count()[outHeight - 1];
            Coefficients horiz = coefficients(width, outWidth, filter);
            out = horizontalPass(out, srcWidth, channels, firstRow, lastRow - firstRow, outWidth, horiz);
            srcWidth = outWidth;
            rowOffset = firstRow;
        }
        if (vertical) {
            out = verticalPass(out, srcWidth * channels, rowOffset, outHeight, vert);
        }
        return out;
    }

    /** Pillow's {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc}, box = whole input. */
    public static Coefficients coefficients(int inSize, int outSize, Filter filter) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filter.support * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] mins = new int[outSize];
        int[] counts = new int[outSize];
        int[] weights = new int[outSize * ksize];
        double[] k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            double ww = 0.0;
            for (int x = 0; x < xmax; x++) {
                k[x] = filter.weight((x + xmin - center + 0.5) * ss);
                ww += k[x];
            }
            for (int x = 0; x < xmax; x++) {
                double w = ww != 0.0 ? k[x] / ww : k[x];
                weights[xx * ksize + x] = w < 0
                        ? (int) (-0.5 + w * (1 << PRECISION_BITS))
                        : (int) (0.5 + w * (1 << PRECISION_BITS));
            }
            mins[xx] = xmin;
            counts[xx] = Math.max(xmax, 0);
        }
        return new Coefficients(ksize, mins, counts, weights);
    }

    private static int clip8(int v) {
        int shifted = v >> PRECISION_BITS;
        return shifted < 0 ? 0 : Math.min(shifted, 255);
    }

    private static byte[] horizontalPass(byte[] src, int srcWidth, int channels, int firstRow, int rows,
            int outWidth, Coefficients c) {
        byte[] out = new byte[rows * outWidth * channels];
        int half = 1 << (PRECISION_BITS - 1);
        int[] s = new int[channels];
        for (int yy = 0; yy < rows; yy++) {
            int rowBase = (yy + firstRow) * srcWidth * channels;
            for (int xx = 0; xx < outWidth; xx++) {
                int xmin = c.min()[xx];
                int kBase = xx * c.ksize();
                java.util.Arrays.fill(s, half);
                for (int x = 0; x < c.count()[xx]; x++) {
                    int w = c.weights()[kBase + x];
                    int p = rowBase + (x + xmin) * channels;
                    for (int ch = 0; ch < channels; ch++) {
                        s[ch] += (src[p + ch] & 0xFF) * w;
                    }
                }
                int o = (yy * outWidth + xx) * channels;
                for (int ch = 0; ch < channels; ch++) {
                    out[o + ch] = (byte) clip8(s[ch]);
                }
            }
        }
        return out;
    }

    private static byte[] verticalPass(byte[] src, int stride, int rowOffset, int outHeight, Coefficients c) {
        byte[] out = new byte[outHeight * stride];
        int half = 1 << (PRECISION_BITS - 1);
        for (int yy = 0; yy < outHeight; yy++) {
            int ymin = c.min()[yy] - rowOffset;
            int kBase = yy * c.ksize();
            int count = c.count()[yy];
            for (int i = 0; i < stride; i++) {
                int s = half;
                for (int y = 0; y < count; y++) {
                    s += (src[(y + ymin) * stride + i] & 0xFF) * c.weights()[kBase + y];
                }
                out[yy * stride + i] = (byte) clip8(s);
            }
        }
        return out;
    }
}
