package org.segearth.runtime.eval;

import java.util.ArrayList;
import java.util.List;
import org.segearth.api.Mask;
import org.segearth.api.SegEarthException;

/**
 * Intersections and unions of predicted and ground-truth masks, paired as the official
 * evaluations pair them.
 *
 * <pre>{@code
 * List<long[]> perTarget = MaskScores.perTarget(gt, predicted, width, height);  // SegEarth-R2
 * long[] merged = MaskScores.merged(gt, predicted, width, height);             // SegEarth-R1
 * }</pre>
 */
public final class MaskScores {

    private MaskScores() {}

    /**
     * SegEarth-R2 order matching: the i-th prediction goes with the i-th target; with too few
     * predictions the last one is repeated, extra ones are dropped, and no prediction at all
     * counts as empty masks. Returns {@code {intersection, union}} per target.
     */
    public static List<long[]> perTarget(List<Mask> gt, List<Mask> predicted, int width, int height) {
        List<long[]> out = new ArrayList<>(gt.size());
        Mask none = predicted.isEmpty() ? Mask.empty(width, height) : null;
        for (int i = 0; i < gt.size(); i++) {
            Mask g = check(gt.get(i), width, height, "target " + i);
            Mask p = none != null ? none : check(predicted.get(Math.min(i, predicted.size() - 1)), width, height,
                    "prediction " + Math.min(i, predicted.size() - 1));
            out.add(new long[] {g.intersectionArea(p), g.unionArea(p)});
        }
        return out;
    }

    /**
     * SegEarth-R1 / referring style: all targets merged into one mask, all predictions merged
     * into another; returns {@code {intersection, union}}.
     */
    public static long[] merged(List<Mask> gt, List<Mask> predicted, int width, int height) {
        Mask g = union(gt, width, height, "target");
        Mask p = union(predicted, width, height, "prediction");
        return new long[] {g.intersectionArea(p), g.unionArea(p)};
    }

    private static Mask union(List<Mask> masks, int width, int height, String what) {
        Mask u = Mask.empty(width, height);
        for (int i = 0; i < masks.size(); i++) {
            u = u.or(check(masks.get(i), width, height, what + " " + i));
        }
        return u;
    }

    private static Mask check(Mask m, int width, int height, String what) {
        if (m.width() != width || m.height() != height) {
            throw new SegEarthException(what + " is " + m.width() + "x" + m.height() + " but the image is " + width
                    + "x" + height + "; masks must be at the original image size");
        }
        return m;
    }
}
