package org.segearth.runtime.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.data.BenchmarkDataset;
import org.segearth.runtime.data.Datasets;
import org.segearth.runtime.data.Fixtures;
import org.segearth.runtime.eval.EvalMode;
import org.segearth.runtime.eval.EvaluationReport;
import org.segearth.runtime.eval.Evaluator;
import org.segearth.runtime.eval.SegmentationFunction;
import org.segearth.runtime.train.LossLog;
import org.segearth.runtime.train.LossValues;
import org.segearth.runtime.train.TrainingProgress;

/** The loss log, its plot, and the per-group bar chart. */
class ChartsTest {

    private static TrainingProgress step(int step, double total) {
        return new TrainingProgress(step, 10, 0, new LossValues(total * 0.4, total * 0.2, total * 0.3, total * 0.1, total),
                5e-5 * step / 10, 2.0 / step, 1, 1);
    }

    @Test
    void theLogContinuesARunAndDropsTheStepsItDoesAgain(@TempDir Path dir) {
        Path csv = dir.resolve("loss.csv");
        try (LossLog log = LossLog.open(csv, false)) {
            for (int s = 1; s <= 6; s++) {
                log.onStep(step(s, 10.0 / s));
            }
        }
        // stopped after step 6, last checkpoint at step 4: the resumed run logs 5.. again
        try (LossLog log = LossLog.open(csv, true)) {
            log.onStep(step(5, 1.5));
            log.onStep(step(6, 1.4));
            log.onStep(step(7, 1.3));
        }
        List<LossLog.Row> rows = LossLog.read(csv);
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), rows.stream().map(LossLog.Row::step).toList());
        assertEquals(1.5, rows.get(4).total(), 1e-9);
        assertEquals(0.4 * 1.5, rows.get(4).textCe(), 1e-6);
        assertEquals(2.0 / 7, rows.get(6).gradNorm(), 1e-6);
        // a new run (not continued) starts the file again
        try (LossLog log = LossLog.open(csv, false)) {
            log.onStep(step(1, 3));
        }
        assertEquals(1, LossLog.read(csv).size());
    }

    @Test
    void lossPlotDrawsEverySeries(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("loss.csv");
        try (LossLog log = LossLog.open(csv, false)) {
            for (int s = 1; s <= 40; s++) {
                log.onStep(step(s, 4.0 / Math.sqrt(s)));
            }
        }
        Path png = dir.resolve("loss.png");
        Charts.lossCurves(LossLog.read(csv), png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(960, image.getWidth());
        // the total's colour (blue) and the text CE's (red) appear in the loss panel
        assertTrue(count(image, 0x1f77b4, 70, 40, 890, 420) > 200, "total drawn");
        assertTrue(count(image, 0xd62728, 70, 40, 890, 420) > 200, "text CE drawn");
        assertTrue(count(image, 0x1f77b4, 70, 470, 890, 580) > 100, "gradient norm drawn");
        assertThrows(SegEarthException.class, () -> Charts.lossCurves(List.of(), dir.resolve("none.png")));
        assertTrue(Files.list(dir).noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }

    @Test
    void barHeightsAreTheMetrics(@TempDir Path dir) throws Exception {
        BenchmarkDataset ds = Datasets.open("lasers", Fixtures.lasers(dir.resolve("data")), "test");
        SegmentationFunction half = (image, instruction, answer) -> new SegmentationFunction.Output(answer,
                instruction.contains("land") ? List.of(Fixtures.lasersA()) : List.of());
        EvaluationReport r = Evaluator.builder().function(half).mode(EvalMode.TEACHER_FORCED).build().run(ds);
        Path png = dir.resolve("groups.png");
        Charts.groupBars(r, png);
        BufferedImage image = ImageIO.read(png.toFile());
        int groups = 1 + r.groups().size();
        assertEquals(Math.max(560, 120 + 110 * groups), image.getWidth());
        int areaX = 70;
        int areaW = image.getWidth() - 100;
        int areaTop = 50;
        int areaH = 480 - 160;
        // the gIoU bar of the group "implicit-q" (IoU 1) fills the axis; "part" (IoU 0) has none
        List<String> names = new java.util.ArrayList<>(List.of("all"));
        names.addAll(r.groups().keySet());
        for (int i = 0; i < names.size(); i++) {
            int cx = areaX + (int) ((i + 0.5) * areaW / names.size());
            double g = i == 0 ? r.gIoU() : r.groups().get(names.get(i)).perTarget().gIoU();
            int h = height(image, 0x1f77b4, cx - 17, areaTop, areaTop + areaH);
            assertEquals(g * areaH, h, 2.0, names.get(i));
        }
    }

    private static int count(BufferedImage image, int rgb, int x0, int y0, int x1, int y1) {
        int n = 0;
        for (int y = y0; y < Math.min(y1, image.getHeight()); y++) {
            for (int x = x0; x < Math.min(x1, image.getWidth()); x++) {
                if (close(image.getRGB(x, y), rgb)) {
                    n++;
                }
            }
        }
        return n;
    }

    private static int height(BufferedImage image, int rgb, int x, int top, int bottom) {
        int n = 0;
        for (int y = top; y <= bottom; y++) {
            if (close(image.getRGB(x, y), rgb)) {
                n++;
            }
        }
        return n;
    }

    private static boolean close(int a, int b) {
        int d = 0;
        for (int s = 0; s < 24; s += 8) {
            d += Math.abs(((a >> s) & 0xFF) - ((b >> s) & 0xFF));
        }
        return d < 30;
    }
}
