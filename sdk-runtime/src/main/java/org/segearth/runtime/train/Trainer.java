package org.segearth.runtime.train;

import org.segearth.spi.nn.Precision;
import org.segearth.spi.nn.Scalars;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import org.segearth.api.InvalidInputException;
import org.segearth.runtime.SdkInfo;
import org.segearth.runtime.data.BenchmarkDataset;
import org.segearth.runtime.pipeline.ImageEncoding;
import org.segearth.runtime.pipeline.Manifest;
import org.segearth.runtime.pipeline.ModelOptions;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.pipeline.PassOptions;
import org.segearth.runtime.pipeline.SegEarthModel;
import org.segearth.runtime.pipeline.SegEarthOutput;
import org.segearth.runtime.pipeline.StageTimer;
import org.segearth.runtime.train.internal.CheckpointStore;
import org.segearth.runtime.train.internal.DataOrder;
import org.segearth.runtime.train.internal.PreparedSample;
import org.segearth.runtime.train.internal.Provenance;
import org.segearth.runtime.train.internal.SegRowInit;
import org.segearth.runtime.train.internal.TrainableWeights;
import org.segearth.runtime.train.loss.TextCrossEntropy;
import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.LoraConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fine-tunes SegEarth-R2 from a model package on a LaSeRS-format dataset: per optimizer step,
 * {@code batchSize x gradientAccumulation} teacher-forced passes (one per sample, so samples with
 * different numbers of targets mix freely) under one gradient collector, each sample's loss
 * divided by the samples of the step; then global-norm clipping, AdamW with warmup + cosine, and
 * zeroed gradients. Every random choice derives from the seed and the step, so two runs with one
 * seed give identical losses and a resumed run continues exactly. Checkpoints (every
 * {@code saveEvery} steps and at the end) are complete model packages under
 * {@code output/checkpoints/step-N}; the final package is {@code output/model}.
 *
 * <p>An output folder that holds an earlier run is refused unless the run is resumed (with the
 * same configuration and base package, else the message says what differs) or
 * {@link Builder#overwrite overwritten} (its checkpoints and final package are removed once the
 * model has loaded; a folder in the way that holds anything else is never deleted). A base
 * package inside the folders this run writes is refused.
 *
 * <p>PyTorch's graph optimizer must be off ({@code ai.djl.pytorch.graph_optimizer=false}, which
 * the SDK sets before DJL starts unless the JVM sets it); only one gradient collector may exist
 * per JVM, so one run at a time.
 *
 * <pre>{@code
 * TrainingResult r = Trainer.builder()
 *         .basePackage(Path.of("segearth-r2-base"))
 *         .data(new LaSeRSDataset(Path.of("LaSeRS"), "train"))
 *         .output(Path.of("runs/r2"))
 *         .config(TrainingConfig.builder().epochs(2).saveEvery(500).seed(7).build())
 *         .listener(p -> log.info("{}", p))
 *         .build().run();
 * }</pre>
 */
public final class Trainer {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final Path basePackage;
    private final BenchmarkDataset data;
    private final Path output;
    private final TrainingConfig config;
    private final TrainingListener listener;
    private final ModelOptions modelOptions;
    private final boolean resume;
    private final boolean overwrite;
    private final int stopAfter;
    private ModelPackage checkedBase;
    private CheckpointStore checkedStore;

