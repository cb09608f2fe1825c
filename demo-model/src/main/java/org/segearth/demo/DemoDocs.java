package org.segearth.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.segearth.api.Mask;
import org.segearth.api.SegEarthException;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.api.Target;
import org.segearth.runtime.data.LaSeRSDataset;
import org.segearth.runtime.data.Sample;
import org.segearth.runtime.eval.EvalMode;
import org.segearth.runtime.render.Overlay;

/**
 * The demo model's documentation artefacts: validation of a packed model, the loss-curve plot and
 * overlays of predictions next to the reference masks.
 *
 * <pre>
 * java -cp ... org.segearth.demo.DemoDocs eval PACKAGE DATA EVAL_DIR DOCS_DIR TAG "TITLE" [generative|teacher-forced]
 * java -cp ... org.segearth.demo.DemoDocs plot OUT.png A.csv "label A" [B.csv "label B"]
 * java -cp ... org.segearth.demo.DemoDocs overlay PACKAGE DATA RECORD_ID OUT.png ["INSTRUCTION"]
 * </pre>
 *
 * <p>{@code overlay} segments the image of validation record {@code RECORD_ID} with the record's
 * instruction (or the one given) and writes the prediction next to the reference masks.
 */
public final class DemoDocs {

    private static final String[] PARTS = {"total", "text_ce", "mask_bce", "mask_dice", "attention (unweighted)"};
    private static final Color[] RUN_COLOURS = {new Color(0x1f77b4), new Color(0xd62728)};

    private DemoDocs() {}

    /** {@code eval ...} or {@code plot ...} (see the class comment). */
    public static void main(String[] args) throws IOException {
        if (args.length >= 7 && args[0].equals("eval")) {
            EvalMode mode = args.length > 7 ? EvalMode.valueOf(args[7].toUpperCase(java.util.Locale.ROOT).replace('-', '_'))
                    : EvalMode.GENERATIVE;
            String split = args.length > 8 ? args[8] : "val";
            DemoEvaluation.Result r = TrainDemoModel.validate(Path.of(args[1]), Path.of(args[2]), split, Path.of(args[3]),
                    mode);
            Path docs = Path.of(args[4]);
            Files.createDirectories(docs);
            DemoEvaluation.write(r, docs.resolve("metrics-" + args[5] + ".md"), docs.resolve("metrics-" + args[5] + ".json"),
                    args[6]);
        } else if (args.length >= 4 && args[0].equals("plot")) {
            List<String> labels = new ArrayList<>();
            List<double[][]> curves = new ArrayList<>();
            for (int i = 2; i + 1 < args.length; i += 2) {
                curves.add(readCsv(Path.of(args[i])));
                labels.add(args[i + 1]);
            }
            ImageIO.write(plot(curves, labels), "png", Path.of(args[1]).toFile());
        } else if (args.length >= 5 && args[0].equals("overlay")) {
            String split = args.length > 6 ? args[6] : "val";
            overlay(Path.of(args[1]), Path.of(args[2]), split, args[3], Path.of(args[4]),
                    args.length > 5 && !args[5].isEmpty() ? args[5] : null);
        } else {
            System.err.println("usage: DemoDocs eval PACKAGE DATA EVAL_DIR DOCS_DIR TAG TITLE [generative|teacher-forced"
                    + " [SPLIT]] | DemoDocs plot OUT.png A.csv LABEL [B.csv LABEL]"
                    + " | DemoDocs overlay PACKAGE DATA RECORD_ID OUT.png [INSTRUCTION [SPLIT]]");
            System.exit(2);
        }
    }

    /** Prediction (left) and reference (right) of one validation record, with the instruction and both answers. */
    static void overlay(Path pkg, Path data, String id, Path png, String instruction) throws IOException {
        overlay(pkg, data, "val", id, png, instruction);
    }

    /** The same for a record of {@code split} ({@code val} or {@code val-unseen}). */
    static void overlay(Path pkg, Path data, String split, String id, Path png, String instruction) throws IOException {
        LaSeRSDataset val = new LaSeRSDataset(data, split);
        Sample sample = null;
        for (int i = 0; i < val.size() && sample == null; i++) {
            sample = val.get(i).id().equals(id) ? val.get(i) : null;
        }
        if (sample == null) {
            throw new SegEarthException("no validation record '" + id + "' in " + data + "/" + split);
        }
        String asked = instruction != null ? instruction : sample.instruction();
        BufferedImage image = sample.image();
        SegmentationResult result;
        try (Segmenter segmenter = Segmenter.builder().model(pkg).seed(0).build()) {
            result = segmenter.segment(image, asked);
        }
        List<Target> reference = new ArrayList<>();
        List<Mask> masks = sample.targets();
        List<?> classes = sample.extra().get("classes") instanceof List<?> l ? l : List.of();
        for (int t = 0; t < masks.size(); t++) {
            String name = t < classes.size() ? String.valueOf(classes.get(t)) : "";
            reference.add(new Target(t, name, masks.get(t), 1, Optional.empty()));
        }
        int w = image.getWidth();
        int h = image.getHeight();
        int caption = 78;
        BufferedImage out = new BufferedImage(Math.max(2 * w + 10, 640), h + caption, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.drawImage(Overlay.render(image, result.targets()), 0, caption, null);
        g.drawImage(Overlay.render(image, reference), w + 10, caption, null);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        g.drawString("\"" + asked + "\"  (" + id + ")", 4, 14);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString("demo model: " + result.answer().strip(), 4, 32);
        g.drawString("reference: " + sample.answer().orElse(""), 4, 48);
        g.drawString("prediction", 4, caption - 4);
        g.drawString("reference masks", w + 14, caption - 4);
        g.dispose();
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(out, "png", png.toFile());
    }

    /** The {@code TrainDemoModel} loss CSV as rows of step, total, text, bce, dice, attention. */
    static double[][] readCsv(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        double[][] rows = new double[lines.size() - 1][];
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            rows[i - 1] = new double[PARTS.length + 1];
            for (int j = 0; j <= PARTS.length; j++) {
                rows[i - 1][j] = Double.parseDouble(f[j]);
            }
        }
        return rows;
    }

