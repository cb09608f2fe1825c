package org.segearth.runtime.train.loss;

import org.segearth.spi.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.segearth.spi.nn.Interpolation;

/**
 * SegEarth-R2's spatial attention loss. For every layer the attention probabilities are summed
 * over the heads; the row of each {@code [SEG]} token is taken at the columns of the image tokens
 * (not renormalised). With {@code fg} the grid cells the token's mask covers and {@code bg} the
 * others, a row with foreground contributes {@code -log(mean_fg((a - mean_bg)^2) + 1e-8)}
 * ({@code mean_bg} = 0 when the mask covers the whole grid); a row without foreground contributes 0
 * but still counts. The layer's value is the sum over the rows divided by their number; the loss
 * is the sum over the layers. The weight (lambda_S, 0.01 by default) is the caller's.
 *
 * <p>Ground-truth masks reach the grid like the official code: nearest resize to 800 x 800
 * (torch's index rule {@code floor(dst * in / out)}), bilinear resize to the grid
 * (align_corners False), then {@code > 0}.
 */
public final class SpatialAttentionLoss {

    /** The side the ground-truth masks are first resized to. */
    public static final int CANVAS = 800;
    /** The default weight lambda_S. */
    public static final float DEFAULT_WEIGHT = 0.01f;
    private static final float EPS = 1e-8f;

    private SpatialAttentionLoss() {
    }

    /**
     * The grid masks of the targets.
     *
     * @param masks {@code [S, H, W]} ground-truth masks (0/1)
     * @return {@code [S, gridH * gridW]} float 0/1, row-major over the grid
     */
    public static NDArray gridMasks(NDArray masks, int gridH, int gridW) {
        Shape shape = masks.getShape();
        if (shape.dimension() != 3) {
            throw new IllegalArgumentException("grid masks expect masks [S, H, W], got " + shape);
        }
        int s = (int) shape.get(0);
        int h = (int) shape.get(1);
        int w = (int) shape.get(2);
        float[] src = masks.toType(DataType.FLOAT32, false).toFloatArray();
        int[] rows = nearestIndex(h, CANVAS);
        int[] cols = nearestIndex(w, CANVAS);
        float[] canvas = new float[s * CANVAS * CANVAS];
        for (int k = 0; k < s; k++) {
            for (int y = 0; y < CANVAS; y++) {
                int srcRow = (k * h + rows[y]) * w;
                int dstRow = (k * CANVAS + y) * CANVAS;
                for (int x = 0; x < CANVAS; x++) {
                    canvas[dstRow + x] = src[srcRow + cols[x]];
                }
            }
        }
        NDManager manager = masks.getManager();
        try (NDManager scope = manager.newSubManager()) {
            NDArray resized = Interpolation.bilinear(scope.create(canvas, new Shape(s, CANVAS, CANVAS)), gridH, gridW);
            NDArray grid = resized.gt(0).toType(DataType.FLOAT32, false).reshape(s, (long) gridH * gridW);
            grid.attach(manager);
            return grid;
        }
    }

    /** torch's nearest source index for every destination index: {@code min(floor(dst * (in / out)), in - 1)}. */
    static int[] nearestIndex(int in, int out) {
        int[] index = new int[out];
        float scale = (float) in / out;
        for (int d = 0; d < out; d++) {
            if (in == out) {
                index[d] = d;
            } else if (out == 2 * in) {
                index[d] = d >> 1;
            } else {
                index[d] = Math.min((int) Math.floor(d * scale), in - 1);
            }
        }
        return index;
    }

    /**
     * The loss summed over the layers, for one sample.
     *
     * @param layers per layer the attention probabilities of the sample, {@code [heads, T, T]}
     * @param segPositions the sequence positions of the sample's {@code [SEG]} tokens, one per mask
     * @param imagePositions the sequence positions of the image tokens, row-major over the grid
     * @param gridMasks {@link #gridMasks} of the sample's masks, {@code [S, grid]}
     */
    public static NDArray compute(List<NDArray> layers, long[] segPositions, long[] imagePositions, NDArray gridMasks) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("the spatial attention loss needs at least one layer");
        }
        NDArray total = null;
        for (NDArray layer : layers) {
            NDArray value = layer(layer, segPositions, imagePositions, gridMasks);
            total = total == null ? value : total.add(value);
        }
        return total;
    }

    /** The value of one layer ({@code probs} = {@code [heads, T, T]}); see {@link #compute}. */
    public static NDArray layer(NDArray probs, long[] segPositions, long[] imagePositions, NDArray gridMasks) {
        int rows = segPositions.length;
        Shape g = gridMasks.getShape();
        if (probs.getShape().dimension() != 3 || g.dimension() != 2 || g.get(0) != rows || g.get(1) != imagePositions.length) {
            throw new IllegalArgumentException("attention loss expects probs [heads, T, T], " + rows + " [SEG] positions, "
                    + imagePositions.length + " image positions and grid masks [" + rows + ", " + imagePositions.length
                    + "], got probs " + probs.getShape() + " and grid masks " + g);
        }
        NDManager manager = probs.getManager();
        NDArray summed = probs.sum(new int[] {0});
        NDArray selected = summed.get(manager.create(segPositions)).get(":, {}", manager.create(imagePositions));
        float[] fg = gridMasks.toType(DataType.FLOAT32, false).toFloatArray();
        NDArray total = Scalars.mul(selected.sum(), 0);
        int cells = imagePositions.length;
        for (int r = 0; r < rows; r++) {
            int nFg = 0;
            for (int c = 0; c < cells; c++) {
                nFg += fg[r * cells + c] > 0 ? 1 : 0;
            }
            if (nFg == 0) {
                continue;
            }
            int nBg = cells - nFg;
            NDArray a = selected.get(r);
            NDArray fgMask = gridMasks.get(r).toType(a.getDataType(), false);
            NDArray meanBg = nBg == 0 ? Scalars.mul(a.sum(), 0)
                    : Scalars.div(a.mul(fgMask.neg().add(1f)).sum(), nBg);
            NDArray spread = Scalars.div(a.sub(meanBg).square().mul(fgMask).sum(), nFg);
            total = total.add(spread.add(EPS).log().neg());
        }
        return Scalars.div(total, rows);
    }
}
