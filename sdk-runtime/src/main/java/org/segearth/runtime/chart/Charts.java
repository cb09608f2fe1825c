package org.segearth.runtime.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.eval.EvaluationReport;
import org.segearth.runtime.eval.GroupMetrics;
import org.segearth.runtime.train.LossLog;

/**
 * PNG charts of a run, drawn with Java2D: the loss curves of a training run and the per-group
 * metrics of an evaluation. Files are written to a temporary name and renamed into place.
 *
 * <pre>{@code
 * Charts.lossCurves(LossLog.read(out.resolve("loss.csv")), out.resolve("loss.png"));
 * Charts.groupBars(report, out.resolve("groups.png"));
 * }</pre>
 */
public final class Charts {

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};
    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);

    private Charts() {}

    /**
     * The loss curve of {@code rows}: the total and every part over the steps, then the gradient
     * norm and the learning rate, in three panels sharing the step axis.
     */
    public static void lossCurves(List<LossLog.Row> rows, Path png) {
        if (rows.isEmpty()) {
            throw new SegEarthException("no loss values to plot in " + png);
        }
        int width = 960;
        int height = 760;
        BufferedImage image = canvas(width, height);
        Graphics2D g = graphics(image);
        title(g, "training loss (" + rows.size() + " steps logged, last step " + rows.get(rows.size() - 1).step() + ")",
                width);
        double[] steps = column(rows, LossLog.Row::step);
        List<Series> losses = List.of(
                new Series("total", column(rows, LossLog.Row::total)),
                new Series("text CE", column(rows, LossLog.Row::textCe)),
                new Series("mask BCE", column(rows, LossLog.Row::maskBce)),
                new Series("mask Dice", column(rows, LossLog.Row::maskDice)),
                new Series("attention", column(rows, LossLog.Row::attention)));
        lines(g, new Area(84, 40, width - 114, 380), steps, losses, "loss", true);
        lines(g, new Area(84, 470, width - 114, 110), steps,
                List.of(new Series("gradient norm (before clipping)", column(rows, LossLog.Row::gradNorm))), "|g|", false);
        lines(g, new Area(84, 620, width - 114, 100), steps,
                List.of(new Series("learning rate", column(rows, LossLog.Row::learningRate))), "lr", false);
        g.setFont(FONT);
        g.setColor(Color.DARK_GRAY);
        centered(g, "optimizer step", width / 2, height - 8);
        g.dispose();
        write(image, png);
    }

    /**
     * gIoU and cIoU (the report's style) overall and per group, as bars on a 0..1 axis, titled
     * with the dataset, split, protocol and mode.
     */
    public static void groupBars(EvaluationReport report, Path png) {
        List<String> names = new ArrayList<>();
        List<GroupMetrics> groups = new ArrayList<>();
        names.add("all");
        groups.add(report.overall());
        for (Map.Entry<String, GroupMetrics> e : report.groups().entrySet()) {
            names.add(e.getKey());
            groups.add(e.getValue());
        }
        boolean perTarget = report.style() == org.segearth.runtime.eval.MetricStyle.PER_TARGET;
        int slot = 110;
        int width = Math.max(560, 120 + slot * names.size());
        int height = 480;
        BufferedImage image = canvas(width, height);
        Graphics2D g = graphics(image);
        title(g, report.dataset() + " " + report.split() + ": " + report.protocol().label() + " protocol, "
                + report.mode().name().toLowerCase(Locale.ROOT).replace('_', '-')
                + (report.mode() == org.segearth.runtime.eval.EvalMode.TEACHER_FORCED ? " (upper bound)" : ""), width);
        Area a = new Area(70, 50, width - 100, height - 160);
        axes(g, a, 0, 1, 0.25, "IoU", true);
        int bar = 34;
        for (int i = 0; i < names.size(); i++) {
            GroupMetrics m = groups.get(i);
            double gIoU = perTarget ? m.perTarget().gIoU() : m.perSample().gIoU();
            double cIoU = perTarget ? m.perTarget().cIoU() : m.perSample().cIoU();
            int cx = a.x + (int) ((i + 0.5) * a.w / names.size());
            barWithLabel(g, a, cx - bar, bar, gIoU, PALETTE[0]);
            barWithLabel(g, a, cx, bar, cIoU, PALETTE[3]);
            g.setColor(Color.DARK_GRAY);
            g.setFont(FONT);
            long n = perTarget ? m.perTarget().targets() : m.perSample().samples();
            centered(g, shorten(g, names.get(i), a.w / names.size() - 6), cx, a.y + a.h + 18);
            centered(g, "n=" + n + (perTarget ? " target" : " sample") + (n == 1 ? "" : "s"), cx, a.y + a.h + 34);
        }
        // below the group labels, so that it never covers a bar
        legend(g, List.of(new Series("gIoU", null), new Series("cIoU", null)), a.x + a.w - 200, height - 46,
                new Color[] {PALETTE[0], PALETTE[3]});
        g.dispose();
        write(image, png);
    }

    private record Series(String name, double[] values) {
    }

    private record Area(int x, int y, int w, int h) {
    }

    private static void lines(Graphics2D g, Area a, double[] xs, List<Series> series, String yLabel, boolean legend) {
        double xMin = xs[0];
        double xMax = xs[xs.length - 1] == xMin ? xMin + 1 : xs[xs.length - 1];
        double yMin = 0;
        double yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : s.values()) {
                if (Double.isFinite(v)) {
                    yMin = Math.min(yMin, v);
                    yMax = Math.max(yMax, v);
                }
            }
        }
        if (!(yMax > yMin)) {
            yMax = yMin + 1;
        }
        double yStep = niceStep((yMax - yMin) / 4);
        yMin = Math.floor(yMin / yStep + 1e-9) * yStep;
        yMax = Math.ceil(yMax / yStep - 1e-9) * yStep;
        axes(g, a, yMin, yMax, yStep, yLabel, true);
        xTicks(g, a, xMin, xMax);
        Color[] colors = new Color[series.size()];
        for (int k = 0; k < series.size(); k++) {
            colors[k] = PALETTE[k % PALETTE.length];
            g.setColor(colors[k]);
            g.setStroke(new BasicStroke(k == 0 ? 2.2f : 1.5f));
            double[] v = series.get(k).values();
            Path2D.Double path = new Path2D.Double();
            boolean started = false;
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(v[i])) {
                    continue;
                }
                double px = a.x + (xs[i] - xMin) / (xMax - xMin) * a.w;
                double py = a.y + a.h - (v[i] - yMin) / (yMax - yMin) * a.h;
                if (started) {
                    path.lineTo(px, py);
                } else {
                    path.moveTo(px, py);
                    started = true;
                }
            }
            g.draw(path);
            if (v.length == 1 && started) {
                g.fillOval((int) (a.x + a.w / 2.0) - 3, (int) (a.y + a.h - (v[0] - yMin) / (yMax - yMin) * a.h) - 3, 6, 6);
            }
        }
        g.setStroke(new BasicStroke(1f));
        if (legend || series.size() == 1) {
            legend(g, series, a.x + a.w - 200, a.y + 8, colors);
        }
    }

    private static void axes(Graphics2D g, Area a, double yMin, double yMax, double step, String yLabel,
            boolean grid) {
        g.setFont(FONT);
        FontMetrics fm = g.getFontMetrics();
        int ticks = (int) Math.round((yMax - yMin) / step);
        for (int t = 0; t <= ticks; t++) {
            double v = yMin + step * t;
            int y = a.y + a.h - (int) Math.round((v - yMin) / (yMax - yMin) * a.h);
            if (grid) {
                g.setColor(new Color(0xE6E6E6));
                g.drawLine(a.x, y, a.x + a.w, y);
            }
            g.setColor(Color.DARK_GRAY);
            String s = number(v);
            g.drawString(s, a.x - 6 - fm.stringWidth(s), y + fm.getAscent() / 2 - 1);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawLine(a.x, a.y, a.x, a.y + a.h);
        g.drawLine(a.x, a.y + a.h, a.x + a.w, a.y + a.h);
        Graphics2D r = (Graphics2D) g.create();
        r.rotate(-Math.PI / 2);
        r.drawString(yLabel, -(a.y + a.h / 2 + fm.stringWidth(yLabel) / 2), 14);
        r.dispose();
    }

    /** Whole-number ticks (steps) at a nice spacing, the first and last step included. */
    private static void xTicks(Graphics2D g, Area a, double xMin, double xMax) {
        FontMetrics fm = g.getFontMetrics();
        g.setColor(Color.DARK_GRAY);
        double step = Math.max(1, niceStep((xMax - xMin) / 6));
        List<Double> ticks = new ArrayList<>();
        ticks.add(xMin);
        for (double v = Math.ceil(xMin / step) * step; v < xMax; v += step) {
            if (v - xMin >= step / 2) {
                ticks.add(v);
            }
        }
        if (xMax - ticks.get(ticks.size() - 1) < step / 2 && ticks.size() > 1) {
            ticks.remove(ticks.size() - 1);
        }
        ticks.add(xMax);
        for (double v : ticks) {
            int x = a.x + (int) Math.round((v - xMin) / (xMax - xMin) * a.w);
            g.drawLine(x, a.y + a.h, x, a.y + a.h + 4);
            String s = String.format(Locale.ROOT, "%.0f", v);
            g.drawString(s, x - fm.stringWidth(s) / 2, a.y + a.h + 4 + fm.getAscent());
        }
    }

    private static void barWithLabel(Graphics2D g, Area a, int x, int w, double v, Color c) {
        g.setFont(FONT);
        if (!Double.isFinite(v)) {
            g.setColor(Color.GRAY);
            centered(g, "n/a", x + w / 2, a.y + a.h - 4);
            return;
        }
        int h = (int) Math.round(Math.max(0, Math.min(1, v)) * a.h);
        g.setColor(c);
        g.fillRect(x, a.y + a.h - h, w - 2, h);
        g.setColor(Color.DARK_GRAY);
        g.setFont(SMALL);
        centered(g, String.format(Locale.ROOT, "%.2f", v), x + (w - 2) / 2, a.y + a.h - h - 4);
        g.setFont(FONT);
    }

    private static void legend(Graphics2D g, List<Series> series, int x, int y, Color[] colors) {
        g.setFont(FONT);
        FontMetrics fm = g.getFontMetrics();
        int w = 0;
        for (Series s : series) {
            w = Math.max(w, fm.stringWidth(s.name()));
        }
        int boxW = w + 36;
        int lineH = fm.getHeight();
        x = Math.min(x, x + 200 - boxW);
        g.setColor(new Color(255, 255, 255, 220));
        g.fillRect(x, y, boxW, lineH * series.size() + 6);
        g.setColor(new Color(0xBBBBBB));
        g.drawRect(x, y, boxW, lineH * series.size() + 6);
        for (int k = 0; k < series.size(); k++) {
            int ly = y + 3 + lineH * k + lineH / 2;
            g.setColor(colors[k]);
            g.fillRect(x + 6, ly - 3, 18, 6);
            g.setColor(Color.DARK_GRAY);
            g.drawString(series.get(k).name(), x + 30, ly + fm.getAscent() / 2 - 1);
        }
    }

    private static void title(Graphics2D g, String text, int width) {
        g.setFont(TITLE);
        g.setColor(Color.BLACK);
        centered(g, text, width / 2, 24);
    }

    private static void centered(Graphics2D g, String s, int cx, int baseline) {
        g.drawString(s, cx - g.getFontMetrics().stringWidth(s) / 2, baseline);
    }

    private static String shorten(Graphics2D g, String s, int max) {
        FontMetrics fm = g.getFontMetrics();
        if (fm.stringWidth(s) <= max) {
            return s;
        }
        String t = s;
        while (t.length() > 1 && fm.stringWidth(t + "...") > max) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "...";
    }

    private static double[] column(List<LossLog.Row> rows, ToDoubleFunction<LossLog.Row> f) {
        return rows.stream().mapToDouble(f).toArray();
    }

    /** 1, 2, 2.5 or 5 times a power of ten, at least {@code v}. */
    static double niceStep(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v * 0.999999) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String number(double v) {
        double a = Math.abs(v);
        if (a < 1e-12) {
            return "0";
        }
        if (a < 1e-3 || a >= 1e5) {
            String m = String.format(Locale.ROOT, "%.2g", v / Math.pow(10, Math.floor(Math.log10(a))));
            m = m.contains(".") ? m.replaceAll("0+$", "").replaceAll("\\.$", "") : m;
            return m + "e" + (int) Math.floor(Math.log10(a));
        }
        String s = String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    private static BufferedImage canvas(int w, int h) {
        return new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    }

    private static Graphics2D graphics(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        return g;
    }

    private static void write(BufferedImage image, Path png) {
        Path tmp = null;
        try {
            Path dir = Files.createDirectories(png.toAbsolutePath().getParent());
            tmp = Files.createTempFile(dir, "." + png.getFileName(), ".tmp");
            if (!ImageIO.write(image, "png", tmp.toFile())) {
                throw new IOException("no PNG writer");
            }
            Files.move(tmp, png, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new SegEarthException("cannot write the chart " + png + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }
}
