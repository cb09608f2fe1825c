package org.segearth.demo;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.segearth.api.SegEarthException;

/**
 * The tile-level cross-validation table: reads each fold's metrics ({@link DemoEvaluation#write}'s
 * JSON, one file per fold and phrasing set) and writes, per row (overall, per instruction kind, per
 * class), every fold's gIoU / cIoU and their mean and sample standard deviation over the folds.
 *
 * <pre>
 * java -cp ... org.segearth.demo.CrossValidation OUT.md OUT.json "TITLE" \
 *     "seen phrasings" f1/metrics-seen.json f2/metrics-seen.json f3/metrics-seen.json \
 *     -- "unseen phrasings" f1/metrics-unseen.json f2/metrics-unseen.json f3/metrics-unseen.json
 * </pre>
 */
public final class CrossValidation {

    private CrossValidation() {
    }

    /** {@code OUT.md OUT.json TITLE LABEL FILE... [-- LABEL FILE...]...}. */
    public static void main(String[] args) {
        if (args.length < 5) {
            System.err.println("usage: CrossValidation OUT.md OUT.json TITLE LABEL FOLD.json... [-- LABEL FOLD.json...]");
            System.exit(2);
        }
        Map<String, List<Path>> sets = new LinkedHashMap<>();
        String label = null;
        for (int i = 3; i < args.length; i++) {
            if (args[i].equals("--")) {
                label = null;
            } else if (label == null) {
                label = args[i];
                sets.put(label, new ArrayList<>());
            } else {
                sets.get(label).add(Path.of(args[i]));
            }
        }
        write(sets, Path.of(args[0]), Path.of(args[1]), args[2]);
    }

    /**
     * Per row name, per fold (in the order given): {gIoU, cIoU, targets}, or null where the fold has
     * no such row (a kind or class absent from its held-out tiles).
     */
    static Map<String, double[][]> rows(List<Path> folds) {
        Map<String, double[][]> rows = new LinkedHashMap<>();
        for (int i = 0; i < folds.size(); i++) {
            JsonObject o = read(folds.get(i));
            JsonObject ev = o.getAsJsonObject("evaluator");
            add(rows, folds.size(), i, "overall", ev.getAsJsonObject("overall").getAsJsonObject("per_target"));
            for (Map.Entry<String, JsonElement> g : ev.getAsJsonObject("groups").entrySet()) {
                add(rows, folds.size(), i, "kind: " + g.getKey(),
                        g.getValue().getAsJsonObject().getAsJsonObject("per_target"));
            }
            for (Map.Entry<String, JsonElement> c : o.getAsJsonObject("per_class").entrySet()) {
                add(rows, folds.size(), i, "class: " + c.getKey(), c.getValue().getAsJsonObject());
            }
        }
        return rows;
    }

    private static void add(Map<String, double[][]> rows, int folds, int fold, String name, JsonObject m) {
        rows.computeIfAbsent(name, k -> new double[folds][])[fold] = new double[] {m.get("gIoU").getAsDouble(),
            m.get("cIoU").getAsDouble(), m.get("targets").getAsDouble()};
    }

    /** Mean and sample standard deviation (0 for one value). */
    static double[] meanStd(double[] v) {
        double mean = 0;
        for (double x : v) {
            mean += x;
        }
        mean /= v.length;
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        return new double[] {mean, v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0};
    }

    /** Writes the Markdown and JSON tables of every set of folds. */
    public static void write(Map<String, List<Path>> sets, Path markdown, Path json, String title) {
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
        JsonObject out = new JsonObject();
        out.addProperty("title", title);
        for (Map.Entry<String, List<Path>> set : sets.entrySet()) {
            int n = set.getValue().size();
            md.append("## ").append(set.getKey()).append(" (").append(n).append(" folds)\n\n");
            md.append("| row | targets (all folds) |");
            for (int f = 1; f <= n; f++) {
                md.append(" fold ").append(f).append(" gIoU / cIoU |");
            }
            md.append(" mean gIoU +- sd | mean cIoU +- sd |\n|---|---|").append("---|".repeat(n + 2)).append('\n');
            JsonObject js = new JsonObject();
            for (Map.Entry<String, double[][]> row : rows(set.getValue()).entrySet()) {
                List<Double> g = new ArrayList<>();
                List<Double> c = new ArrayList<>();
                long targets = 0;
                md.append("| ").append(row.getKey()).append(" | ");
                StringBuilder cells = new StringBuilder();
                for (double[] v : row.getValue()) {
                    if (v == null) {
                        cells.append(" - |"); // a kind or class absent from this fold's tiles
                        continue;
                    }
                    g.add(v[0]);
                    c.add(v[1]);
                    targets += (long) v[2];
                    cells.append(String.format(Locale.ROOT, " %.3f / %.3f |", v[0], v[1]));
                }
                double[] gm = meanStd(g.stream().mapToDouble(Double::doubleValue).toArray());
                double[] cm = meanStd(c.stream().mapToDouble(Double::doubleValue).toArray());
                md.append(targets).append(" |").append(cells).append(String.format(Locale.ROOT,
                        " **%.3f** +- %.3f | %.3f +- %.3f |%n", gm[0], gm[1], cm[0], cm[1]));
                JsonObject r = new JsonObject();
                r.addProperty("folds", g.size());
                r.addProperty("targets", targets);
                r.addProperty("gIoU_mean", gm[0]);
                r.addProperty("gIoU_sd", gm[1]);
                r.addProperty("cIoU_mean", cm[0]);
                r.addProperty("cIoU_sd", cm[1]);
                js.add(row.getKey(), r);
            }
            md.append('\n');
            out.add(set.getKey(), js);
        }
        md.append("Per fold the SegEarth-R2 metrics over the held-out tiles' targets (gIoU = mean IoU over targets, cIoU ="
                + " total intersection / total union); mean and sample standard deviation over the folds that have the"
                + " row (-: none of that kind or class in the fold's held-out tiles).\n");
        writeText(markdown, md.toString());
        writeText(json, new GsonBuilder().setPrettyPrinting().create().toJson(out) + "\n");
    }

    private static JsonObject read(Path file) {
        try {
            return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw new SegEarthException("cannot read the fold metrics " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeText(Path file, String text) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = parent.resolve(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SegEarthException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
