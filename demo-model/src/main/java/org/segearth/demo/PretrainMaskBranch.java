package org.segearth.demo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.image.ImageDecoder;
import org.segearth.runtime.image.Letterbox;
import org.segearth.runtime.image.RgbImage;
import org.segearth.runtime.pipeline.ModelOptions;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.pipeline.PassOptions;
import org.segearth.runtime.pipeline.SegEarthModel;
import org.segearth.runtime.pipeline.SegEarthOutput;
import org.segearth.runtime.pipeline.TokenInput;
import org.segearth.runtime.train.AdamW;
import org.segearth.runtime.train.GradientClipping;
import org.segearth.runtime.train.GroundTruth;
import org.segearth.runtime.train.LossLog;
import org.segearth.runtime.train.LossValues;
import org.segearth.runtime.train.LrSchedule;
import org.segearth.runtime.train.TrainableParameter;
import org.segearth.runtime.train.TrainingProgress;
import org.segearth.runtime.train.internal.CheckpointStore;
import org.segearth.runtime.train.internal.TrainableWeights;
import org.segearth.runtime.train.loss.MaskLoss;
import org.segearth.runtime.train.loss.MaskLosses;
import org.segearth.spi.SegmentationHead;
import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.LoraConfig;
import org.segearth.spi.nn.Precision;
import org.segearth.spi.nn.Scalars;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mask-branch stage of the demo recipe, between the text warm-up and the run: the mask encoder
 * (Swin), the head (pixel and transformer decoders) and the [SEG] projector learn every class of every
 * view at once, densely, without the language model. Its place is taken by a bank of [SEG] states
 * of the warm-up model: per class, the final hidden states of teacher-forced training-style answers
 * naming it ({@code 24} per class, from single, implicit and multiple instructions on random views).
 * A step draws {@code BATCH} fresh views of the training tiles (the converter's augmentations:
 * whole tiles, crops of 20-100% of the short side, small-angle turns, flips, colour, blur and
 * resolution changes, mosaics across part borders), queries every class the view shows (at least
 * the converter's smallest target fraction; a random state of the class's bank through the
 * projector, set first by {@link #separateQueries}) and trains on Mask2Former's BCE + Dice over
 * every pixel of the letterbox frame, with deep supervision.
 *
 * <p>Each step thus supervises every class of a new view for about the cost of one sample of the
 * full model, and the run that follows starts with a mask branch that already separates the classes
 * and a projector that maps the language model's [SEG] states to them. The package written to
 * {@code OUT/model} holds the base's language model, vision tower and adapter unchanged.
 *
 * <pre>
 * java -cp ... org.segearth.demo.PretrainMaskBranch BASE DUBAI OUT SEED STEPS BATCH LR HELD_OUT
 * java -cp ... org.segearth.demo.PretrainMaskBranch fold1/warmup/trained/model ../shared/data/dubai fold1/masks \
 *     42 1500 4 3e-4 1,2
 * </pre>
 * {@code HELD_OUT}: the held-out tiles of a cross-validation fold ({@code 1,2}), or {@code -} for
 * the fixed split (part N + 1 of Tile N held out); the stage only ever reads training parts.
 */
public final class PretrainMaskBranch {

    private static final Logger LOG = LoggerFactory.getLogger(PretrainMaskBranch.class);

    /** [SEG] states kept per class. */
    static final int BANK = 24;

    /**
     * Steps between two measurements of the held-out IoU (system property
     * {@code segearth.demo.masks.monitor}; 0: none).
     */
    static final int MONITOR_EVERY = Integer.getInteger("segearth.demo.masks.monitor", 100);

    /**
     * Colour jitters applied to each training view (system property {@code segearth.demo.masks.jitter}):
     * 1 is the converter's own; each further one applies {@link Augment#jitter} again, so that the
     * ranges compose (2: brightness x 0.64-1.44, contrast x 0.56-1.56, saturation x 0.36-1.96,
     * per-channel gains x 0.81-1.21).
     */
    static final int JITTERS = Integer.getInteger("segearth.demo.masks.jitter", 1);

    private PretrainMaskBranch() {
    }

    /** Parses {@code BASE DUBAI OUT SEED STEPS BATCH LR HELD_OUT} and runs the stage. */
    public static void main(String[] args) {
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        if (args.length != 8) {
            System.err.println("usage: PretrainMaskBranch BASE DUBAI OUT SEED STEPS BATCH LR HELD_OUT (1,2 or -)");
            System.exit(2);
        }
        Set<Integer> heldOut = new TreeSet<>();
        if (!args[7].equals("-")) {
            for (String t : args[7].split(",")) {
                heldOut.add(Integer.parseInt(t.trim()));
            }
        }
        Path model = run(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), Long.parseLong(args[3]),
                Integer.parseInt(args[4]), Integer.parseInt(args[5]), Double.parseDouble(args[6]), heldOut);
        LOG.info("mask-branch package: {}", model);
    }

    /**
     * Runs the stage; returns {@code out/model}. An {@code out} that already holds a model is
     * refused (the recipe's driver skips a finished stage).
     */
    public static Path run(Path base, Path dubai, Path out, long seed, int steps, int batch, double lr,
            Set<Integer> heldOut) {
        if (steps < 1 || batch < 1 || lr <= 0) {
            throw new SegEarthException("steps, batch and learning rate must be positive; got " + steps + ", " + batch
                    + ", " + lr);
        }
        Path target = out.resolve("model");
        if (Files.exists(target)) {
            throw new SegEarthException(target + " already exists; remove it or choose another folder");
        }
        Views views = Views.load(dubai, DubaiConverter.Options.recipe(seed, heldOut, 1), JITTERS);
        List<DubaiConverter.View> heldOutViews = MONITOR_EVERY > 0 ? Views.heldOut(dubai, views.options) : List.of();
        ModelPackage pkg = ModelPackage.open(base);
        ModelOptions options = ModelOptions.defaults().withMergedAdapter(false).withPrecision(Precision.F32);
        try (SegEarthModel model = SegEarthModel.load(pkg, options);
                LossLog csv = LossLog.open(out.resolve("loss.csv"), false);
                HeldOutLog monitor = HeldOutLog.open(out.resolve("held-out-iou.csv"), heldOutViews, views.options)) {
            Random random = new Random(seed * 31 + 7);
            float[][][] bank = bank(model, views, random);
            separateQueries(model, bank, random);
            monitor.measure(model, bank, 0);
            // the mask branch and the projector train; the language model and the vision tower are kept
            List<TrainableParameter> params = new ArrayList<>();
            Map<String, NDArray> kept = new LinkedHashMap<>();
            TrainableWeights.live(model).forEach((k, a) -> {
                if (k.startsWith("mllm.")) {
                    kept.put(k, a);
                } else {
                    params.add(TrainableParameter.of(k, a));
                }
            });
            params.forEach(TrainableParameter::requireGradient);
            LrSchedule schedule = LrSchedule.warmupCosine(lr, 0.03, steps);
            MaskLosses losses = MaskLosses.defaults();
            RunningIou iou = new RunningIou();
            long began = System.nanoTime();
            try (AdamW optimizer = new AdamW(model.manager(), 0.9, 0.999, 1e-8, 0)) {
                for (int step = 0; step < steps; step++) {
                    Engine.getInstance().setRandomSeed((int) ((seed * 1_000_003L + step) & 0x7FFFFFFF));
                    double[] parts = step(model, params, views, bank, losses, random, batch, iou);
                    double norm;
                    try (NDManager handles = model.manager().newSubManager()) {
                        List<NDArray> grads = params.stream().map(p -> {
                            NDArray g = p.gradient();
                            g.attach(handles);
                            return g;
                        }).toList();
                        norm = GradientClipping.clip(grads, 1.0);
                        optimizer.step(params, grads, schedule.at(step));
                    }
                    params.forEach(TrainableParameter::zeroGradient);
                    double seconds = (System.nanoTime() - began) / 1e9;
                    double sps = (step + 1) * (double) batch / seconds;
                    csv.onStep(new TrainingProgress(step + 1, steps, 0,
                            new LossValues(0, parts[0], parts[1], 0, parts[0] + parts[1]), schedule.at(step), norm, sps,
                            (steps - step - 1) * batch / sps));
                    if ((step + 1) % 25 == 0 || step + 1 == steps) {
                        LOG.info(String.format(Locale.ROOT, "step %d/%d: bce %.4f dice %.4f (%.2f views/s); training-view IoU"
                                + " of the last steps: %s", step + 1, steps, parts[0], parts[1], sps, iou.drain()));
                    }
                    if (MONITOR_EVERY > 0 && ((step + 1) % MONITOR_EVERY == 0 || step + 1 == steps)) {
                        monitor.measure(model, bank, step + 1);
                    }
                }
                LoraConfig adapter = pkg.adapter()
                        .map(a -> LoraConfig.from(JsonConfig.read(a.resolve("adapter_config.json"))))
                        .orElseThrow(() -> new SegEarthException(base + " has no adapter; start from the text warm-up's"
                                + " package"));
                Map<String, String> provenance = new LinkedHashMap<>();
                provenance.put("mask_branch_stage", "PretrainMaskBranch seed=" + seed + " steps=" + steps + " batch="
                        + batch + " lr=" + lr + " held_out=" + (heldOut.isEmpty() ? "part N+1 of Tile N" : heldOut)
                        + " tiles=" + views.tiles.size() + " jitters=" + JITTERS);
                return new CheckpointStore(out, pkg, adapter, provenance).save(target, steps, 0, params, kept,
                        optimizer, model.languageModel().adapterTensors());
            }
        }
    }

    /** One step's forward and backward over {@code batch} fresh views; returns the mean BCE and Dice. */
    private static double[] step(SegEarthModel model, List<TrainableParameter> params, Views views, float[][][] bank,
            MaskLosses losses, Random random, int batch, RunningIou iou) {
        int frame = model.modelPackage().manifest().maskImageSize();
        double bce = 0;
        double dice = 0;
        try (NDManager m = model.manager().newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray total = null;
            for (int b = 0; b < batch; b++) {
                DubaiConverter.View v = views.next(random);
                List<DubaiClass> present = new ArrayList<>(DubaiConverter.Sampler.present(v, views.options));
                present.removeIf(c -> bank[c.ordinal()].length == 0);
                if (present.isEmpty()) {
                    continue; // nothing to learn from this view: the encoder need not run
                }
                NDArray pixels = Letterbox.apply(rgb(v), frame).toNDArray(m);
                List<NDArray> features = model.maskEncoder().encode(pixels);
                int width = bank[present.get(0).ordinal()][0].length;
                float[] states = new float[present.size() * width];
                for (int q = 0; q < present.size(); q++) {
                    float[][] own = bank[present.get(q).ordinal()];
                    System.arraycopy(own[random.nextInt(own.length)], 0, states, q * width, width);
                }
                NDArray queries = model.projector().forward(
                        Scalars.nativeCopy(m.create(states, new Shape(present.size(), width))));
                SegmentationHead.HeadOutput head = model.head().predict(features, queries);
                NDArray gt = GroundTruth.frame(classMasks(m, v, present), frame);
                List<NDArray> predictions = new ArrayList<>(head.auxMaskLogits());
                predictions.add(head.maskLogits());
                int n = present.size();
                iou.add(present, head.maskLogits(), gt);
                MaskLoss loss = MaskLosses.deepSupervision(predictions, p -> losses.dense(p, gt, n));
                // Scalars: a Number operand is Java memory that autograd would read after it is freed
                NDArray sum = Scalars.div(loss.bce().add(loss.dice()), batch);
                total = total == null ? sum : total.add(sum);
                bce += loss.bce().getFloat() / batch;
                dice += loss.dice().getFloat() / batch;
            }
            // 0 x every trained array: each gets a (possibly zero) gradient, also those this loss does not reach
            NDArray anchor = TrainableParameter.anchorTerm(params, m);
            gc.backward(total == null ? anchor : total.add(anchor));
        }
        return new double[] {bce, dice};
    }

    /** {@code [classes, H, W]}: 1 where the view's pixel is of that class, in the order of {@code classes}. */
    private static NDArray classMasks(NDManager m, DubaiConverter.View v, List<DubaiClass> classes) {
        int size = v.classes().length;
        float[] out = new float[classes.size() * size];
        byte[] map = v.classes();
        for (int q = 0; q < classes.size(); q++) {
            int c = classes.get(q).ordinal();
            for (int i = 0; i < size; i++) {
                if (map[i] == c) {
                    out[q * size + i] = 1f;
                }
            }
        }
        return m.create(out, new Shape(classes.size(), v.height(), v.width()));
    }

    /** Per class, the intersection and union of the final masks (logit > 0) with the targets, over a window of steps. */
    static final class RunningIou {
        private final double[] inter = new double[DubaiClass.values().length];
        private final double[] union = new double[DubaiClass.values().length];

        /** Adds the masks of {@code classes} ({@code logits} at the head's stride, {@code gt} in the frame). */
        void add(List<DubaiClass> classes, NDArray logits, NDArray gt) {
            long[][] counts = overlaps(logits, gt);
            for (int q = 0; q < classes.size(); q++) {
                inter[classes.get(q).ordinal()] += counts[q][0];
                union[classes.get(q).ordinal()] += counts[q][1];
            }
        }

        /**
         * Per query, the intersection and union (in frame pixels) of the mask {@code logits > 0}
         * ({@code [n, h, w]} at the head's stride, resized to the frame) with the target {@code gt}
         * ({@code [n, frame, frame]}).
         */
        static long[][] overlaps(NDArray logits, NDArray gt) {
            Shape t = gt.getShape();
            float[] p = org.segearth.spi.nn.Interpolation.bilinear(logits.stopGradient(), (int) t.get(1), (int) t.get(2))
                    .toFloatArray();
            float[] g = gt.toFloatArray();
            int n = (int) t.get(0);
            int size = (int) (t.get(1) * t.get(2));
            long[][] out = new long[n][2];
            for (int q = 0; q < n; q++) {
                for (int i = q * size; i < (q + 1) * size; i++) {
                    boolean a = p[i] > 0;
                    boolean b = g[i] > 0.5f;
                    out[q][0] += a && b ? 1 : 0;
                    out[q][1] += a || b ? 1 : 0;
                }
            }
            return out;
        }

        /** {@code class=IoU} per class seen since the last call; then starts a new window. */
        String drain() {
            StringBuilder sb = new StringBuilder();
            for (DubaiClass c : DubaiClass.values()) {
                if (union[c.ordinal()] > 0) {
                    sb.append(String.format(Locale.ROOT, " %s=%.3f", c.id(), inter[c.ordinal()] / union[c.ordinal()]));
                }
                inter[c.ordinal()] = 0;
                union[c.ordinal()] = 0;
            }
            return sb.toString().trim();
        }
    }

    /**
     * The stage's IoU on the held-out parts (whole, as the validation views are), measured every
     * {@link #MONITOR_EVERY} steps: every class a part shows is queried with the mean of its bank
     * through the projector; per class the IoU over all parts (intersections and unions summed) and
     * the mean of the per-part IoUs. Logged and written to {@code held-out-iou.csv} ({@code
     * step,class,iou_summed,iou_mean,parts}). A diagnostic only: nothing of the stage depends on it.
     */
    static final class HeldOutLog implements AutoCloseable {
        private final List<DubaiConverter.View> views;
        /** Per view, its image as the model reads it (JPEG round trip, as the written views are). */
        private final List<RgbImage> images;
        /** Per view, the classes it shows (the converter's smallest target fraction). */
        private final List<List<DubaiClass>> present;
        private final java.io.BufferedWriter csv;

        private HeldOutLog(List<DubaiConverter.View> views, DubaiConverter.Options options, java.io.BufferedWriter csv) {
            this.views = views;
            this.images = views.stream().map(PretrainMaskBranch::rgb).toList();
            this.present = views.stream().map(v -> DubaiConverter.Sampler.present(v, options)).toList();
            this.csv = csv;
        }

        /** A log of {@code views} into {@code file} (none written when there are no views). */
        static HeldOutLog open(Path file, List<DubaiConverter.View> views, DubaiConverter.Options options) {
            if (views.isEmpty()) {
                return new HeldOutLog(views, options, null);
            }
            try {
                Files.createDirectories(file.getParent());
                java.io.BufferedWriter w = Files.newBufferedWriter(file);
                w.write("step,class,iou_summed,iou_mean,parts\n");
                return new HeldOutLog(views, options, w);
            } catch (java.io.IOException e) {
                throw new SegEarthException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }

        void measure(SegEarthModel model, float[][][] bank, int step) {
            if (views.isEmpty()) {
                return;
            }
            float[][] means = classMeans(bank);
            int frame = model.modelPackage().manifest().maskImageSize();
            int classes = DubaiClass.values().length;
            double[] inter = new double[classes];
            double[] union = new double[classes];
            double[] sumIou = new double[classes];
            int[] parts = new int[classes];
            for (int j = 0; j < views.size(); j++) {
                List<DubaiClass> queried = new ArrayList<>(present.get(j));
                queried.removeIf(c -> means[c.ordinal()] == null);
                if (queried.isEmpty()) {
                    continue;
                }
                try (NDManager m = model.manager().newSubManager()) {
                    int width = means[queried.get(0).ordinal()].length;
                    float[] states = new float[queried.size() * width];
                    for (int q = 0; q < queried.size(); q++) {
                        System.arraycopy(means[queried.get(q).ordinal()], 0, states, q * width, width);
                    }
                    NDArray pixels = Letterbox.apply(images.get(j), frame).toNDArray(m);
                    NDArray queries = model.projector().forward(m.create(states, new Shape(queried.size(), width)));
                    NDArray logits = model.head().predict(model.maskEncoder().encode(pixels), queries).maskLogits();
                    long[][] counts = RunningIou.overlaps(logits,
                            GroundTruth.frame(classMasks(m, views.get(j), queried), frame));
                    for (int q = 0; q < queried.size(); q++) {
                        int c = queried.get(q).ordinal();
                        inter[c] += counts[q][0];
                        union[c] += counts[q][1];
                        sumIou[c] += counts[q][1] > 0 ? counts[q][0] / (double) counts[q][1] : 0;
                        parts[c]++;
                    }
                }
            }
            StringBuilder line = new StringBuilder();
            try {
                for (DubaiClass c : DubaiClass.values()) {
                    int k = c.ordinal();
                    if (parts[k] == 0) {
                        continue;
                    }
                    double summed = union[k] > 0 ? inter[k] / union[k] : 0;
                    double mean = sumIou[k] / parts[k];
                    line.append(String.format(Locale.ROOT, " %s=%.3f/%.3f", c.id(), summed, mean));
                    csv.write(String.format(Locale.ROOT, "%d,%s,%.5f,%.5f,%d%n", step, c.id(), summed, mean, parts[k]));
                }
                csv.flush();
            } catch (java.io.IOException e) {
                throw new SegEarthException("cannot write the held-out IoU: " + e.getMessage(), e);
            }
            LOG.info("held-out IoU at step {} (summed/mean over {} parts):{}", step, views.size(), line);
        }

        @Override
        public void close() {
            if (csv != null) {
                try {
                    csv.close();
                } catch (java.io.IOException e) {
                    throw new SegEarthException("cannot close the held-out IoU log: " + e.getMessage(), e);
                }
            }
        }
    }

    private static RgbImage rgb(DubaiConverter.View v) {
        return ImageDecoder.fromBufferedImage(DubaiConverter.jpegRoundTrip(v.image()));
    }

    /**
     * Per class, {@link #BANK} final hidden states at a [SEG] naming it: teacher-forced passes of the
     * warm-up model over training-style single, implicit and multiple instructions on random views.
     */
    private static float[][][] bank(SegEarthModel model, Views views, Random random) {
        DubaiClass[] all = DubaiClass.values();
        Map<DubaiClass, List<float[]>> states = new EnumMap<>(DubaiClass.class);
        for (DubaiClass c : all) {
            states.put(c, new ArrayList<>());
        }
        PassOptions pass = new PassOptions(false, PassOptions.Attentions.NONE);
        int tries = 0;
        // a class the training parts (almost) never show gets fewer states, or none (it is then never queried)
        while (states.values().stream().anyMatch(l -> l.size() < BANK) && tries++ < 20 * BANK) {
            DubaiConverter.View v = views.next(random);
            List<DubaiClass> present = new ArrayList<>(DubaiConverter.Sampler.present(v, views.options));
            present.removeIf(c -> states.get(c).size() >= BANK);
            if (present.isEmpty()) {
                continue;
            }
            Collections.shuffle(present, random);
            Instruction in = switch (random.nextInt(3)) {
                case 0 -> RichInstructions.single(present.get(0), random);
                case 1 -> RichInstructions.implicit(present.get(0), random);
                default -> RichInstructions.multiple(present.subList(0, Math.min(present.size(), 3)), random);
            };
            try (NDManager m = model.manager().newSubManager()) {
                TokenInput tokens = model.tokens(in.description(), in.answer());
                SegEarthOutput out = model.forward(m, rgb(v), tokens, pass);
                NDArray hidden = out.segHidden();
                for (int i = 0; i < in.targets().size() && i < hidden.getShape().get(0); i++) {
                    List<float[]> list = states.get(in.targets().get(i));
                    if (list.size() < BANK) {
                        list.add(hidden.get(i).toFloatArray());
                    }
                }
            }
        }
        float[][][] out = new float[all.length][][];
        for (DubaiClass c : all) {
            out[c.ordinal()] = states.get(c).toArray(new float[0][]);
        }
        if (states.values().stream().allMatch(List::isEmpty)) {
            throw new SegEarthException("no class covers " + views.options.minFraction() * 100
                    + "% of any training view; the mask-branch stage has nothing to learn");
        }
        LOG.info("[SEG] state bank from {} views: {} states; cosine of the class means: {}", tries,
                states.entrySet().stream().map(e -> e.getKey().id() + " " + e.getValue().size()).toList(),
                cosines(out));
        return out;
    }

    /**
     * Sets the [SEG] projector so that the classes start far apart. The warm-up's [SEG] states of
     * different classes point almost the same way (cosine up to 0.96 between the means of buildings,
     * roads and vegetation), and a projector drawn at random keeps their queries as close, so the
     * head cannot tell those classes apart and learns only the two that differ most. The projector
     * becomes the ridge regression from the bank's centred states to one random orthogonal direction
     * per class (at the norm its queries had): {@code W = (Hc' Hc + l I)^-1 Hc' T}, bias {@code -mean W}.
     */
    static void separateQueries(SegEarthModel model, float[][][] bank, Random random) {
        int d = (int) model.projector().inFeatures();
        int q = (int) model.projector().outFeatures();
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < bank.length; c++) {
            for (float[] v : bank[c]) {
                rows.add(v);
                labels.add(c);
            }
        }
        int n = rows.size();
        double[] mean = new double[d];
        for (float[] v : rows) {
            for (int i = 0; i < d; i++) {
                mean[i] += v[i] / (double) n;
            }
        }
        // the norm the random projector gives a centred state: the targets keep that scale
        float[] w0 = model.projector().weight().toFloatArray();
        double scale = 0;
        for (float[] v : rows) {
            double sq = 0;
            for (int o = 0; o < q; o++) {
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += w0[o * d + i] * (v[i] - mean[i]);
                }
                sq += dot * dot;
            }
            scale += Math.sqrt(sq) / n;
        }
        double[][] targets = orthogonalDirections(bank.length, q, random);
        double[][] gram = new double[d][d];
        double[][] rhs = new double[d][q];
        for (int r = 0; r < n; r++) {
            float[] v = rows.get(r);
            double[] t = targets[labels.get(r)];
            for (int i = 0; i < d; i++) {
                double xi = v[i] - mean[i];
                for (int j = 0; j < d; j++) {
                    gram[i][j] += xi * (v[j] - mean[j]);
                }
                for (int o = 0; o < q; o++) {
                    rhs[i][o] += xi * t[o] * scale;
                }
            }
        }
        double trace = 0;
        for (int i = 0; i < d; i++) {
            trace += gram[i][i];
        }
        for (int i = 0; i < d; i++) {
            gram[i][i] += 1e-3 * trace / d;
        }
        double[][] w = Cholesky.solve(gram, rhs); // [d][q]
        float[] weight = new float[q * d];
        float[] bias = new float[q];
        for (int o = 0; o < q; o++) {
            double b = 0;
            for (int i = 0; i < d; i++) {
                weight[o * d + i] = (float) w[i][o];
                b -= mean[i] * w[i][o];
            }
            bias[o] = (float) b;
        }
        NDManager m = model.manager();
        try (NDArray wv = m.create(weight, new Shape(q, d)); NDArray bv = m.create(bias, new Shape(q))) {
            TrainableParameter.of("seg_projector.weight", model.projector().weight()).assign(wv);
            TrainableParameter.of("seg_projector.bias", model.projector().bias()).assign(bv);
        }
        LOG.info(String.format(Locale.ROOT, "[SEG] projector set to separate the %d classes (query norm %.3f)",
                bank.length, scale));
    }

    /** {@code k} orthonormal random directions in {@code R^q} (Gram-Schmidt on Gaussian draws). */
    static double[][] orthogonalDirections(int k, int q, Random random) {
        double[][] out = new double[k][q];
        for (int a = 0; a < k; a++) {
            for (int i = 0; i < q; i++) {
                out[a][i] = random.nextGaussian();
            }
            for (int b = 0; b < a; b++) {
                double dot = 0;
                for (int i = 0; i < q; i++) {
                    dot += out[a][i] * out[b][i];
                }
                for (int i = 0; i < q; i++) {
                    out[a][i] -= dot * out[b][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < q; i++) {
                norm += out[a][i] * out[a][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < q; i++) {
                out[a][i] /= norm;
            }
        }
        return out;
    }

    /** Solves {@code A X = B} for a symmetric positive definite {@code A}. */
    static final class Cholesky {
        private Cholesky() {
        }

        static double[][] solve(double[][] a, double[][] b) {
            int n = a.length;
            double[][] l = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    double sum = a[i][j];
                    for (int k = 0; k < j; k++) {
                        sum -= l[i][k] * l[j][k];
                    }
                    if (i == j) {
                        if (sum <= 0) {
                            throw new SegEarthException("the [SEG] states' Gram matrix is not positive definite");
                        }
                        l[i][i] = Math.sqrt(sum);
                    } else {
                        l[i][j] = sum / l[j][j];
                    }
                }
            }
            int m = b[0].length;
            double[][] x = new double[n][m];
            for (int c = 0; c < m; c++) {
                double[] y = new double[n];
                for (int i = 0; i < n; i++) {
                    double sum = b[i][c];
                    for (int k = 0; k < i; k++) {
                        sum -= l[i][k] * y[k];
                    }
                    y[i] = sum / l[i][i];
                }
                for (int i = n - 1; i >= 0; i--) {
                    double sum = y[i];
                    for (int k = i + 1; k < n; k++) {
                        sum -= l[k][i] * x[k][c];
                    }
                    x[i][c] = sum / l[i][i];
                }
            }
            return x;
        }
    }

    /** Per class, the mean of its bank's states; null for a class without states. */
    static float[][] classMeans(float[][][] bank) {
        float[][] means = new float[bank.length][];
        for (int c = 0; c < bank.length; c++) {
            float[][] own = bank[c];
            if (own.length == 0) {
                continue;
            }
            means[c] = new float[own[0].length];
            for (float[] v : own) {
                for (int i = 0; i < v.length; i++) {
                    means[c][i] += v[i] / own.length;
                }
            }
        }
        return means;
    }

    /** The pairwise cosine similarities of the classes' mean states (how far apart the queries start). */
    private static String cosines(float[][][] bank) {
        float[][] all = classMeans(bank);
        List<float[]> means = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (DubaiClass c : DubaiClass.values()) {
            if (all[c.ordinal()] != null) {
                means.add(all[c.ordinal()]);
                names.add(c.id());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int a = 0; a < means.size(); a++) {
            for (int b = a + 1; b < means.size(); b++) {
                double dot = 0;
                double na = 0;
                double nb = 0;
                for (int i = 0; i < means.get(a).length; i++) {
                    dot += means.get(a)[i] * means.get(b)[i];
                    na += means.get(a)[i] * means.get(a)[i];
                    nb += means.get(b)[i] * means.get(b)[i];
                }
                sb.append(String.format(Locale.ROOT, "%s/%s %.3f ", names.get(a), names.get(b),
                        dot / Math.sqrt(na * nb)));
            }
        }
        return sb.toString().trim();
    }

    /** Fresh augmented views of the training parts, drawn as the converter draws its training views. */
    static final class Views {
        private final List<DubaiConverter.Tile> tiles;
        private final DubaiConverter.Options options;
        private final int jitters;

        private Views(List<DubaiConverter.Tile> tiles, DubaiConverter.Options options, int jitters) {
            this.tiles = tiles;
            this.options = options;
            this.jitters = jitters;
        }

        /** The held-out parts of {@code dubai} under {@code options}' split, whole, as the validation views are. */
        static List<DubaiConverter.View> heldOut(Path dubai, DubaiConverter.Options options) {
            List<DubaiConverter.View> out = new ArrayList<>();
            for (String stem : DubaiConverter.stems(dubai)) {
                if (DubaiConverter.isValidation(stem, options)) {
                    out.add(DubaiConverter.Tile.read(dubai, stem).validationViews(options.maxSide()).get(0));
                }
            }
            return out;
        }

        /**
         * The training parts of {@code dubai} under {@code options}' split; {@code jitters} colour
         * jitters per view (at least 1, the converter's).
         */
        static Views load(Path dubai, DubaiConverter.Options options, int jitters) {
            if (jitters < 1) {
                throw new SegEarthException("segearth.demo.masks.jitter must be at least 1; got " + jitters);
            }
            List<DubaiConverter.Tile> tiles = new ArrayList<>();
            for (String stem : DubaiConverter.stems(dubai)) {
                if (!DubaiConverter.isValidation(stem, options)) {
                    tiles.add(DubaiConverter.Tile.read(dubai, stem));
                }
            }
            if (tiles.isEmpty()) {
                throw new SegEarthException(dubai + " has no training parts for the held-out tiles " + options.heldOut());
            }
            LOG.info("{} training parts", tiles.size());
            return new Views(tiles, options, jitters);
        }

        /** The training parts. */
        int size() {
            return tiles.size();
        }

        /**
         * A random training part, then per the converter's mix for a part (1 whole view, 11 crops, 2
         * mosaics with the previous part of the same tile): the whole part, a crop, or a mosaic.
         */
        DubaiConverter.View next(Random random) {
            DubaiConverter.View v = draw(random);
            for (int j = 1; j < jitters; j++) {
                v = new DubaiConverter.View(Augment.jitter(v.image(), random), v.classes());
            }
            return v;
        }

        private DubaiConverter.View draw(Random random) {
            int i = random.nextInt(tiles.size());
            DubaiConverter.Tile t = tiles.get(i);
            int kind = random.nextInt(14);
            if (kind == 0) {
                return t.wholeView(options, random);
            }
            if (kind >= 12 && i > 0
                    && DubaiConverter.tileNumber(tiles.get(i - 1).stem()) == DubaiConverter.tileNumber(t.stem())) {
                DubaiConverter.View mosaic = DubaiConverter.Tile.mosaic(tiles.get(i - 1), t, options.maxSide(), random)
                        .transform(random);
                return Augment.photometric(mosaic, random);
            }
            return t.augmentedCrop(options, random);
        }
    }
}
