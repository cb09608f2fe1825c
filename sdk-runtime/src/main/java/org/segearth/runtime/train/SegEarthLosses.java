package org.segearth.runtime.train;

import org.segearth.spi.nn.Scalars;
import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.segearth.runtime.pipeline.SegEarthOutput;
import org.segearth.runtime.train.loss.MaskLoss;
import org.segearth.runtime.train.loss.MaskLosses;
import org.segearth.runtime.train.loss.SpatialAttentionLoss;
import org.segearth.runtime.train.loss.TextCrossEntropy;

/**
 * SegEarth-R2's training loss of one teacher-forced pass: text cross-entropy + 5 BCE + 5 Dice
 * (over the head's initial prediction and every decoder layer, against the ground truth in the
 * letterbox frame) + lambda_S times the spatial attention loss (the [SEG] -> image attentions of
 * every layer, against the ground truth on the image-token grid).
 *
 * <pre>{@code
 * SegEarthLosses losses = new SegEarthLosses(TrainingConfig.MaskLossMode.DENSE, 0.01f);
 * LossParts parts = losses.compute(out, GroundTruth.frame(gt, 1024), GroundTruth.grid(gt, 27), rng);
 * }</pre>
 */
public final class SegEarthLosses {

    private final TrainingConfig.MaskLossMode mode;
    private final float attentionWeight;
    private final MaskLosses maskLosses = MaskLosses.defaults();

    /** Losses with the given mask variant and lambda_S. */
    public SegEarthLosses(TrainingConfig.MaskLossMode mode, float attentionWeight) {
        this.mode = mode;
        this.attentionWeight = attentionWeight;
    }

    /** The losses of {@code config}. */
    public static SegEarthLosses of(TrainingConfig config) {
        return new SegEarthLosses(config.maskLoss(), config.attentionWeight());
    }

    /**
     * @param out a pass with logits and, when lambda_S > 0, the {@code SEG_TO_IMAGE} attentions
     * @param frameMasks {@code [S, F, F]} the targets in the letterbox frame ({@link GroundTruth#frame})
     * @param gridMasks {@code [S, grid]} the targets on the image-token grid ({@link GroundTruth#grid})
     * @param random the point sampler's randomness (unused by the dense variant)
     */
    public LossParts compute(SegEarthOutput out, NDArray frameMasks, NDArray gridMasks, RandomGenerator random) {
        NDArray text = TextCrossEntropy.compute(out.logits(), out.labels());
        if (out.numTargets() == 0) {
            return LossParts.textOnly(text);
        }
        if (frameMasks.getShape().get(0) != out.numTargets()) {
            throw new IllegalArgumentException("the answer has " + out.numTargets() + " [SEG] tokens but the sample "
                    + frameMasks.getShape().get(0) + " masks; every [SEG] needs one mask");
        }
        MaskLoss mask = MaskLosses.deepSupervision(predictions(out), p -> maskLoss(p, frameMasks, random));
        NDArray attention = attentionWeight > 0 ? attention(out, gridMasks) : Scalars.mul(text, 0);
        NDArray total = text.add(mask.bce()).add(mask.dice()).add(Scalars.mul(attention, attentionWeight));
        return new LossParts(text, mask.bce(), mask.dice(), attention, total);
    }

    private MaskLoss maskLoss(NDArray logits, NDArray frameMasks, RandomGenerator random) {
        float n = frameMasks.getShape().get(0);
        return mode == TrainingConfig.MaskLossMode.DENSE ? maskLosses.dense(logits, frameMasks, n)
                : maskLosses.pointSampled(logits, frameMasks, n, random);
    }

    /** The initial prediction and every decoder layer's, the final one last. */
    static List<NDArray> predictions(SegEarthOutput out) {
        List<NDArray> all = new ArrayList<>(out.auxMaskLogits());
        all.add(out.maskLogits());
        return all;
    }

    /** The attention loss over the captured layers ({@code [1, heads, targets, imageTokens]} slices or whole maps). */
    private static NDArray attention(SegEarthOutput out, NDArray gridMasks) {
        if (out.attentions().isEmpty()) {
            throw new IllegalStateException("the attention loss needs the [SEG] -> image attentions; run the pass with"
                    + " PassOptions.TRAINING (or set lambda_S to 0)");
        }
        List<NDArray> layers = new ArrayList<>();
        for (NDArray a : out.attentions()) {
            layers.add(a.get(0));
        }
        long rows = layers.get(0).getShape().get(1);
        long cols = layers.get(0).getShape().get(2);
        int[] image = out.imagePositions();
        if (rows == out.numTargets() && cols == image.length) { // captured SEG_TO_IMAGE slices
            return SpatialAttentionLoss.compute(layers, range(rows), range(cols), gridMasks);
        }
        return SpatialAttentionLoss.compute(layers, longs(out.segPositions()), longs(image), gridMasks);
    }

    private static long[] longs(int[] v) {
        return java.util.Arrays.stream(v).asLongStream().toArray();
    }

    private static long[] range(long n) {
        long[] out = new long[(int) n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }
}
