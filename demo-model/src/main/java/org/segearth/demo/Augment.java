package org.segearth.demo;

import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * The image changes of the generalising recipe's training views, matching how other aerial imagery
 * differs from the Dubai tiles: another sensor's colour balance, exposure and contrast (jitter),
 * another sharpness (blur) and another ground resolution (down- then up-sampling). Geometry
 * (scales, rotations, crops across part borders) is {@link DubaiConverter}'s; these change the
 * pixels' values only, so the class map stays as it is.
 *
 * <pre>{@code
 * BufferedImage changed = Augment.jitter(image, new Random(1));
 * }</pre>
 */
public final class Augment {

    /** Probability of a blur. */
    static final double BLUR = 0.3;
    /** Probability of a resolution loss. */
    static final double LOW_RESOLUTION = 0.3;

    private Augment() {
    }

    /** The view with {@link #jitter}, then a blur and a resolution loss each with probability 0.3. */
    static DubaiConverter.View photometric(DubaiConverter.View view, Random random) {
        BufferedImage img = jitter(view.image(), random);
        if (random.nextDouble() < BLUR) {
            img = blur(img, 1 + random.nextInt(2));
        }
        if (random.nextDouble() < LOW_RESOLUTION) {
            img = lowResolution(img, 0.35 + 0.45 * random.nextDouble());
        }
        return new DubaiConverter.View(img, view.classes());
    }

    /**
     * Brightness x [0.8, 1.2], contrast x [0.75, 1.25] about the image's mean, saturation x [0.6, 1.4]
     * and a gain per channel of [0.9, 1.1] (a colour cast); values clamped to 0-255.
     */
    public static BufferedImage jitter(BufferedImage src, Random random) {
        double brightness = 0.8 + 0.4 * random.nextDouble();
        double contrast = 0.75 + 0.5 * random.nextDouble();
        double saturation = 0.6 + 0.8 * random.nextDouble();
        double[] gain = {0.9 + 0.2 * random.nextDouble(), 0.9 + 0.2 * random.nextDouble(),
            0.9 + 0.2 * random.nextDouble()};
        int w = src.getWidth();
        int h = src.getHeight();
        int[] px = src.getRGB(0, 0, w, h, null, 0, w);
        double mean = 0;
        for (int p : px) {
            mean += luma(p);
        }
        mean /= px.length;
        for (int i = 0; i < px.length; i++) {
            int p = px[i];
            double[] c = {(p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF};
            double y = luma(p);
            int out = 0;
            for (int k = 0; k < 3; k++) {
                double v = y + saturation * (c[k] - y);
                v = mean + contrast * (v - mean);
                v = v * brightness * gain[k];
                out = (out << 8) | clamp(v);
            }
            px[i] = out;
        }
        BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        dst.setRGB(0, 0, w, h, px, 0, w);
        return dst;
    }

    /** A box blur of the given radius (edges clamped), applied twice (close to a Gaussian). */
    public static BufferedImage blur(BufferedImage src, int radius) {
        BufferedImage once = boxBlur(src, radius);
        return boxBlur(once, radius);
    }

    /** Down-sampling by {@code factor} (area averaging) and up-sampling back (bilinear): a coarser sensor. */
    public static BufferedImage lowResolution(BufferedImage src, double factor) {
        int w = src.getWidth();
        int h = src.getHeight();
        BufferedImage small = DubaiConverter.scale(src, Math.max(1, (int) Math.round(w * factor)),
                Math.max(1, (int) Math.round(h * factor)));
        BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = dst.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION,
                java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(small, 0, 0, w, h, null);
        g.dispose();
        return dst;
    }

    private static BufferedImage boxBlur(BufferedImage src, int r) {
        int w = src.getWidth();
        int h = src.getHeight();
        int[] px = src.getRGB(0, 0, w, h, null, 0, w);
        int[] out = new int[px.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] sum = new int[3];
                int n = 0;
                for (int dy = -r; dy <= r; dy++) {
                    int yy = Math.max(0, Math.min(h - 1, y + dy));
                    for (int dx = -r; dx <= r; dx++) {
                        int p = px[yy * w + Math.max(0, Math.min(w - 1, x + dx))];
                        sum[0] += (p >> 16) & 0xFF;
                        sum[1] += (p >> 8) & 0xFF;
                        sum[2] += p & 0xFF;
                        n++;
                    }
                }
                out[y * w + x] = (Math.round(sum[0] / (float) n) << 16) | (Math.round(sum[1] / (float) n) << 8)
                        | Math.round(sum[2] / (float) n);
            }
        }
        BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        dst.setRGB(0, 0, w, h, out, 0, w);
        return dst;
    }

    private static double luma(int p) {
        return 0.299 * ((p >> 16) & 0xFF) + 0.587 * ((p >> 8) & 0xFF) + 0.114 * (p & 0xFF);
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
