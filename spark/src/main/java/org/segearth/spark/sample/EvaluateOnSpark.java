package org.segearth.spark.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.segearth.runtime.eval.EvalMode;
import org.segearth.runtime.eval.EvaluationReport;
import org.segearth.spark.SparkEvaluation;

/**
 * {@code segearth eval} on a Spark cluster: the samples are segmented and scored on the executors,
 * the report (the same numbers as {@code segearth eval --mode teacher-forced} on one machine) is
 * made on the driver and written to REPORT_JSON (which must not exist).
 *
 * <pre>
 * EvaluateOnSpark DATASET ROOT SPLIT REPORT_JSON [MODEL]
 * EvaluateOnSpark lasers /shared/LaSeRS test report.json /shared/models/segearth-r2
 * </pre>
 *
 * <pre>{@code
 * EvaluationReport r = SparkEvaluation.builder().dataset("lasers", root, "test").model(model)
 *         .mode(EvalMode.TEACHER_FORCED).build().run(spark);
 * }</pre>
 */
public final class EvaluateOnSpark {

    private EvaluateOnSpark() {}

    /** {@code EvaluateOnSpark DATASET ROOT SPLIT REPORT_JSON [MODEL]}. */
    public static void main(String[] args) {
        if (args.length < 4 || args.length > 5) {
            System.err.println("usage: EvaluateOnSpark DATASET ROOT SPLIT REPORT_JSON [MODEL]");
            System.exit(2);
        }
        SparkSession spark = SparkSession.builder().appName("segearth-eval").getOrCreate();
        try {
            EvaluationReport r = run(spark, args[0], args[1], args[2], Path.of(args[3]), args.length == 5 ? args[4] : null);
            System.out.printf(Locale.ROOT, "%s %s: %d samples  gIoU %.4f  cIoU %.4f  (report: %s)%n", args[0], args[2],
                    r.samples(), r.gIoU(), r.cIoU(), args[3]);
        } finally {
            spark.stop();
        }
    }

    /** Evaluates and writes {@code report} (refused when it exists; written whole or not at all). */
    public static EvaluationReport run(SparkSession spark, String dataset, String root, String split, Path report,
            String model) {
        if (Files.exists(report)) {
            throw new UncheckedIOException(new FileAlreadyExistsException(report + " exists; choose another report file"));
        }
        EvaluationReport r = SparkEvaluation.builder().dataset(dataset, root, split).model(model)
                .mode(EvalMode.TEACHER_FORCED).build().run(spark);
        Path tmp = report.toAbsolutePath().resolveSibling("." + report.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, r.toJson() + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, report, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + report + ": " + e.getMessage(), e);
        }
        return r;
    }
}
