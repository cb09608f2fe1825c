package org.segearth.runtime.eval;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.segearth.api.Mask;
import org.segearth.api.SegEarthException;
import org.segearth.spi.ParityCheck;
import org.segearth.spi.ParityContext;
import org.segearth.spi.Weights;

/**
 * Parity of the metrics with the {@code metrics} reference dump: samples {@code sNN_gt} and
 * {@code sNN_pred} ({@code [n, H, W]} uint8 masks; {@code n} may be 0) go through
 * {@link TargetMetrics} and {@link ReferringMetrics}, and every number of {@code expected.json} is
 * compared (atol 1e-6).
 */
public final class MetricsParityCheck implements ParityCheck {

    private static final double ATOL = 1e-6;

    @Override
    public String component() {
        return "metrics";
    }

    @Override
    public void run(ParityContext context) throws Exception {
        Weights io = context.io();
        TargetMetrics r2 = new TargetMetrics();
        ReferringMetrics r1 = new ReferringMetrics();
        int samples = 0;
        for (int s = 0; io.contains(String.format("s%02d_gt", s)); s++) {
            String key = String.format("s%02d", s);
            List<Mask> gt = masks(io, key + "_gt");
            List<Mask> pred = masks(io, key + "_pred");
            long[] shape = io.shapeOf(key + "_gt");
            int h = (int) shape[1];
            int w = (int) shape[2];
            for (long[] iu : MaskScores.perTarget(gt, pred, w, h)) {
                r2.add(iu[0], iu[1]);
            }
            long[] merged = MaskScores.merged(gt, pred, w, h);
            r1.add(merged[0], merged[1]);
            samples++;
        }
        if (samples == 0) {
            throw new SegEarthException("io.safetensors in " + context.directory() + " holds no s00_gt");
        }
        JsonObject expected = readExpected(context.directory().resolve("expected.json"));
        JsonObject e2 = expected.getAsJsonObject("segearth_r2");
        JsonObject e1 = expected.getAsJsonObject("segearth_r1");
        int compared = 0;
        for (Map.Entry<String, JsonElement> e : e2.entrySet()) {
            double actual = switch (e.getKey()) {
                case "gIoU_per_target", "gIoU" -> r2.gIoU();
                case "cIoU" -> r2.cIoU();
                default -> throw new SegEarthException("expected.json: unknown segearth_r2 metric '" + e.getKey() + "'");
            };
            context.compareScalar("segearth_r2." + e.getKey(), actual, e.getValue().getAsDouble(), ATOL, 0);
            compared++;
        }
        for (Map.Entry<String, JsonElement> e : e1.entrySet()) {
            String name = e.getKey();
            double actual;
            if (name.equals("gIoU_per_sample") || name.equals("gIoU")) {
                actual = r1.gIoU();
            } else if (name.equals("cIoU")) {
                actual = r1.cIoU();
            } else if (name.startsWith("Pr@")) {
                actual = r1.precisionAt(Double.parseDouble(name.substring(3)));
            } else {
                throw new SegEarthException("expected.json: unknown segearth_r1 metric '" + name + "'");
            }
            context.compareScalar("segearth_r1." + name, actual, e.getValue().getAsDouble(), ATOL, 0);
            compared++;
        }
        if (compared == 0) {
            throw new SegEarthException("expected.json in " + context.directory() + " holds no metric");
        }
    }

    private static List<Mask> masks(Weights io, String key) {
        long[] shape = io.shapeOf(key);
        if (shape.length != 3) {
            throw new SegEarthException("tensor " + key + " has shape " + java.util.Arrays.toString(shape)
                    + "; expected [n, H, W]");
        }
        int n = (int) shape[0];
        int h = (int) shape[1];
        int w = (int) shape[2];
        List<Mask> out = new ArrayList<>(n);
        if (n == 0) {
            return out;
        }
        byte[] all;
        try (NDArray a = io.get(key)) {
            all = a.toByteArray();
        }
        int plane = h * w;
        for (int i = 0; i < n; i++) {
            byte[] pixels = new byte[plane];
            System.arraycopy(all, i * plane, pixels, 0, plane);
            out.add(Mask.fromBytes(pixels, w, h));
        }
        return out;
    }

    private static JsonObject readExpected(Path file) throws Exception {
        if (!Files.isRegularFile(file)) {
            throw new SegEarthException("the metrics dump has no " + file);
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return JsonParser.parseReader(r).getAsJsonObject();
        }
    }
}
