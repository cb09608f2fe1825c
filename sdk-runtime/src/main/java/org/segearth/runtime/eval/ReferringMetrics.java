package org.segearth.runtime.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SegEarth-R1 / referring-segmentation metrics over samples (targets merged, see
 * {@link MaskScores#merged}): IoU = I / (U + 1e-5) and 1 when U is 0; gIoU = mean IoU; cIoU =
 * total I / (total U + 1e-10); Pr@t = share of samples with IoU &gt; t for t = 0.5 .. 0.9. Not
 * thread-safe.
 *
 * <pre>{@code
 * ReferringMetrics m = new ReferringMetrics();
 * long[] iu = MaskScores.merged(gt, pred, w, h);
 * m.add(iu[0], iu[1]);
 * m.precisionAt(0.5);
 * }</pre>
 */
public final class ReferringMetrics {

    /** The thresholds of the Pr@ columns. */
    public static final double[] THRESHOLDS = {0.5, 0.6, 0.7, 0.8, 0.9};

    private long samples;
    private double iouSum;
    private long intersection;
    private long union;
    private final long[] above = new long[THRESHOLDS.length];

    /** Adds one sample with its merged intersection and union; returns its IoU. */
    public double add(long intersection, long union) {
        double iou = iou(intersection, union);
        samples++;
        iouSum += iou;
        this.intersection += intersection;
        this.union += union;
        for (int t = 0; t < THRESHOLDS.length; t++) {
            if (iou > THRESHOLDS[t]) {
                above[t]++;
            }
        }
        return iou;
    }

    /** IoU as SegEarth-R1 computes it: I / (U + 1e-5), and 1 when U is 0. */
    public static double iou(long intersection, long union) {
        return union == 0 ? 1.0 : intersection / (union + 1e-5);
    }

    /** The number of samples added. */
    public long samples() {
        return samples;
    }

    /** Mean per-sample IoU (NaN before any sample). */
    public double gIoU() {
        return samples == 0 ? Double.NaN : iouSum / samples;
    }

    /** Total I / (total U + 1e-10) (NaN before any sample). */
    public double cIoU() {
        return samples == 0 ? Double.NaN : intersection / (union + 1e-10);
    }

    /** The share of samples with IoU &gt; {@code threshold}, one of {@link #THRESHOLDS}. */
    public double precisionAt(double threshold) {
        for (int t = 0; t < THRESHOLDS.length; t++) {
            if (THRESHOLDS[t] == threshold) {
                return samples == 0 ? Double.NaN : (double) above[t] / samples;
            }
        }
        throw new org.segearth.api.SegEarthException("Pr@" + threshold + " is not computed; thresholds are 0.5, 0.6, 0.7, 0.8, 0.9");
    }

    /** {@code Pr@0.5 .. Pr@0.9} by name. */
    public Map<String, Double> precisions() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (double t : THRESHOLDS) {
            out.put("Pr@" + t, precisionAt(t));
        }
        return out;
    }
}
