package org.segearth.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.SparkSession;
import org.segearth.api.InvalidInputException;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.data.BenchmarkDataset;
import org.segearth.runtime.data.Datasets;
import org.segearth.runtime.eval.EvalMode;
import org.segearth.runtime.eval.EvaluationReport;
import org.segearth.runtime.eval.Evaluator;
import org.segearth.runtime.eval.MetricStyle;
import org.segearth.runtime.eval.SampleScore;
import org.segearth.runtime.eval.SegmentationFunction;
import scala.Tuple2;

/**
 * {@code segearth eval} on a cluster: the executors segment and score the samples
 * ({@link Evaluator#score}), the driver sums the scores in the dataset's order
 * ({@link Evaluator#report}), so the metrics, overall and per group, are those of the
 * single-machine evaluator on the same data and settings. The dataset folder must be readable at
 * the same path on the driver and every executor (a shared file system); a sample that fails
 * fails the job, as it does on one machine.
 *
 * <pre>{@code
 * EvaluationReport r = SparkEvaluation.builder()
 *         .dataset("lasers", "/shared/LaSeRS", "test")
 *         .model("/shared/models/segearth-r2")
 *         .mode(EvalMode.TEACHER_FORCED)
 *         .build()
 *         .run(spark);
 * Files.writeString(Path.of("report.json"), r.toJson());
 * }</pre>
 */
public final class SparkEvaluation {

    private final String dataset;
    private final String root;
    private final String split;
    private final ModelSpec model;
    private final EvalMode mode;
    private final MetricStyle style;
    private final int partitions;

    private SparkEvaluation(Builder b) {
        if (b.dataset == null) {
            throw new InvalidInputException("no dataset: call dataset(name, root, split)");
        }
        this.dataset = b.dataset;
        this.root = b.root;
        this.split = b.split;
        this.model = new ModelSpec(b.model, b.head, b.precision, b.threads, false);
        this.mode = b.mode;
        this.style = b.style;
        this.partitions = b.partitions;
    }

    /** A builder; {@link Builder#dataset} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Evaluates every sample of the dataset on the cluster of {@code spark}. */
    public EvaluationReport run(SparkSession spark) {
        long start = System.nanoTime();
        BenchmarkDataset data = Datasets.open(dataset, Path.of(root), split);
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < data.size(); i++) {
            if (!ids.add(data.get(i).id())) {
                // as the single-machine evaluator refuses it
                throw new SegEarthException(dataset + "/" + split + " has two samples with id '" + data.get(i).id()
                        + "'; ids must be unique for the per-sample CSV and resuming");
            }
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int slices = partitions > 0 ? partitions : Math.max(1, Math.min(data.size(), jsc.defaultParallelism() * 4));
        List<Integer> indices = IntStream.range(0, data.size()).boxed().toList();
        List<Tuple2<Integer, SampleScore>> scored = jsc.parallelize(indices, Math.max(1, slices))
                .mapPartitions(new ScorePartition(dataset, root, split, model, mode, style))
                .collect();
        SampleScore[] inOrder = new SampleScore[data.size()];
        for (Tuple2<Integer, SampleScore> t : scored) {
            String expected = data.get(t._1()).id();
            if (!expected.equals(t._2().id())) {
                throw new SegEarthException("sample " + t._1() + " of " + dataset + "/" + split + " is '" + expected
                        + "' on the driver but '" + t._2().id() + "' on an executor; the dataset at " + root
                        + " must be the same on every machine");
            }
            inOrder[t._1()] = t._2();
        }
        return evaluator(null, mode, style).report(data, List.of(inOrder), (System.nanoTime() - start) / 1e9);
    }

    /** The evaluator of these settings; without a function (the driver's) it refuses to segment. */
    static Evaluator evaluator(SegmentationFunction function, EvalMode mode, MetricStyle style) {
        SegmentationFunction f = function != null ? function : (image, instruction, answer) -> {
            throw new IllegalStateException("the driver does not segment");
        };
        return Evaluator.builder().function(f).mode(mode).style(style).progress((d, t, s, sec) -> { }).build();
    }

    /** Scores the samples of one partition's indices on an executor. */
    private static final class ScorePartition implements FlatMapFunction<Iterator<Integer>, Tuple2<Integer, SampleScore>> {
        private static final long serialVersionUID = 1L;
        private static final Map<List<String>, BenchmarkDataset> DATASETS = new HashMap<>();

        private final String dataset;
        private final String root;
        private final String split;
        private final ModelSpec model;
        private final EvalMode mode;
        private final MetricStyle style;

        ScorePartition(String dataset, String root, String split, ModelSpec model, EvalMode mode, MetricStyle style) {
            this.dataset = dataset;
            this.root = root;
            this.split = split;
            this.model = model;
            this.mode = mode;
            this.style = style;
        }

        @Override
        public Iterator<Tuple2<Integer, SampleScore>> call(Iterator<Integer> indices) {
            if (!indices.hasNext()) {
                return java.util.Collections.emptyIterator();
            }
            BenchmarkDataset data = open(dataset, root, split);
            Evaluator evaluator = evaluator(SegmentationFunction.of(ExecutorModels.get(model)), mode, style);
            List<Tuple2<Integer, SampleScore>> out = new ArrayList<>();
            indices.forEachRemaining(i -> out.add(new Tuple2<>(i, evaluator.score(data.get(i)))));
            return out.iterator();
        }

        /** The dataset, opened once per executor JVM. */
        private static synchronized BenchmarkDataset open(String dataset, String root, String split) {
            return DATASETS.computeIfAbsent(List.of(dataset, root, split),
                    k -> Datasets.open(dataset, Path.of(root), split));
        }
    }

    /** Configures a {@link SparkEvaluation}. */
    public static final class Builder {
        private String dataset;
        private String root;
        private String split;
        private String model;
        private String head;
        private String precision = "auto";
        private int threads;
        private EvalMode mode = EvalMode.TEACHER_FORCED;
        private MetricStyle style;
        private int partitions;

        private Builder() {}

        /** The benchmark: a name of {@link Datasets#NAMES}, its folder (the same on every machine), the split. */
        public Builder dataset(String name, String root, String split) {
            this.dataset = Objects.requireNonNull(name, "name");
            this.root = Objects.requireNonNull(root, "root");
            this.split = Objects.requireNonNull(split, "split");
            return this;
        }

        /** The model package as every executor sees it (see {@link SparkSegmenter.Builder#model}); none: the demo model. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** The segmentation head by provider name; default: the package's. */
        public Builder head(String head) {
            this.head = head;
            return this;
        }

        /** {@code auto} (default), {@code f32}, {@code f16-upcast} or {@code f16}. */
        public Builder precision(String precision) {
            this.precision = Objects.requireNonNull(precision, "precision");
            return this;
        }

        /** Intra-op threads per executor JVM; 0 (default): the cores one task holds. */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Teacher-forced (default, as {@code segearth eval}) or generative. */
        public Builder mode(EvalMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** The report's top-level metrics; default: the dataset's. */
        public Builder style(MetricStyle style) {
            this.style = style;
            return this;
        }

        /** Partitions of the sample list; 0 (default): four per default-parallelism slot, at most one per sample. */
        public Builder partitions(int partitions) {
            this.partitions = partitions;
            return this;
        }

        /** The evaluation. */
        public SparkEvaluation build() {
            return new SparkEvaluation(this);
        }
    }
}
