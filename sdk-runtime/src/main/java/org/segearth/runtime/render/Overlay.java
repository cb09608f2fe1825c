package org.segearth.runtime.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.segearth.api.Mask;
import org.segearth.api.SegEarthException;
import org.segearth.api.Target;
import org.segearth.spi.image.RowImage;

/**
 * Draws targets over their image: each mask tinted in its own colour with its outline, and below
 * the image a legend strip, one entry "index: phrase (score)" per target beside a swatch of its
 * colour, in as many columns as the width allows. The legend never covers the image: the picture
 * is the image's width and its height plus the strip's ({@link #legendHeight}); its top
 * {@code width x height} pixels are the image with the masks drawn in.
 *
 * <pre>{@code
 * BufferedImage picture = Overlay.render(ImageIO.read(file), result.targets());
 * ImageIO.write(picture, "png", Path.of("overlay.png").toFile());
 * Overlay.writePng(ImageIO.read(file), result.targets(), Path.of("overlay.png")); // the same, a row at a time
 * }</pre>
 */
public final class Overlay {

    /** Distinct colours, cycled per target. */
    private static final Color[] PALETTE = {
        new Color(230, 25, 75), new Color(60, 180, 75), new Color(255, 225, 25), new Color(0, 130, 200),
        new Color(245, 130, 48), new Color(145, 30, 180), new Color(70, 240, 240), new Color(240, 50, 230),
    };

    private static final float FILL_ALPHA = 0.45f;
    private static final Color LEGEND_BACKGROUND = new Color(24, 24, 24);

    private Overlay() {}

    /** The colour of target {@code index}. */
    public static Color colour(int index) {
        return PALETTE[Math.floorMod(index, PALETTE.length)];
    }

