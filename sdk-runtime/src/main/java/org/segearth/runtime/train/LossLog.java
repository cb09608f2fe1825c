package org.segearth.runtime.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.segearth.api.SegEarthException;

/**
 * A run's loss curve as CSV, one row per step event: the total and each loss part, the learning
 * rate and the gradient norm (before clipping). A log opened on a file that holds an earlier part
 * of the same run continues it: the first step written drops the rows from that step on (steps a
 * stopped run did after its last checkpoint, done again when it resumes).
 *
 * <pre>{@code
 * try (LossLog log = LossLog.open(out.resolve("loss.csv"), resume)) {
 *     Trainer.builder()...listener(log).build().run();
 * }
 * List<LossLog.Row> curve = LossLog.read(out.resolve("loss.csv"));
 * }</pre>
 */
public final class LossLog implements TrainingListener, AutoCloseable {

    /** The CSV header. */
    public static final String HEADER = "step,total,text_ce,mask_bce,mask_dice,attention,learning_rate,grad_norm,seconds";

    private final Path file;
    private final List<Row> earlier;
    private final long began = System.nanoTime();
    private BufferedWriter out;

    /**
     * One logged step.
     *
     * @param step the optimizer step (1-based)
     * @param total the weighted total loss
     * @param textCe text cross-entropy
     * @param maskBce the weighted mask BCE (all decoder layers)
     * @param maskDice the weighted mask Dice (all decoder layers)
     * @param attention lambda_S x the spatial attention loss
     * @param learningRate the step's learning rate
     * @param gradNorm the global gradient norm before clipping
     * @param seconds seconds since the log was opened by this process
     */
    public record Row(int step, double total, double textCe, double maskBce, double maskDice, double attention,
            double learningRate, double gradNorm, double seconds) {
    }

    private LossLog(Path file, List<Row> earlier) {
        this.file = file;
        this.earlier = new ArrayList<>(earlier);
    }

    /** A log writing {@code file}; with {@code continueRun} the rows already there stay (see the class comment). */
    public static LossLog open(Path file, boolean continueRun) {
        return new LossLog(file, continueRun && Files.isRegularFile(file) ? read(file) : List.of());
    }

    @Override
    public synchronized void onStep(TrainingProgress p) {
        LossValues l = p.losses();
        Row row = new Row(p.step(), l.total(), l.textCe(), l.maskBce(), l.maskDice(), l.attention(), p.learningRate(),
                p.gradientNorm(), (System.nanoTime() - began) / 1e9);
        try {
            if (out == null) {
                // the header and the earlier rows that stay go to a new file first, renamed into place
                Path dir = Files.createDirectories(file.toAbsolutePath().getParent());
                Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
                try {
                    StringBuilder head = new StringBuilder(HEADER).append('\n');
                    earlier.stream().filter(r -> r.step() < row.step()).forEach(r -> head.append(format(r)).append('\n'));
                    Files.writeString(tmp, head, StandardCharsets.UTF_8);
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(tmp);
                }
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            }
            out.write(format(row));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new SegEarthException("cannot write the loss curve " + file + ": " + e.getMessage(), e);
        }
    }

    private static String format(Row r) {
        return String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6g,%.6g,%.1f", r.step(), r.total(), r.textCe(),
                r.maskBce(), r.maskDice(), r.attention(), r.learningRate(), r.gradNorm(), r.seconds());
    }

    /** The rows of a loss CSV (rows cut short by an interrupted write are skipped). */
    public static List<Row> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SegEarthException("cannot read the loss curve " + file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty() || !lines.get(0).strip().equals(HEADER)) {
            throw new SegEarthException(file + " is not a loss curve (expected the header " + HEADER + ")");
        }
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.strip().split(",");
            if (f.length != 9) {
                continue;
            }
            try {
                rows.add(new Row(Integer.parseInt(f[0]), d(f[1]), d(f[2]), d(f[3]), d(f[4]), d(f[5]), d(f[6]), d(f[7]),
                        d(f[8])));
            } catch (NumberFormatException e) {
                // a row cut short: skipped
            }
        }
        return rows;
    }

    private static double d(String s) {
        return Double.parseDouble(s);
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new SegEarthException("cannot close the loss curve " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
