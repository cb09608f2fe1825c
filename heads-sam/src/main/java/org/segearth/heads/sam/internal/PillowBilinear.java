package org.segearth.heads.sam.internal;

/**
 * Pillow's {@code Image.resize(size, Image.BILINEAR)} for 8-bit images (Pillow's
 * {@code Resample.c}): a triangle filter whose support grows with the reduction factor
 * (antialiasing), coefficients in 22-bit fixed point, a horizontal then a vertical pass, each
 * rounded and clipped to 0..255.
 */
public final class PillowBilinear {

    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PillowBilinear() {}

    private record Coeffs(int ksize, int[] bounds, int[] kernel) {}

    /**
     * Resizes interleaved 8-bit pixels.
     *
     * @param src {@code height * width * channels} values 0..255, row-major, interleaved
     * @return {@code outHeight * outWidth * channels} values 0..255
     */
    public static int[] resize(int[] src, int width, int height, int channels, int outWidth, int outHeight) {
        int[] pixels = src;
        int w = width;
        if (outWidth != width) {
            pixels = horizontal(pixels, width, height, channels, outWidth);
            w = outWidth;
        }
        if (outHeight != height) {
            pixels = vertical(pixels, w, height, channels, outHeight);
        }
        return pixels == src ? src.clone() : pixels;
    }

    private static int[] horizontal(int[] src, int width, int height, int channels, int outWidth) {
        Coeffs c = precompute(width, outWidth);
        int[] out = new int[outWidth * height * channels];
        for (int y = 0; y < height; y++) {
            for (int xx = 0; xx < outWidth; xx++) {
                int min = c.bounds[2 * xx];
                int count = c.bounds[2 * xx + 1];
                for (int ch = 0; ch < channels; ch++) {
                    int ss = 1 << (PRECISION_BITS - 1);
                    for (int x = 0; x < count; x++) {
                        ss += src[(y * width + x + min) * channels + ch] * c.kernel[xx * c.ksize + x];
                    }
                    out[(y * outWidth + xx) * channels + ch] = clip8(ss);
                }
            }
        }
        return out;
    }

    private static int[] vertical(int[] src, int width, int height, int channels, int outHeight) {
        Coeffs c = precompute(height, outHeight);
        int[] out = new int[width * outHeight * channels];
        for (int yy = 0; yy < outHeight; yy++) {
            int min = c.bounds[2 * yy];
            int count = c.bounds[2 * yy + 1];
            for (int xx = 0; xx < width; xx++) {
                for (int ch = 0; ch < channels; ch++) {
                    int ss = 1 << (PRECISION_BITS - 1);
                    for (int y = 0; y < count; y++) {
                        ss += src[((y + min) * width + xx) * channels + ch] * c.kernel[yy * c.ksize + y];
                    }
                    out[(yy * width + xx) * channels + ch] = clip8(ss);
                }
            }
        }
        return out;
    }

    private static int clip8(int ss) {
        int v = ss >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    private static double filter(double x) {
        double a = Math.abs(x);
        return a < 1.0 ? 1.0 - a : 0.0;
    }

    private static Coeffs precompute(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale; // bilinear support 1.0
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] bounds = new int[outSize * 2];
        int[] kernel = new int[outSize * ksize];
        double[] k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            double ww = 0;
            for (int x = 0; x < xmax; x++) {
                k[x] = filter((x + xmin - center + 0.5) * ss);
                ww += k[x];
            }
            for (int x = 0; x < xmax; x++) {
                double v = ww != 0 ? k[x] / ww : k[x];
                kernel[xx * ksize + x] = (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
            }
            bounds[2 * xx] = xmin;
            bounds[2 * xx + 1] = xmax;
        }
        return new Coeffs(ksize, bounds, kernel);
    }
}
