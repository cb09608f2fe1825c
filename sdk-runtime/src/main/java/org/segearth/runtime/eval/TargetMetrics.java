package org.segearth.runtime.eval;

/**
 * SegEarth-R2's metrics over targets: IoU per target (1 when the union is empty), gIoU = mean of
 * the per-target IoUs, cIoU = total intersection / total union. Pair masks with
 * {@link MaskScores#perTarget}. Not thread-safe.
 *
 * <pre>{@code
 * TargetMetrics m = new TargetMetrics();
 * for (long[] iu : MaskScores.perTarget(gt, pred, w, h)) m.add(iu[0], iu[1]);
 * m.gIoU(); m.cIoU();
 * }</pre>
 */
public final class TargetMetrics {

    private long targets;
    private double iouSum;
    private long intersection;
    private long union;

    /** Adds one target with its intersection and union; returns its IoU. */
    public double add(long intersection, long union) {
        double iou = iou(intersection, union);
        targets++;
        iouSum += iou;
        this.intersection += intersection;
        this.union += union;
        return iou;
    }

    /** IoU as SegEarth-R2 computes it: I / U, and 1 when U is 0. */
    public static double iou(long intersection, long union) {
        return union > 0 ? (double) intersection / union : 1.0;
    }

    /** The number of targets added. */
    public long targets() {
        return targets;
    }

    /** The mean per-target IoU (NaN before any target). */
    public double gIoU() {
        return targets == 0 ? Double.NaN : iouSum / targets;
    }

    /** Total intersection / total union (NaN before any target, 1 when every union was empty). */
    public double cIoU() {
        return targets == 0 ? Double.NaN : union == 0 ? 1.0 : (double) intersection / union;
    }

    /** The total intersection. */
    public long intersection() {
        return intersection;
    }

    /** The total union. */
    public long union() {
        return union;
    }
}
