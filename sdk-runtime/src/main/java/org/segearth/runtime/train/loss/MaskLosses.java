package org.segearth.runtime.train.loss;

import org.segearth.spi.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.segearth.spi.nn.Interpolation;

/**
 * Mask2Former's mask losses: sigmoid binary cross-entropy and Dice, each summed over the masks,
 * divided by the number of masks and multiplied by its weight (5 by default).
 *
 * <p>Two variants: {@link #pointSampled} is what the official Mask2Former / SegEarth-R2 training
 * does (12544 importance-sampled points per mask, oversample ratio 3, importance ratio 0.75);
 * {@link #dense} upsamples the logits bilinearly to the ground-truth size and uses every pixel.
 *
 * <pre>{@code
 * MaskLosses losses = MaskLosses.defaults();
 * MaskLoss l = losses.pointSampled(logits, gt, gt.getShape().get(0), new SplittableRandom(seed));
 * }</pre>
 */
public final class MaskLosses {

    /** Mask2Former's number of points per mask. */
    public static final int NUM_POINTS = 12544;
    /** Mask2Former's oversampling ratio. */
    public static final double OVERSAMPLE_RATIO = 3.0;
    /** Mask2Former's share of the points chosen by uncertainty. */
    public static final double IMPORTANCE_SAMPLE_RATIO = 0.75;
    /** Mask2Former's weight of both terms. */
    public static final float WEIGHT = 5f;

    private final float bceWeight;
    private final float diceWeight;
    private final int numPoints;
    private final double oversampleRatio;
    private final double importanceSampleRatio;

    /** Losses with the given weights and sampling settings. */
    public MaskLosses(float bceWeight, float diceWeight, int numPoints, double oversampleRatio,
            double importanceSampleRatio) {
        if (numPoints <= 0 || oversampleRatio < 1 || importanceSampleRatio < 0 || importanceSampleRatio > 1) {
            throw new IllegalArgumentException("point sampling needs numPoints > 0, oversampleRatio >= 1 and "
                    + "0 <= importanceSampleRatio <= 1; got " + numPoints + ", " + oversampleRatio + ", "
                    + importanceSampleRatio);
        }
        this.bceWeight = bceWeight;
        this.diceWeight = diceWeight;
        this.numPoints = numPoints;
        this.oversampleRatio = oversampleRatio;
        this.importanceSampleRatio = importanceSampleRatio;
    }

    /** Mask2Former's settings: weights 5 and 5, 12544 points, ratios 3 and 0.75. */
    public static MaskLosses defaults() {
        return new MaskLosses(WEIGHT, WEIGHT, NUM_POINTS, OVERSAMPLE_RATIO, IMPORTANCE_SAMPLE_RATIO);
    }

    /**
     * The dense variant: {@code logits} bilinearly resized (torch's align_corners=False, also when shrinking) to the size of
     * {@code targets}, every pixel counted.
     *
     * @param logits {@code [N, h, w]}
     * @param targets {@code [N, H, W]} with values in {0, 1}
     * @param numMasks the divisor (the number of masks in the batch)
     */
    public MaskLoss dense(NDArray logits, NDArray targets, float numMasks) {
        checkPair(logits, targets);
        Shape t = targets.getShape();
        NDArray up = logits;
        if (!logits.getShape().slice(1).equals(t.slice(1))) {
            up = Interpolation.bilinear(logits, (int) t.get(1), (int) t.get(2));
        }
        long n = t.get(0);
        return weighted(up.reshape(n, -1), targets.toType(logits.getDataType(), false).reshape(n, -1), numMasks);
    }

    /**
     * The point-sampled variant: points chosen by {@link PointSampler#uncertainPoints} from
     * {@code random}, logits and targets sampled at the same coordinates.
     */
    public MaskLoss pointSampled(NDArray logits, NDArray targets, float numMasks, RandomGenerator random) {
        checkPair(logits, targets);
        float[][][] coords = PointSampler.uncertainPoints(logits, numPoints, oversampleRatio, importanceSampleRatio, random);
        return atPoints(logits, targets, coords, numMasks);
    }

    /** The losses on the given points ({@code [N][P][2]}, (x, y) in [0, 1]). */
    public MaskLoss atPoints(NDArray logits, NDArray targets, float[][][] coords, float numMasks) {
        checkPair(logits, targets);
        NDArray pointLogits = PointSampler.pointSample(logits, coords);
        NDArray pointLabels = PointSampler.pointSample(targets.toType(logits.getDataType(), false).stopGradient(), coords);
        return weighted(pointLogits, pointLabels, numMasks);
    }

    /**
     * Deep supervision: the loss of the initial prediction plus that of every decoder layer.
     *
     * @param predictions the per-layer mask logits, the initial prediction first
     * @param loss the loss of one prediction (e.g. {@code p -> losses.pointSampled(p, gt, n, rng)})
     */
    public static MaskLoss deepSupervision(List<NDArray> predictions, Function<NDArray, MaskLoss> loss) {
        if (predictions.isEmpty()) {
            throw new IllegalArgumentException("deep supervision needs at least one prediction");
        }
        MaskLoss total = null;
        for (NDArray p : predictions) {
            MaskLoss l = loss.apply(p);
            total = total == null ? l : total.plus(l);
        }
        return total;
    }

    /** BCE mean per mask and Dice per mask on flattened {@code [N, P]} values, summed / numMasks, weighted. */
    private MaskLoss weighted(NDArray logits, NDArray targets, float numMasks) {
        NDArray bce = Scalars.div(Activations.bceWithLogits(logits, targets).mean(new int[] {1}).sum(), numMasks);
        NDArray probs = Activations.sigmoid(logits);
        NDArray numerator = Scalars.mul(probs.mul(targets).sum(new int[] {1}), 2);
        NDArray denominator = probs.sum(new int[] {1}).add(targets.sum(new int[] {1}));
        NDArray dice = Scalars.div(numerator.add(1f).div(denominator.add(1f)).neg().add(1f).sum(), numMasks);
        return new MaskLoss(Scalars.mul(bce, bceWeight), Scalars.mul(dice, diceWeight));
    }

    private static void checkPair(NDArray logits, NDArray targets) {
        Shape l = logits.getShape();
        Shape t = targets.getShape();
        if (l.dimension() != 3 || t.dimension() != 3 || l.get(0) != t.get(0)) {
            throw new IllegalArgumentException("mask losses expect logits [N, h, w] and targets [N, H, W] with the same N, got "
                    + l + " and " + t);
        }
    }
}