    private Trainer(Builder b) {
        this.basePackage = Objects.requireNonNull(b.basePackage, "basePackage");
        this.data = Objects.requireNonNull(b.data, "data");
        this.output = Objects.requireNonNull(b.output, "output");
        this.config = b.config;
        this.listener = b.listener;
        // trained weights need float32 storage: gradients and AdamW work on them
        this.modelOptions = b.modelOptions.withMergedAdapter(false).withPrecision(Precision.F32);
        this.resume = b.resume;
        this.overwrite = b.overwrite;
        this.stopAfter = b.stopAfter;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Trains (or continues a saved run) and returns what happened. */
    public TrainingResult run() {
        check();
        ModelPackage base = checkedBase;
        CheckpointStore store = checkedStore;
        try (SegEarthModel model = SegEarthModel.load(base, modelOptions)) {
            Map<String, NDArray> fixed = new LinkedHashMap<>(TrainableWeights.fixed(model, config));
            List<TrainableParameter> params = TrainableWeights.select(model, config);
            initSegRow(model).filter(t -> !config.trainSegRow()).ifPresent(t -> fixed.put(EMBED_KEY, t));
            Set<String> saved = new HashSet<>(fixed.keySet());
            params.forEach(p -> saved.add(p.key()));
            fixed.putAll(TrainableWeights.baseOverrides(model, saved));
            model.languageModel().setTraining(true, config.modelDropout());
            try (AdamW optimizer = AdamW.of(model.manager(), config)) {
                if (overwrite && !resume) {
                    store.clear();
                }
                Run run = new Run(model, params, fixed, optimizer, store);
                return run.execute();
            } finally {
                model.languageModel().setTraining(false, false);
            }
        }
    }

    /**
     * Sets a fresh [SEG] row as asked (by default it stays as the checkpoint has it, as the official
     * code); returns the embedding table when it changed (saved with the package even when frozen).
     */
    private java.util.Optional<NDArray> initSegRow(SegEarthModel model) {
        if (config.segRowInit() != TrainingConfig.SegRowInit.KEEP && SegRowInit.isFresh(model)) {
            NDArray table = model.languageModel().parameters().get("model.embed_tokens.weight");
            if (table != null) {
                SegRowInit.initialise(model, TrainableParameter.row(EMBED_KEY, table, model.segTokenId()), config);
                return java.util.Optional.of(table);
            }
        }
        return java.util.Optional.empty();
    }

    private static final String EMBED_KEY = "mllm.model.embed_tokens.weight";

    /**
     * Checks, before any model loads, that the base package opens and that the output folder may
     * be used (see the class comment); {@link #run} does it too. Throws what {@link #run} would.
     */
    public synchronized void check() {
        if (checkedStore != null) {
            return;
        }
        ModelPackage base = ModelPackage.open(basePackage);
        checkOutput(base);
        CheckpointStore store = store(base);
        checkEarlierRun(store);
        checkedBase = base;
        checkedStore = store;
    }

    /** Refuses an output whose folders written by this run would hold the base package or its parts. */
    private void checkOutput(ModelPackage base) {
        List<Path> written = List.of(output.resolve("model"), output.resolve(CheckpointStore.CHECKPOINTS));
        for (Path part : List.of(base.root(), base.mllm(), base.maskHead(), base.segProjector())) {
            Path real = realPath(part);
            for (Path w : written) {
                Path rw = realPath(w);
                if (real != null && rw != null && real.startsWith(rw)) {
                    throw new InvalidInputException("the base package " + basePackage + " (" + real + ") lies in " + w
                            + ", which this run replaces; train into another output folder, or copy the base elsewhere");
                }
            }
        }
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * Without resume or overwrite, an output holding checkpoints or a final package is refused; when
     * resuming, the latest checkpoint must come from the same configuration and base package.
     */
    private void checkEarlierRun(CheckpointStore store) {
        List<Path> existing = store.existing();
        if (overwrite && !resume) {
            existing.forEach(CheckpointStore::requireCheckpoint);
        }
        if (!resume && !overwrite && !existing.isEmpty()) {
            throw new InvalidInputException("output folder " + output + " already holds a training run ("
                    + existing.stream().map(p -> output.relativize(p).toString()).toList()
                    + "); resume it (--resume), start again (--overwrite) or choose another output folder");
        }
        if (resume) {
            store.latest().ifPresent(dir -> {
                Path manifest = dir.resolve(Manifest.FILE);
                if (!java.nio.file.Files.isRegularFile(manifest)) {
                    return;
                }
                Map<String, String> before = Manifest.read(manifest).provenance();
                Map<String, String> now = store.provenance();
                List<String> diffs = new ArrayList<>();
                for (String key : List.of("base_package", "training_config", "data")) {
                    String a = comparable(key, before.get(key));
                    String b = comparable(key, now.get(key));
                    if (a != null && !a.equals(b)) {
                        diffs.add(key + " '" + before.get(key) + "' there, '" + now.get(key) + "' now");
                    }
                }
                if (!diffs.isEmpty()) {
                    throw new InvalidInputException("cannot resume from " + dir + ": it was made with other settings ("
                            + String.join("; ", diffs) + "); resume with the same ones, or start again (--overwrite)");
                }
            });
        }
    }

    /** {@code value} without what may change between a run and its resumption (checkpoint and log cadence). */
    private static String comparable(String key, String value) {
        if (value == null) {
            return null;
        }
        if (key.equals("base_package")) {
            Path real = realPath(Path.of(value));
            return real == null ? value : real.toString();
        }
        if (key.equals("training_config")) {
            return value.replaceAll("(saveEvery|logEvery)=[^,)]*,? ?", "");
        }
        return value;
    }

    private CheckpointStore store(ModelPackage base) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("base_package", base.root().toAbsolutePath().toString());
        Provenance.baseHashes(base).forEach((file, hash) -> p.put("base_sha256:" + file, hash));
        p.put("data", data.name() + ":" + data.split() + " (" + data.size() + " samples)");
        p.put("training_config", config.toString());
        // a base that was itself trained (a warm-up stage, an earlier fine-tune) keeps its record
        Map<String, String> before = base.manifest().provenance();
        if (before.containsKey("training_config")) {
            p.put("base_training_config", before.get("training_config"));
            p.put("base_trained_steps", before.getOrDefault("trained_steps", "?"));
        }
        p.put("seed", Long.toString(config.seed()));
        p.put("sdk_version", SdkInfo.version());
        LoraConfig adapter = base.adapter()
                .map(a -> LoraConfig.from(JsonConfig.read(a.resolve("adapter_config.json")))).orElse(config.lora());
        return new CheckpointStore(output, base, adapter, p);
    }

    /** One run's mutable state. */
    private final class Run {
        private final SegEarthModel model;
        private final List<TrainableParameter> params;
        private final Map<String, NDArray> fixed;
        private final AdamW optimizer;
        private final CheckpointStore store;
        private final DataOrder order;
        private final int totalSteps;
        private final LrSchedule schedule;
        private final SegEarthLosses losses = SegEarthLosses.of(config);
        private int step;
        private long position;
        private double lastNorm;
        private double lastLr;

        Run(SegEarthModel model, List<TrainableParameter> params, Map<String, NDArray> fixed, AdamW optimizer,
                CheckpointStore store) {
            this.model = model;
            this.params = params;
            this.fixed = fixed;
            this.optimizer = optimizer;
            this.store = store;
            this.order = new DataOrder(data.size(), config.seed());
            this.totalSteps = config.totalSteps(data.size());
            this.schedule = LrSchedule.warmupCosine(config.learningRate(), config.warmupRatio(), totalSteps);
        }

        TrainingResult execute() {
            if (resume) {
                store.latest().ifPresent(this::restore);
            }
            int start = step;
            List<LossValues> history = new ArrayList<>();
            long began = System.nanoTime();
            while (step < totalSteps && step - start < stopAfter) {
                LossValues mean = trainStep();
                history.add(mean);
                report(mean, began, history.size());
                if (config.saveEvery() > 0 && step % config.saveEvery() == 0 && step < totalSteps) {
                    save(store.checkpointDir(step));
                }
            }
            Path result = null;
            if (step >= totalSteps) {
                save(store.checkpointDir(step));
                result = save(output.resolve("model"));
            }
            return new TrainingResult(result, start, step, history);
        }

        private void restore(Path dir) {
            try (NDManager scratch = model.manager().newSubManager()) {
                CheckpointStore.State state = CheckpointStore.load(dir, scratch);
                Map<String, NDArray> moments = new LinkedHashMap<>();
                for (TrainableParameter p : params) {
                    NDArray v = state.tensors().get("param." + p.key());
                    if (v == null) {
                        throw new InvalidInputException("checkpoint " + dir + " has no value for '" + p.key()
                                + "'; it was made with other trained weights (config or model); resume with the same ones");
                    }
                    p.assign(v);
                }
                state.tensors().forEach((k, v) -> {
                    if (k.startsWith("exp_avg")) {
                        moments.put(k, v);
                    }
                });
                optimizer.load(moments, state.step());
                step = state.step();
                position = state.position();
            }
            LOG.info("resumed from {} at step {} (data position {})", dir, step, position);
        }

        private LossValues trainStep() {
            seed(step);
            SplittableRandom points = new SplittableRandom(mix(config.seed(), step) ^ 0x9E3779B97F4A7C15L);
            int k = config.samplesPerStep();
            LossValues sum = LossValues.ZERO;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                for (int i = 0; i < k; i++) {
                    PreparedSample s = PreparedSample.of(model, data.get(order.at(position + i)));
                    sum = sum.plus(sampleBackward(gc, s, points, k, i == 0));
                }
            }
            // the gradient handles and the clipping's scalars live in a per-step manager: made in the
            // parameters' (long-lived) managers, they would pile up step after step
            try (NDManager handles = model.manager().newSubManager()) {
                List<NDArray> grads = params.stream().map(p -> {
                    NDArray g = p.gradient(); // a handle on the gradient, not the gradient itself
                    g.attach(handles);
                    return g;
                }).toList();
                double norm = GradientClipping.clip(grads, config.maxGradNorm());
                lastNorm = norm;
                lastLr = schedule.at(step);
                optimizer.step(params, grads, lastLr);
            }
            params.forEach(TrainableParameter::zeroGradient);
            position += k;
            step++;
            return sum.div(k);
        }

        private LossValues sampleBackward(GradientCollector gc, PreparedSample s, SplittableRandom points, int k,
                boolean anchor) {
            try (NDManager m = model.manager().newSubManager()) {
                LossParts parts = config.objective() == TrainingConfig.Objective.TEXT ? textLoss(m, s)
                        : losses(m, s, points);
                NDArray objective = Scalars.div(parts.total(), k);
                if (anchor) {
                    objective = objective.add(TrainableParameter.anchorTerm(params, m));
                }
                gc.backward(objective);
                return parts.values();
            }
        }

        /** The text loss alone, from the language model's pass (the mask branch does not run). */
        private LossParts textLoss(NDManager m, PreparedSample s) {
            SegEarthModel.TextPass pass = model.forwardText(m, s.image(), s.tokens());
            return LossParts.textOnly(TextCrossEntropy.compute(pass.logits(), pass.labels()));
        }

        /** Every loss, from the whole model's pass. */
        private LossParts losses(NDManager m, PreparedSample s, SplittableRandom points) {
            ImageEncoding image = model.encodeImage(m, s.image(), false, StageTimer.NONE);
            PassOptions pass = config.attentionLossEnabled() ? PassOptions.TRAINING
                    : new PassOptions(true, PassOptions.Attentions.NONE);
            SegEarthOutput out = model.forward(m, image, s.tokens(), pass, StageTimer.NONE);
            NDArray gt = s.masksArray(m);
            int side = (int) Math.round(Math.sqrt(image.numImageTokens()));
            return losses.compute(out, GroundTruth.frame(gt, image.frameSize()), GroundTruth.grid(gt, side), points);
        }

        private void report(LossValues mean, long began, int stepsDone) {
            double seconds = (System.nanoTime() - began) / 1e9;
            double sps = stepsDone * (double) config.samplesPerStep() / Math.max(seconds, 1e-9);
            double eta = (totalSteps - step) * (double) config.samplesPerStep() / Math.max(sps, 1e-9);
            if (step % config.logEvery() == 0 || step == totalSteps) {
                listener.onStep(new TrainingProgress(step, totalSteps, order.epochOf(Math.max(0, position - 1)), mean,
                        lastLr, lastNorm, sps, eta));
            }
            LOG.debug("step {}/{}: {}", step, totalSteps, mean);
        }

        private Path save(Path dir) {
            Path written = store.save(dir, step, position, params, fixed, optimizer,
                    model.languageModel().adapterTensors());
            listener.onCheckpoint(step, written);
            LOG.info("saved {} after step {}", written, step);
            return written;
        }
    }

