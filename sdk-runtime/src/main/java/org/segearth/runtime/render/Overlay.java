package org.segearth.runtime.render;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.segearth.api.Box;
import org.segearth.api.Mask;
import org.segearth.api.SegEarthException;
import org.segearth.api.Target;

/**
 * Draws targets over their image: each mask tinted in its own colour with its outline, and a
 * label "index: phrase (score)" at the top of its box.
 *
 * <pre>{@code
 * BufferedImage picture = Overlay.render(ImageIO.read(file), result.targets());
 * ImageIO.write(picture, "png", Path.of("overlay.png").toFile());
 * }</pre>
 */
public final class Overlay {

    /** Distinct colours, cycled per target. */
    private static final Color[] PALETTE = {
        new Color(230, 25, 75), new Color(60, 180, 75), new Color(255, 225, 25), new Color(0, 130, 200),
        new Color(245, 130, 48), new Color(145, 30, 180), new Color(70, 240, 240), new Color(240, 50, 230),
    };

    private static final float FILL_ALPHA = 0.45f;

    private Overlay() {}

    /** The colour of target {@code index}. */
    public static Color colour(int index) {
        return PALETTE[Math.floorMod(index, PALETTE.length)];
    }

    /** A new RGB image: {@code image} with the targets drawn over it. */
    public static BufferedImage render(BufferedImage image, List<Target> targets) {
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
            for (Target t : targets) {
                Mask mask = t.mask();
                if (mask.width() != w || mask.height() != h) {
                    throw new SegEarthException("target " + t.index() + " has a " + mask.width() + "x" + mask.height()
                            + " mask but the image is " + w + "x" + h);
                }
                tint(out, mask, colour(t.index()));
            }
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(11, Math.min(w, h) / 40)));
            List<Rectangle> placed = new ArrayList<>();
            for (Target t : targets) {
                t.box().ifPresent(box -> placed.add(label(g, box, t, w, h, placed)));
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    private static void tint(BufferedImage out, Mask mask, Color c) {
        int w = out.getWidth();
        int h = out.getHeight();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (!mask.get(x, y)) {
                    continue;
                }
                boolean edge = x == 0 || y == 0 || x == w - 1 || y == h - 1
                        || !mask.get(x - 1, y) || !mask.get(x + 1, y) || !mask.get(x, y - 1) || !mask.get(x, y + 1);
                int rgb = out.getRGB(x, y);
                out.setRGB(x, y, edge ? c.getRGB() : blend(rgb, c));
            }
        }
    }

    private static int blend(int rgb, Color c) {
        int r = Math.round((1 - FILL_ALPHA) * ((rgb >> 16) & 0xFF) + FILL_ALPHA * c.getRed());
        int g = Math.round((1 - FILL_ALPHA) * ((rgb >> 8) & 0xFF) + FILL_ALPHA * c.getGreen());
        int b = Math.round((1 - FILL_ALPHA) * (rgb & 0xFF) + FILL_ALPHA * c.getBlue());
        return (r << 16) | (g << 8) | b;
    }

    private static Rectangle label(Graphics2D g, Box box, Target t, int imageWidth, int imageHeight,
            List<Rectangle> placed) {
        String text = t.index() + ": " + (t.phrase().isEmpty() ? "target" : t.phrase())
                + String.format(java.util.Locale.ROOT, " (%.2f)", t.score());
        FontMetrics fm = g.getFontMetrics();
        int tw = fm.stringWidth(text) + 6;
        int th = fm.getHeight();
        int x = Math.max(0, Math.min(box.x(), imageWidth - tw));
        Rectangle r = place(placed, x, Math.max(0, box.y() - th), tw, th, imageHeight);
        int y = r.y;
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.75f));
        g.setColor(Color.BLACK);
        g.fillRect(x, y, tw, th);
        g.setComposite(AlphaComposite.SrcOver);
        g.setColor(colour(t.index()));
        g.setStroke(new BasicStroke(1));
        g.drawString(text, x + 3, y + fm.getAscent());
        return r;
    }

    /**
     * The label rectangle at {@code (x, y)}, moved down one label height at a time while it
     * overlaps a label already drawn (targets whose boxes share a corner) and it still fits.
     */
    static Rectangle place(List<Rectangle> placed, int x, int y, int width, int height, int imageHeight) {
        Rectangle r = new Rectangle(x, y, width, height);
        while (placed.stream().anyMatch(r::intersects) && r.y + 2 * height <= imageHeight) {
            r.y += height;
        }
        return r;
    }
}