    /**
     * A new RGB image: {@code image} with the targets drawn over it, and the legend below it
     * (the picture is {@link #legendHeight} rows taller than the image).
     */
    public static BufferedImage render(BufferedImage image, List<Target> targets) {
        int w = image.getWidth();
        int h = image.getHeight();
        checkSizes(targets, w, h);
        Legend legend = Legend.of(targets, w);
        BufferedImage out = new BufferedImage(w, h + legend.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
            for (Target t : targets) {
                tint(out, t.mask(), colour(t.index()));
            }
            legend.draw(g, h, w);
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * Writes {@link #render}'s picture as a PNG to {@code file}, pixel for pixel the same for an
     * 8-bit RGB {@code image} (such as the SDK decoder's pictures), without making it: each row is
     * drawn when the PNG writer asks for it (the image's row, the targets tinted in, or the
     * legend's), so a large image costs a row and the legend strip rather than a full-size copy of
     * 4 bytes per pixel.
     */
    public static void writePng(BufferedImage image, List<Target> targets, Path file) {
        int w = image.getWidth();
        int h = image.getHeight();
        checkSizes(targets, w, h);
        Legend legend = Legend.of(targets, w);
        BufferedImage strip = new BufferedImage(w, legend.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = strip.createGraphics();
        try {
            legend.draw(g, 0, w);
        } finally {
            g.dispose();
        }
        RowImage picture = RowImage.rgb(w, h + legend.height(), (y, row) -> {
            if (y >= h) {
                strip.getRGB(0, y - h, w, 1, row, 0, w);
                return;
            }
            image.getRGB(0, y, w, 1, row, 0, w);
            for (Target t : targets) {
                tintRow(row, t.mask(), y, colour(t.index()));
            }
        });
        try {
            if (!ImageIO.write(picture, "png", file.toFile())) {
                throw new SegEarthException("no PNG writer available to write " + file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write overlay PNG " + file + ": " + e.getMessage(), e);
        }
    }

    private static void checkSizes(List<Target> targets, int w, int h) {
        for (Target t : targets) {
            Mask mask = t.mask();
            if (mask.width() != w || mask.height() != h) {
                throw new SegEarthException("target " + t.index() + " has a " + mask.width() + "x" + mask.height()
                        + " mask but the image is " + w + "x" + h);
            }
        }
    }

    /** {@link #tint} on row {@code y} alone, held in {@code row}. */
    private static void tintRow(int[] row, Mask mask, int y, Color c) {
        int w = mask.width();
        int h = mask.height();
        for (int x = 0; x < w; x++) {
            if (!mask.get(x, y)) {
                continue;
            }
            boolean edge = x == 0 || y == 0 || x == w - 1 || y == h - 1
                    || !mask.get(x - 1, y) || !mask.get(x + 1, y) || !mask.get(x, y - 1) || !mask.get(x, y + 1);
            row[x] = edge ? c.getRGB() : blend(row[x], c);
        }
    }

    /** Rows of legend below an image {@code width} pixels wide with these targets. */
    public static int legendHeight(List<Target> targets, int width) {
        return Legend.of(targets, width).height();
    }

    private static void tint(BufferedImage out, Mask mask, Color c) {
        int w = mask.width();
        int h = mask.height();
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

    /**
     * The legend's layout: a font scaled to the image width (11 to 24 px), entries cut with an
     * ellipsis to the width, as many columns as fit.
     */
    private record Legend(List<String> texts, List<Color> colours, Font font, int line, int columnWidth, int columns,
            int pad) {

        static Legend of(List<Target> targets, int width) {
            Font font = new Font(Font.SANS_SERIF, Font.BOLD, Math.max(11, Math.min(24, width / 48)));
            BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = scratch.createGraphics();
            try {
                g.setFont(font);
                FontMetrics fm = g.getFontMetrics();
                int pad = Math.max(3, fm.getHeight() / 4);
                int swatch = fm.getAscent();
                List<String> texts = new ArrayList<>();
                List<Color> colours = new ArrayList<>();
                for (Target t : targets) {
                    texts.add(t.index() + ": " + (t.phrase().isEmpty() ? "target" : t.phrase())
                            + String.format(Locale.ROOT, " (%.2f)", t.score()));
                    colours.add(colour(t.index()));
                }
                if (targets.isEmpty()) {
                    texts.add("no target");
                    colours.add(null);
                }
                int room = Math.max(1, width - 2 * pad - swatch - pad);
                int widest = 0;
                for (int i = 0; i < texts.size(); i++) {
                    texts.set(i, fit(texts.get(i), fm, room));
                    widest = Math.max(widest, fm.stringWidth(texts.get(i)));
                }
                int columnWidth = swatch + pad + widest + 2 * pad;
                int columns = Math.max(1, Math.min(texts.size(), (width - pad) / Math.max(1, columnWidth)));
                return new Legend(texts, colours, font, fm.getHeight(), columnWidth, columns, pad);
            } finally {
                g.dispose();
            }
        }

        int rows() {
            return (texts.size() + columns - 1) / columns;
        }

        int height() {
            return rows() * line + 2 * pad;
        }

        void draw(Graphics2D g, int top, int width) {
            g.setColor(LEGEND_BACKGROUND);
            g.fillRect(0, top, width, height());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(font);
            FontMetrics fm = g.getFontMetrics();
            int swatch = fm.getAscent();
            for (int i = 0; i < texts.size(); i++) {
                int x = pad + (i % columns) * columnWidth;
                int y = top + pad + (i / columns) * line;
                if (colours.get(i) != null) {
                    g.setColor(colours.get(i));
                    g.fillRect(x, y + (line - swatch) / 2, swatch, swatch);
                }
                g.setColor(Color.WHITE);
                g.drawString(texts.get(i), x + swatch + pad, y + fm.getAscent());
            }
        }

        /** {@code text}, cut with an ellipsis to at most {@code room} pixels. */
        private static String fit(String text, FontMetrics fm, int room) {
            if (fm.stringWidth(text) <= room) {
                return text;
            }
            String cut = text;
            while (!cut.isEmpty() && fm.stringWidth(cut + "\u2026") > room) {
                cut = cut.substring(0, cut.length() - 1);
            }
            return cut + "\u2026";
        }
    }
}