    /** Seeds the engine's generator (LoRA dropout) for {@code step}. */
    private void seed(int step) {
        Engine.getInstance().setRandomSeed((int) (mix(config.seed(), step) & 0x7FFFFFFF));
    }

    private static long mix(long seed, long step) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step).nextLong();
    }

    /** Builder of a {@link Trainer}. */
    public static final class Builder {
        private Path basePackage;
        private BenchmarkDataset data;
        private Path output;
        private TrainingConfig config = TrainingConfig.defaults();
        private TrainingListener listener = TrainingListener.NONE;
        private ModelOptions modelOptions = ModelOptions.defaults();
        private boolean resume;
        private boolean overwrite;
        private int stopAfter = Integer.MAX_VALUE;

        private Builder() {
        }

        /** The model package to start from (its manifest, tokenizer and adapter are used). */
        public Builder basePackage(Path dir) {
            basePackage = dir;
            return this;
        }

        /** The training samples (e.g. {@code new LaSeRSDataset(root, "train")}). */
        public Builder data(BenchmarkDataset dataset) {
            data = dataset;
            return this;
        }

        /** Where checkpoints and the final package go. */
        public Builder output(Path dir) {
            output = dir;
            return this;
        }

        /** The settings. */
        public Builder config(TrainingConfig c) {
            config = Objects.requireNonNull(c, "config");
            return this;
        }

        /** Progress and checkpoint events. */
        public Builder listener(TrainingListener l) {
            listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        /** How the base package is loaded (device, threads, head). */
        public Builder modelOptions(ModelOptions o) {
            modelOptions = Objects.requireNonNull(o, "modelOptions");
            return this;
        }

        /** Continue from the latest checkpoint under the output folder when there is one. */
        public Builder resume(boolean r) {
            resume = r;
            return this;
        }

        /**
         * Start again in an output folder that holds an earlier run: its checkpoints and final
         * package are removed (only when they hold nothing but what a checkpoint consists of).
         */
        public Builder overwrite(boolean o) {
            overwrite = o;
            return this;
        }

        /** Stop after this many steps of this run (a planned interruption; resume later). */
        public Builder stopAfter(int steps) {
            if (steps < 1) {
                throw new InvalidInputException("stopAfter must be >= 1, got " + steps);
            }
            stopAfter = steps;
            return this;
        }

        /** The trainer. */
        public Trainer build() {
            return new Trainer(this);
        }
    }
}
