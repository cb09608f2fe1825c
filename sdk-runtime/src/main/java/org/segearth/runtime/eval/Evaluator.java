package org.segearth.runtime.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.segearth.api.Mask;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.data.BenchmarkDataset;
import org.segearth.runtime.data.CocoMasks;
import org.segearth.runtime.data.Sample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link SegmentationFunction} over a {@link BenchmarkDataset} and computes the paper's
 * metrics overall and per group. With an output folder it writes {@code samples.csv} (one row per
 * sample, flushed as it goes), {@code report.json} at the end (atomically), and optionally the
 * predicted masks ({@code masks/<id>_<i>.png}, see {@link #maskFileName}, or
 * {@code predictions.jsonl} with COCO RLEs). A run that finds a {@code samples.csv} of an earlier
 * run in its folder continues it: the samples listed there are not run again, their numbers are
 * read back. With {@link Builder#resume resume(false)} it starts again instead, after removing
 * the files the earlier run wrote (and nothing else).
 *
 * <pre>{@code
 * EvaluationReport r = Evaluator.builder()
 *         .function((image, instruction, answer) -> mySegmenter(image, instruction, answer))
 *         .mode(EvalMode.GENERATIVE)
 *         .output(Path.of("eval-out"))
 *         .build()
 *         .run(Datasets.open("lasers", Path.of("/data/LaSeRS"), "test"));
 * System.out.println(r.gIoU() + " " + r.cIoU());
 * }</pre>
 */
public final class Evaluator {

    private static final Logger LOG = LoggerFactory.getLogger(Evaluator.class);

    /** The header of {@code samples.csv}. */
    public static final List<String> CSV_HEADER = List.of("id", "group", "targets", "predictions", "intersection",
            "union", "iou", "target_intersections", "target_unions", "seconds", "answer");

    /** How predicted masks are saved. */
    public enum MaskOutput {
        /** Not saved. */
        NONE,
        /** {@code masks/<id>_<i>.png}, 8-bit gray 0/255. */
        PNG,
        /** {@code predictions.jsonl}: one line per sample with COCO RLEs. */
        RLE
    }

    /** Told after every sample; the CLI draws its progress bar from it. */
    @FunctionalInterface
    public interface Progress {
        /**
         * @param done samples finished, resumed ones included
         * @param total samples in the split
         * @param sample the sample just finished
         * @param seconds the time the function took on it
         */
        void update(int done, int total, Sample sample, double seconds);
    }

    private final SegmentationFunction function;
    private final EvalMode mode;
    private final MetricStyle style;
    private final Path output;
    private final MaskOutput maskOutput;
    private final Progress progress;
    private final boolean resume;
    private final EvalProtocol protocol;
    private final Map<String, Object> details;

    private Evaluator(Builder b) {
        this.function = Objects.requireNonNull(b.function, "function: set the segmentation function to evaluate");
        this.mode = b.mode;
        this.style = b.style;
        this.output = b.output;
        this.maskOutput = b.maskOutput;
        this.progress = b.progress;
        this.resume = b.resume;
        this.protocol = b.protocol;
        this.details = new LinkedHashMap<>(b.details);
    }

    /** A builder; only {@link Builder#function} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Evaluates every sample of {@code dataset}. */
    public EvaluationReport run(BenchmarkDataset dataset) {
        long start = System.nanoTime();
        MetricStyle metricStyle = style != null ? style : MetricStyle.forDataset(dataset.name());
        checkUniqueIds(dataset);
        if (output != null && !resume) {
            removeOutputs(output);
        }
        Totals totals = new Totals();
        Map<String, List<String>> previous = output == null ? Map.of() : readPrevious(output.resolve("samples.csv"), true);
        try (CsvOut csv = output == null ? null : new CsvOut(output, !previous.isEmpty())) {
            for (Sample sample : dataset.samples()) {
                List<String> row = previous.get(sample.id());
                if (row != null) {
                    totals.add(fromCsv(sample, row), true);
                    continue;
                }
                Scored scored = evaluate(sample);
                SampleScore score = scored.score();
                totals.add(score, false);
                if (csv != null) {
                    csv.row(sample, score.groundTruthTargets(), scored.output(), score.targets(), score.merged(),
                            score.seconds());
                    csv.masks(sample, scored.output().masks(), maskOutput);
                }
                progress.update(totals.done, dataset.size(), sample, score.seconds());
            }
        }
        EvaluationReport report = totals.report(dataset, mode, protocol, metricStyle, (System.nanoTime() - start) / 1e9,
                details);
        if (output != null) {
            write(output.resolve("report.json"), report.toJson() + "\n");
        }
        return report;
    }

    /**
     * Runs the function on one sample and scores it, as {@link #run} does for each sample; with
     * {@link #report} the scores of samples run apart (on other machines, say) give the report
     * {@code run} would give. Writes nothing.
     */
    public SampleScore score(Sample sample) {
        return evaluate(sample).score();
    }

    /**
     * The report of samples scored apart with {@link #score}: the same metrics as {@link #run}
     * on {@code dataset} when {@code scores} holds each of its samples once, in the dataset's
     * order (the sums are the same sums in the same order). The timing is {@code seconds} of
     * wall time and the sum of the samples' model seconds.
     */
    public EvaluationReport report(BenchmarkDataset dataset, List<SampleScore> scores, double seconds) {
        Totals totals = new Totals();
        scores.forEach(s -> totals.add(s, false));
        return totals.report(dataset, mode, protocol, style != null ? style : MetricStyle.forDataset(dataset.name()), seconds,
                details);
    }

    /** The function's output on one sample and its score. */
    private record Scored(SegmentationFunction.Output output, SampleScore score) {}

    private Scored evaluate(Sample sample) {
        BufferedImage image = sample.image();
        String answer = mode == EvalMode.TEACHER_FORCED ? teacherAnswer(sample) : null;
        long t0 = System.nanoTime();
        SegmentationFunction.Output out = function.segment(image, sample.instruction(), answer);
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<long[]> targets = List.of();
        long[] merged = null;
        int gtCount = -1;
        if (sample.hasGroundTruth()) {
            List<Mask> gt = sample.targets();
            gtCount = gt.size();
            int w = gt.isEmpty() ? image.getWidth() : gt.get(0).width();
            int h = gt.isEmpty() ? image.getHeight() : gt.get(0).height();
            List<Mask> predicted = out.masks();
            if (protocol == EvalProtocol.OFFICIAL) {
                // eval.py do_eval: both sides in the padded square frame
                int frame = requireFrame(out, sample);
                gt = gt.stream().map(m -> FrameMasks.squash(m, frame)).toList();
                predicted = out.frameMasks();
                w = frame;
                h = frame;
            }
            try {
                targets = MaskScores.perTarget(gt, predicted, w, h);
                merged = MaskScores.merged(gt, predicted, w, h);
            } catch (SegEarthException e) {
                throw new SegEarthException("sample " + sample.id() + " (" + sample.imagePath() + "): "
                        + e.getMessage(), e);
            }
        }
        return new Scored(out, new SampleScore(sample.id(), sample.group().orElse(null), gtCount, out.masks().size(),
                targets, merged, seconds, out.answer()));
    }

    /** A sample's score read back from its {@code samples.csv} row. */
    private static SampleScore fromCsv(Sample sample, List<String> row) {
        boolean gt = !row.get(2).isEmpty();
        return new SampleScore(sample.id(), sample.group().orElse(null), gt ? Integer.parseInt(row.get(2)) : -1,
                row.get(3).isEmpty() ? 0 : Integer.parseInt(row.get(3)), gt ? parseTargets(row) : List.of(),
                gt ? new long[] {Long.parseLong(row.get(4)), Long.parseLong(row.get(5))} : null, 0, row.get(10));
    }

    /** The sums of a run: metrics overall and per group, counts, model time. */
    private static final class Totals {
        private final GroupMetrics overall = new GroupMetrics();
        private final Map<String, GroupMetrics> groups = new LinkedHashMap<>();
        private int done;
        private int resumed;
        private int noGroundTruth;
        private double modelSeconds;

        void add(SampleScore s, boolean fromEarlierRun) {
            if (s.hasGroundTruth()) {
                overall.add(s.targets(), s.merged());
                if (s.group() != null) {
                    groups.computeIfAbsent(s.group(), k -> new GroupMetrics()).add(s.targets(), s.merged());
                }
            } else {
                noGroundTruth++;
            }
            if (fromEarlierRun) {
                resumed++;
            } else {
                modelSeconds += s.seconds();
            }
            done++;
        }

        EvaluationReport report(BenchmarkDataset dataset, EvalMode mode, EvalProtocol protocol, MetricStyle style,
                double seconds, Map<String, Object> details) {
            return new EvaluationReport(dataset.name(), dataset.split(), mode, protocol, style, overall, groups, done,
                    resumed, noGroundTruth, seconds, modelSeconds, details);
        }
    }

    private static int requireFrame(SegmentationFunction.Output out, Sample sample) {
        if (out.frame() <= 0 || out.frameMasks().size() != out.masks().size()) {
            throw new SegEarthException("sample " + sample.id() + ": the official protocol scores masks in the padded"
                    + " frame, and the function gave none; evaluate with OfficialProtocol.function(segmenter, seed)");
        }
        return out.frame();
    }

    /** The answer given in teacher-forced mode: the reference one, else one [SEG] per target (at least one). */
    private static String teacherAnswer(Sample sample) {
        return sample.answerOr(sample.hasGroundTruth() ? Math.max(1, sample.targets().size()) : 1);
    }

    private static void checkUniqueIds(BenchmarkDataset dataset) {
        Set<String> seen = new HashSet<>();
        for (Sample s : dataset.samples()) {
            if (!seen.add(s.id())) {
                throw new SegEarthException(dataset.name() + "/" + dataset.split() + " has two samples with id '"
                        + s.id() + "'; ids must be unique for the per-sample CSV and resuming");
            }
        }
    }

    private static List<long[]> parseTargets(List<String> row) {
        List<long[]> out = new ArrayList<>();
        if (row.get(7).isEmpty()) {
            return out;
        }
        String[] is = row.get(7).split(";");
        String[] us = row.get(8).split(";");
        if (is.length != us.length) {
            throw new SegEarthException("samples.csv row " + row.get(0) + " has " + is.length + " intersections and "
                    + us.length + " unions");
        }
        for (int i = 0; i < is.length; i++) {
            out.add(new long[] {Long.parseLong(is[i]), Long.parseLong(us[i])});
        }
        return out;
    }

    private static Map<String, List<String>> readPrevious(Path csv, boolean resuming) {
        if (!Files.isRegularFile(csv)) {
            return Map.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SegEarthException("cannot read " + csv + " to resume: " + e.getMessage(), e);
        }
        if (lines.isEmpty()) {
            return Map.of();
        }
        if (!Csv.parse(lines.get(0)).equals(CSV_HEADER)) {
            throw new SegEarthException(csv + " has the header " + lines.get(0) + ", expected " + String.join(",", CSV_HEADER)
                    + "; use another --out folder or delete the file");
        }
        Map<String, List<String>> rows = new HashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            List<String> row = Csv.parse(lines.get(i));
            if (row.size() != CSV_HEADER.size()) {
                // a row cut short by an interrupted run: that sample runs again
                LOG.warn("{} line {} has {} fields instead of {}; the sample will run again", csv, i + 1, row.size(),
                        CSV_HEADER.size());
                continue;
            }
            rows.put(row.get(0), row);
        }
        if (resuming) {
            LOG.info("resuming from {}: {} samples already evaluated", csv, rows.size());
        }
        return rows;
    }

    /**
     * The file name of mask {@code index} of sample {@code id} in {@code masks/}: the id with every
     * character other than letters, digits, '.', '_' and '-' percent-encoded (UTF-8), then
     * {@code _<index>.png}, so that two ids never share a file ({@code a/b} is {@code a%2Fb_0.png},
     * {@code a_b} is {@code a_b_0.png}). An id longer than 150 characters after encoding keeps its
     * first 100 followed by '~' and 32 hex digits of its SHA-256.
     */
    public static String maskFileName(String id, int index) {
        StringBuilder b = new StringBuilder();
        for (byte x : id.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xFF);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                    || c == '-') {
                b.append(c);
            } else {
                b.append('%').append(String.format(Locale.ROOT, "%02X", x & 0xFF));
            }
        }
        String name = b.toString();
        if (name.equals(".") || name.equals("..")) {
            name = name.replace(".", "%2E");
        }
        if (name.length() > 150) {
            try {
                byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
                name = name.substring(0, 100) + "~" + java.util.HexFormat.of().formatHex(digest).substring(0, 32);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return name + "_" + index + ".png";
    }

    /**
     * Removes what an earlier evaluation wrote in {@code dir}: {@code report.json},
     * {@code predictions.jsonl}, the mask PNGs its {@code samples.csv} accounts for (and
     * {@code masks/} when that leaves it empty), then {@code samples.csv}. Other files stay.
     */
    public static void removeOutputs(Path dir) {
        Path csv = dir.resolve("samples.csv");
        try {
            if (Files.isRegularFile(csv)) {
                Path masks = dir.resolve("masks");
                for (List<String> row : readPrevious(csv, false).values()) {
                    int n = row.get(3).isEmpty() ? 0 : Integer.parseInt(row.get(3));
                    for (int i = 0; i < n; i++) {
                        Files.deleteIfExists(masks.resolve(maskFileName(row.get(0), i)));
                    }
                }
                if (Files.isDirectory(masks)) {
                    try (java.util.stream.Stream<Path> left = Files.list(masks)) {
                        if (left.findAny().isEmpty()) {
                            Files.delete(masks);
                        }
                    }
                }
            }
            Files.deleteIfExists(dir.resolve("report.json"));
            Files.deleteIfExists(dir.resolve("predictions.jsonl"));
            Files.deleteIfExists(csv);
        } catch (IOException | NumberFormatException e) {
            throw new SegEarthException("cannot remove the earlier evaluation's files in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, String text) {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new SegEarthException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the rename failed and so did this: the .tmp file stays, named as such
            }
        }
    }

    /** The per-sample outputs of a run. */
    private static final class CsvOut implements AutoCloseable {
        private final Path dir;
        private final BufferedWriter csv;
        private BufferedWriter jsonl;

        CsvOut(Path dir, boolean append) {
            this.dir = dir;
            try {
                Files.createDirectories(dir);
                Path file = dir.resolve("samples.csv");
                if (append) {
                    csv = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                    ensureNewline(file);
                } else {
                    csv = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                    csv.write(String.join(",", CSV_HEADER));
                    csv.newLine();
                    csv.flush();
                }
            } catch (IOException e) {
                throw new SegEarthException("cannot write the evaluation output in " + dir + ": " + e.getMessage(), e);
            }
        }

        private void ensureNewline(Path file) throws IOException {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
                csv.newLine();
            }
        }

        void row(Sample s, int gtCount, SegmentationFunction.Output out, List<long[]> targets, long[] merged,
                double seconds) {
            List<String> f = new ArrayList<>();
            f.add(s.id());
            f.add(s.group().orElse(""));
            f.add(gtCount < 0 ? "" : Integer.toString(gtCount));
            f.add(Integer.toString(out.masks().size()));
            f.add(merged == null ? "" : Long.toString(merged[0]));
            f.add(merged == null ? "" : Long.toString(merged[1]));
            f.add(merged == null ? "" : String.format(Locale.ROOT, "%.6f", ReferringMetrics.iou(merged[0], merged[1])));
            f.add(targets.stream().map(t -> Long.toString(t[0])).collect(Collectors.joining(";")));
            f.add(targets.stream().map(t -> Long.toString(t[1])).collect(Collectors.joining(";")));
            f.add(String.format(Locale.ROOT, "%.3f", seconds));
            f.add(out.answer() == null ? "" : out.answer());
            try {
                csv.write(Csv.format(f));
                csv.newLine();
                csv.flush();
            } catch (IOException e) {
                throw new SegEarthException("cannot write " + dir.resolve("samples.csv") + ": " + e.getMessage(), e);
            }
        }

        void masks(Sample s, List<Mask> masks, MaskOutput kind) {
            try {
                switch (kind) {
                    case NONE -> { }
                    case PNG -> {
                        Path d = Files.createDirectories(dir.resolve("masks"));
                        for (int i = 0; i < masks.size(); i++) {
                            Path file = d.resolve(maskFileName(s.id(), i));
                            Path tmp = d.resolve("." + file.getFileName() + ".tmp");
                            masks.get(i).writePng(tmp);
                            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                    case RLE -> {
                        if (jsonl == null) {
                            jsonl = Files.newBufferedWriter(dir.resolve("predictions.jsonl"), StandardCharsets.UTF_8,
                                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                        }
                        JsonObject o = new JsonObject();
                        o.addProperty("id", s.id());
                        JsonArray a = new JsonArray();
                        masks.forEach(m -> a.add(CocoMasks.toJson(m.toRle())));
                        o.add("masks", a);
                        jsonl.write(o.toString());
                        jsonl.newLine();
                        jsonl.flush();
                    }
                }
            } catch (IOException e) {
                throw new SegEarthException("cannot write predicted masks of " + s.id() + " in " + dir + ": "
                        + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                csv.close();
                if (jsonl != null) {
                    jsonl.close();
                }
            } catch (IOException e) {
                throw new SegEarthException("cannot close the evaluation output in " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    /** Configures an {@link Evaluator}; the only mutable type here. */
    public static final class Builder {
        private SegmentationFunction function;
        private EvalMode mode = EvalMode.GENERATIVE;
        private MetricStyle style;
        private Path output;
        private MaskOutput maskOutput = MaskOutput.NONE;
        private Progress progress = new LogProgress();
        private boolean resume = true;
        private EvalProtocol protocol = EvalProtocol.SDK;
        private final Map<String, Object> details = new LinkedHashMap<>();

        private Builder() {}

        /**
         * How IoU is computed: {@link EvalProtocol#SDK} (default) at the original size,
         * {@link EvalProtocol#OFFICIAL} in the padded frame, which needs a function that gives
         * frame masks ({@link OfficialProtocol#function}).
         */
        public Builder protocol(EvalProtocol protocol) {
            this.protocol = Objects.requireNonNull(protocol);
            return this;
        }

        /**
         * What the report records about the run besides its metrics (e.g. {@code "sampling"},
         * {@code "model"}); values are written with Gson (strings, numbers, maps, lists).
         */
        public Builder detail(String key, Object value) {
            details.put(Objects.requireNonNull(key), value);
            return this;
        }

        /**
         * Whether a {@code samples.csv} of an earlier run in the output folder is continued (the
         * default); {@code false} removes that run's files first and starts again.
         */
        public Builder resume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /** The function evaluated (required). */
        public Builder function(SegmentationFunction function) {
            this.function = function;
            return this;
        }

        /** Generative (default) or teacher-forced. */
        public Builder mode(EvalMode mode) {
            this.mode = Objects.requireNonNull(mode);
            return this;
        }

        /** The metrics at the report's top level; by default the dataset's ({@link MetricStyle#forDataset}). */
        public Builder style(MetricStyle style) {
            this.style = style;
            return this;
        }

        /** The folder for {@code samples.csv}, {@code report.json} and masks; none by default (nothing written). */
        public Builder output(Path output) {
            this.output = output;
            return this;
        }

        /** Whether and how predicted masks are saved (needs {@link #output}). */
        public Builder masks(MaskOutput maskOutput) {
            this.maskOutput = Objects.requireNonNull(maskOutput);
            return this;
        }

        /** Told after each sample; by default a log line every 5%. */
        public Builder progress(Progress progress) {
            this.progress = Objects.requireNonNull(progress);
            return this;
        }

        /** The evaluator. */
        public Evaluator build() {
            if (maskOutput != MaskOutput.NONE && output == null) {
                throw new SegEarthException("saving predicted masks as " + maskOutput + " needs an output folder; set output(..)");
            }
            return new Evaluator(this);
        }
    }

    /** Logs progress every 5% of the samples. */
    private static final class LogProgress implements Progress {
        private long started = -1;

        @Override
        public void update(int done, int total, Sample sample, double seconds) {
            if (started < 0) {
                started = System.nanoTime();
            }
            int step = Math.max(1, total / 20);
            if (done % step == 0 || done == total) {
                LOG.info("evaluated {}/{} samples ({} s for the last)", done, total,
                        String.format(Locale.ROOT, "%.2f", seconds));
            }
        }
    }
}
