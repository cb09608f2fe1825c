package org.segearth.runtime.render;

import java.awt.image.BufferedImage;
import org.segearth.api.Heatmap;

/**
 * Draws a target's {@code [SEG]} -> image attention over its image: the attention grid is
 * resampled bilinearly (cell centres on the image, edges clamped) to the image size, scaled from
 * its minimum to its maximum, coloured with the perceptual colour map viridis (dark blue for the
 * least attention, yellow for the most) and blended over a grey copy of the image, more opaque
 * where the attention is higher, so the image stays readable where the target is not looked at.
 *
 * <pre>{@code
 * target.attention().ifPresent(h -> ImageIO.write(AttentionHeatmap.render(picture, h), "png", file));
 * }</pre>
 */
public final class AttentionHeatmap {

    /** Opacity of the colour where the attention is lowest and where it is highest. */
    static final float MIN_ALPHA = 0.25f;
    static final float MAX_ALPHA = 0.8f;

    // viridis as a degree-6 polynomial per channel (fit to matplotlib's table, error < 0.01)
    private static final double[][] VIRIDIS = {
        {0.2777273272234177, 0.005407344544966578, 0.3340998053353061},
        {0.1050930431085774, 1.404613529898575, 1.384590162594685},
        {-0.3308618287255563, 0.214847559468213, 0.09509516302823659},
        {-4.634230498983486, -5.799100973351585, -19.33244095627987},
        {6.228269936347081, 14.17993336680509, 56.69055260068105},
        {4.776384997670288, -13.74514537774601, -65.35303263337234},
        {-5.435455855934631, 4.645852612178535, 26.3124352495832},
    };

    private AttentionHeatmap() {}

    /** A new RGB image the size of {@code image}: the heatmap blended over it. */
    public static BufferedImage render(BufferedImage image, Heatmap heatmap) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] v = heatmap.values();
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float x : v) {
            if (Float.isFinite(x)) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
        }
        float range = hi > lo ? hi - lo : 1;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float a = sample(heatmap, (x + 0.5f) * heatmap.width() / w - 0.5f, (y + 0.5f) * heatmap.height() / h - 0.5f);
                float t = Float.isFinite(a) && hi > lo ? (a - lo) / range : 0;
                int rgb = image.getRGB(x, y);
                int grey = Math.round(0.299f * ((rgb >> 16) & 0xFF) + 0.587f * ((rgb >> 8) & 0xFF) + 0.114f * (rgb & 0xFF));
                out.setRGB(x, y, blend(grey, colour(t), MIN_ALPHA + (MAX_ALPHA - MIN_ALPHA) * t));
            }
        }
        return out;
    }

    /** The viridis colour of {@code t} in [0, 1] as 0xRRGGBB. */
    public static int colour(double t) {
        double u = Math.max(0, Math.min(1, t));
        int rgb = 0;
        for (int c = 0; c < 3; c++) {
            double x = VIRIDIS[6][c];
            for (int k = 5; k >= 0; k--) {
                x = VIRIDIS[k][c] + u * x;
            }
            rgb = (rgb << 8) | (int) Math.round(255 * Math.max(0, Math.min(1, x)));
        }
        return rgb;
    }

    /** Bilinear sample of the grid at fractional cell coordinates, edges clamped. */
    private static float sample(Heatmap h, float fx, float fy) {
        float cx = Math.max(0, Math.min(h.width() - 1, fx));
        float cy = Math.max(0, Math.min(h.height() - 1, fy));
        int x0 = (int) Math.floor(cx);
        int y0 = (int) Math.floor(cy);
        int x1 = Math.min(h.width() - 1, x0 + 1);
        int y1 = Math.min(h.height() - 1, y0 + 1);
        float dx = cx - x0;
        float dy = cy - y0;
        float top = h.get(x0, y0) * (1 - dx) + h.get(x1, y0) * dx;
        float bottom = h.get(x0, y1) * (1 - dx) + h.get(x1, y1) * dx;
        return top * (1 - dy) + bottom * dy;
    }

    private static int blend(int grey, int colour, float alpha) {
        int r = Math.round((1 - alpha) * grey + alpha * ((colour >> 16) & 0xFF));
        int g = Math.round((1 - alpha) * grey + alpha * ((colour >> 8) & 0xFF));
        int b = Math.round((1 - alpha) * grey + alpha * (colour & 0xFF));
        return (r << 16) | (g << 8) | b;
    }
}
