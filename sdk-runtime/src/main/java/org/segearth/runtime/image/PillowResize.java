package org.segearth.runtime.image;

/**
 * Resampling that reproduces Pillow's {@code Image.resize((w, h), BILINEAR | BICUBIC)} with its
 * default arguments bit for bit: a separable convolution (horizontal pass, then vertical pass)
 * whose filter support grows with the downscale factor (antialiasing), normalised coefficients in
 * fixed point with 22 fractional bits, and rounding plus clamping to 8 bits after each pass
 * (Pillow's {@code libImaging/Resample.c}).
 */
public final class PillowResize {

    /** Pillow's {@code PRECISION_BITS}: 32 - 8 - 2. */
    static final int PRECISION_BITS = 32 - 8 - 2;

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

    /** Coefficients of one pass: for every output index, the first input index and the weights. */
    record Coefficients(int ksize, int[] min, int[] count, int[] weights) {}

    private PillowResize() {}

    /** {@code image} resized to {@code width x height} with {@code filter}, as Pillow does it. */
    public static RgbImage resize(RgbImage image, int width, int height, Filter filter) {
        if (width < 1 || height < 1) {
            throw new org.segearth.api.SegEarthException("resize target " + width + "x" + height
                    + " is empty; width and height must be >= 1");
        }
        boolean horizontal = width != image.width();
        boolean vertical = height != image.height();
        if (!horizontal && !vertical) {
            return image;
        }
        Coefficients vert = coefficients(image.height(), height, filter);
        int firstRow = vert.min()[0];
        int lastRow = vert.min()[height - 1] + vert.count()[height - 1];
        byte[] src = image.bytes();
        int srcWidth = image.width();
        int rows = image.height();
        int rowOffset = 0;
        if (horizontal) {
            Coefficients horiz = coefficients(image.width(), width, filter);
            src = horizontalPass(src, srcWidth, firstRow, lastRow - firstRow, width, horiz);
            srcWidth = width;
            rows = lastRow - firstRow;
            rowOffset = firstRow;
        }
        if (vertical) {
            src = verticalPass(src, srcWidth, rowOffset, height, vert);
            rows = height;
        }
        return RgbImage.wrap(srcWidth, rows, src);
    }

    /** Pillow's {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc}, box = whole input. */
    static Coefficients coefficients(int inSize, int outSize, Filter filter) {
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

    private static byte[] horizontalPass(byte[] src, int srcWidth, int firstRow, int rows, int outWidth, Coefficients c) {
        byte[] out = new byte[rows * outWidth * 3];
        int half = 1 << (PRECISION_BITS - 1);
        for (int yy = 0; yy < rows; yy++) {
            int rowBase = (yy + firstRow) * srcWidth * 3;
            for (int xx = 0; xx < outWidth; xx++) {
                int xmin = c.min()[xx];
                int kBase = xx * c.ksize();
                int s0 = half;
                int s1 = half;
                int s2 = half;
                for (int x = 0; x < c.count()[xx]; x++) {
                    int w = c.weights()[kBase + x];
                    int p = rowBase + (x + xmin) * 3;
                    s0 += (src[p] & 0xFF) * w;
                    s1 += (src[p + 1] & 0xFF) * w;
                    s2 += (src[p + 2] & 0xFF) * w;
                }
                int o = (yy * outWidth + xx) * 3;
                out[o] = (byte) clip8(s0);
                out[o + 1] = (byte) clip8(s1);
                out[o + 2] = (byte) clip8(s2);
            }
        }
        return out;
    }

    private static byte[] verticalPass(byte[] src, int width, int rowOffset, int outHeight, Coefficients c) {
        byte[] out = new byte[outHeight * width * 3];
        int half = 1 << (PRECISION_BITS - 1);
        int stride = width * 3;
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
