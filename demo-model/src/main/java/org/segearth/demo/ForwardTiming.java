package org.segearth.demo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.segearth.runtime.Engines;
import org.segearth.spi.AttentionCapture;
import org.segearth.spi.ForwardOptions;
import org.segearth.spi.SegmentationHead;

/**
 * Measures the demo model's cost on this machine: per sample, the inference forward of each
 * component and a forward + backward through all of them with every weight requiring a gradient
 * (the from-scratch training step without loss details and optimizer), at a batch of samples, a
 * prompt of {@code tokens} and two targets per sample. Prints a table and the samples per hour.
 * The backward reaches only the components that keep the autograd graph (see the module README:
 * {@code NDArray.duplicate()} detaches on PyTorch).
 *
 * <pre>
 * java -cp ... org.segearth.demo.ForwardTiming [BATCH [TOKENS [REPEATS [VISION_SIDE [PHI_HIDDEN PHI_LAYERS]]]]]
 * </pre>
 */
public final class ForwardTiming {

    private ForwardTiming() {}

    /** Runs the measurement. */
    public static void main(String[] args) throws IOException {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 280;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        DemoConfig config = DemoConfig.proposed();
        if (args.length > 3) {
            config = config.withVisionImageSize(Integer.parseInt(args[3]));
        }
        if (args.length > 5) {
            int hidden = Integer.parseInt(args[4]);
            config = config.withLlm(hidden, Integer.parseInt(args[5]), hidden / 64, 4 * hidden);
        }
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        Engines.init();
        Path pkg = Files.createTempDirectory("demo-timing");
        DemoModelFactory.Summary summary = DemoModelFactory.create(pkg, config, 1, true);
        System.out.printf(Locale.ROOT, "vision side %d (%d image tokens), phi %d x %d layers: %d parameters; batch %d, %d LLM tokens (image tokens included), 2 targets"
                + " per sample, %d repeats, intra-op threads %s%n", config.visionImageSize(),
                (config.visionImageSize() / config.visionPatchSize()) * (config.visionImageSize() / config.visionPatchSize()),
                config.llmHidden(), config.llmLayers(), summary.total(), batch, tokens, repeats,
                System.getProperty("ai.djl.pytorch.num_threads", "default"));
        try (DemoComponents c = DemoComponents.open(pkg)) {
            c.requireGradients();
            double[] t = new double[4];
            for (int r = 0; r <= repeats; r++) {
                double[] once = training(c, batch, tokens, config.maskImageSize());
                if (r > 0) {
                    for (int i = 0; i < t.length; i++) {
                        t[i] += once[i] / repeats / batch;
                    }
                }
            }
            double total = t[0] + t[1] + t[2] + t[3];
            System.out.printf(Locale.ROOT, "training step per sample (every weight trainable): forward vision %.3f s,"
                    + " phi %.3f s, swin + head %.3f s, backward %.3f s; total %.3f s -> %.0f samples per hour%n",
                    t[0], t[1], t[2], t[3], total, 3600 / total);
        }
        try (DemoComponents c = DemoComponents.open(pkg)) {
            double[] t = new double[4];
            for (int r = 0; r <= repeats; r++) {
                double[] once = inference(c, batch, tokens, config.maskImageSize());
                if (r > 0) { // the first run warms up
                    for (int i = 0; i < t.length; i++) {
                        t[i] += once[i] / repeats / batch;
                    }
                }
            }
            System.out.printf(Locale.ROOT, "inference per sample: vision %.3f s, phi %.3f s , swin %.3f"
                    + " s, head %.3f s, total %.3f s%n", t[0], t[1], t[2], t[3], t[0] + t[1] + t[2] + t[3]);
        }
    }

    private static double[] inference(DemoComponents c, int batch, int tokens, int maskSide) {
        double[] t = new double[4];
        try (NDManager m = c.manager().newSubManager()) {
            int side = c.vision().imageSize();
            NDArray pixels = m.randomNormal(new Shape(batch, 3, maskSide, maskSide));
            long t0 = System.nanoTime();
            c.vision().encode(m.randomNormal(new Shape(batch, 3, side, side)));
            long t1 = System.nanoTime();
            NDArray embeds = m.randomNormal(new Shape(batch, tokens, c.lm().hiddenSize()));
            c.lm().forward(embeds, null, ForwardOptions.DEFAULT).logits();
            long t2 = System.nanoTime();
            t[0] = (t1 - t0) / 1e9;
            t[1] = (t2 - t1) / 1e9;
            for (int b = 0; b < batch; b++) {
                NDArray image = pixels.get(b).expandDims(0);
                long s0 = System.nanoTime();
                List<NDArray> maps = c.maskEncoder().encode(image);
                long s1 = System.nanoTime();
                c.head().predict(maps, m.randomNormal(new Shape(2, c.head().queryDim())));
                long s2 = System.nanoTime();
                t[2] += (s1 - s0) / 1e9;
                t[3] += (s2 - s1) / 1e9;
            }
        }
        return t;
    }

    private static double[] training(DemoComponents c, int batch, int tokens, int maskSide) {
        try (NDManager m = c.manager().newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            long t0 = System.nanoTime();
            int side = c.vision().imageSize();
            NDArray pixels = m.randomNormal(new Shape(batch, 3, maskSide, maskSide));
            NDArray image = c.vision().encode(m.randomNormal(new Shape(batch, 3, side, side)));
            long t1 = System.nanoTime();
            NDArray text = c.lm().embed(m.zeros(new Shape(batch, tokens - image.getShape().get(1)),
                    ai.djl.ndarray.types.DataType.INT64));
            // the attention loss reads the [SEG] rows' attention to the image tokens in every layer; all of
            // it is captured here (a row/column slice is freed before the backward in llm-phi as of now)
            AttentionCapture capture = AttentionCapture.all();
            var out = c.lm().forward(text.concat(image, 1), null, ForwardOptions.DEFAULT.withAttentions(capture));
            List<NDArray> losses = new ArrayList<>();
            losses.add(out.logits().mean());
            out.attentions().forEach(a -> losses.add(a.mean()));
            NDArray last = out.lastHiddenState();
            long t2 = System.nanoTime();
            for (int b = 0; b < batch; b++) {
                List<NDArray> maps = c.maskEncoder().encode(pixels.get(b).expandDims(0));
                NDArray queries = c.projectSeg(last.get(b).get("-2:"));
                SegmentationHead.HeadOutput h = c.head().predict(maps, queries);
                losses.add(h.maskLogits().mean());
                h.auxMaskLogits().forEach(a -> losses.add(a.mean()));
            }
            NDArray loss = ai.djl.ndarray.NDArrays.add(losses.toArray(new NDArray[0]));
            loss.getFloat();
            long t3 = System.nanoTime();
            gc.backward(loss);
            long t4 = System.nanoTime();
            return new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9};
        }
    }
}