    /**
     * One panel per loss part (total, text CE, BCE, Dice, attention), each run a colour: the raw
     * per-step values faint, a 25-step moving average solid.
     */
    static BufferedImage plot(List<double[][]> curves, List<String> labels) {
        int panelW = 420;
        int panelH = 260;
        int cols = 3;
        BufferedImage img = new BufferedImage(panelW * cols, panelH * 2, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        for (int p = 0; p < PARTS.length; p++) {
            panel(g, (p % cols) * panelW, (p / cols) * panelH, panelW, panelH, PARTS[p], p + 1, curves);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        int x0 = 2 * panelW + 30;
        int y0 = panelH + 60;
        g.setColor(Color.BLACK);
        g.drawString("Demo model (54 Dubai tiles), loss per step", x0, y0 - 30);
        for (int r = 0; r < labels.size(); r++) {
            g.setColor(RUN_COLOURS[r % RUN_COLOURS.length]);
            g.fillRect(x0, y0 + r * 24 - 10, 18, 10);
            g.setColor(Color.BLACK);
            g.drawString(labels.get(r), x0 + 26, y0 + r * 24);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawString("faint: per step; solid: 25-step mean", x0, y0 + labels.size() * 24 + 10);
        g.dispose();
        return img;
    }

    private static void panel(Graphics2D g, int x, int y, int w, int h, String title, int column,
            List<double[][]> curves) {
        int left = x + 55;
        int right = x + w - 15;
        int top = y + 30;
        int bottom = y + h - 35;
        double maxStep = 1;
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (double[][] c : curves) {
            if (allZero(c, column)) {
                continue;
            }
            for (double[] row : c) {
                maxStep = Math.max(maxStep, row[0]);
                lo = Math.min(lo, row[column]);
                hi = Math.max(hi, row[column]);
            }
        }
        if (lo == Double.MAX_VALUE) {
            return;
        }
        if (hi - lo < 1e-9) {
            hi = lo + 1;
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(title, left, y + 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawRect(left, top, right - left, bottom - top);
        for (int t = 0; t <= 4; t++) {
            double v = lo + (hi - lo) * t / 4;
            int py = (int) Math.round(bottom - (bottom - top) * t / 4.0);
            g.setColor(new Color(0xDDDDDD));
            g.drawLine(left + 1, py, right - 1, py);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.3g", v), x + 5, py + 4);
        }
        g.drawString("0", left - 3, bottom + 15);
        g.drawString(String.format(Locale.ROOT, "%d steps", (long) maxStep), right - 55, bottom + 15);
        for (int r = 0; r < curves.size(); r++) {
            Color c = RUN_COLOURS[r % RUN_COLOURS.length];
            double[][] rows = curves.get(r);
            if (allZero(rows, column)) {
                continue;
            }
            double[] smooth = movingAverage(rows, column, 25);
            g.setStroke(new BasicStroke(1f));
            g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 60));
            g.draw(line(rows, column, null, left, right, top, bottom, maxStep, lo, hi));
            g.setStroke(new BasicStroke(2f));
            g.setColor(c);
            g.draw(line(rows, column, smooth, left, right, top, bottom, maxStep, lo, hi));
        }
    }

    private static Path2D line(double[][] rows, int column, double[] values, int left, int right, int top, int bottom,
            double maxStep, double lo, double hi) {
        Path2D.Double path = new Path2D.Double();
        for (int i = 0; i < rows.length; i++) {
            double v = values != null ? values[i] : rows[i][column];
            double px = left + (right - left) * rows[i][0] / maxStep;
            double py = bottom - (bottom - top) * (v - lo) / (hi - lo);
            if (i == 0) {
                path.moveTo(px, py);
            } else {
                path.lineTo(px, py);
            }
        }
        return path;
    }

    /** A part a run did not compute (the attention loss with lambda_S = 0) is all zero and not drawn. */
    private static boolean allZero(double[][] rows, int column) {
        for (double[] row : rows) {
            if (row[column] != 0) {
                return false;
            }
        }
        return true;
    }

    static double[] movingAverage(double[][] rows, int column, int window) {
        double[] out = new double[rows.length];
        double sum = 0;
        for (int i = 0; i < rows.length; i++) {
            sum += rows[i][column];
            if (i >= window) {
                sum -= rows[i - window][column];
            }
            out[i] = sum / Math.min(i + 1, window);
        }
        return out;
    }

    static {
        System.setProperty("java.awt.headless", "true");
    }
}
