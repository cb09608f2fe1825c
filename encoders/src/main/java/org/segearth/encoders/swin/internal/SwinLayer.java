package org.segearth.encoders.swin.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.segearth.spi.Weights;
import org.segearth.spi.nn.Scalars;
import org.segearth.spi.nn.Activations;
import org.segearth.spi.nn.LayerNorm;
import org.segearth.spi.nn.Linear;
import org.segearth.spi.nn.Scoped;

/**
 * HF {@code SwinLayer}: layernorm_before -> pad to a multiple of the window -> (cyclic shift) ->
 * window attention (with the shift mask) -> reverse -> crop -> residual; layernorm_after ->
 * intermediate (GELU) -> output -> residual.
 */
public final class SwinLayer {

    private final int windowSize;
    private final int shiftSize;
    private final LayerNorm layernormBefore; // [dim]
    private final SwinAttention attention;
    private final LayerNorm layernormAfter; // [dim]
    private final NDArray intermediateDenseWeight; // [mlp, dim]
    private final NDArray intermediateDenseBias; // [mlp]
    private final NDArray outputDenseWeight; // [dim, mlp]
    private final NDArray outputDenseBias; // [dim]

    /**
     * @param w the view at {@code encoder.layers.S.blocks.N}
     * @param shiftSize 0 for even blocks, window / 2 for odd ones
     */
    public SwinLayer(Weights w, int dim, int numHeads, int windowSize, int shiftSize, double mlpRatio,
            boolean qkvBias, double eps) {
        this.windowSize = windowSize;
        this.shiftSize = shiftSize;
        int mlp = (int) (mlpRatio * dim);
        layernormBefore = LayerNorm.load(w.prefix("layernorm_before"), dim, eps);
        attention = new SwinAttention(w.prefix("attention"), dim, numHeads, windowSize, qkvBias);
        layernormAfter = LayerNorm.load(w.prefix("layernorm_after"), dim, eps);
        intermediateDenseWeight = w.get("intermediate.dense.weight", mlp, dim);
        intermediateDenseBias = w.get("intermediate.dense.bias", mlp);
        outputDenseWeight = w.get("output.dense.weight", dim, mlp);
        outputDenseBias = w.get("output.dense.bias", dim);
    }

    /**
     * The window and shift used at a resolution. HF's {@code SwinBackbone} runs its stages with
     * {@code always_partition=True}: every block keeps the configured window and shift whatever the
     * stage size, and a stage smaller than the window is padded up to it. (Only a plain
     * {@code SwinModel} calls {@code set_shift_and_window_size}, which shrinks the window to the
     * smaller side and stops shifting when that side is at most the window.)
     *
     * @return {window, shift}
     */
    public int[] windowAndShift(long height, long width) {
        return windowAndShift(windowSize, shiftSize, height, width, true);
    }

    static int[] windowAndShift(int windowSize, int shiftSize, long height, long width, boolean alwaysPartition) {
        long min = Math.min(height, width);
        if (!alwaysPartition && min <= windowSize) {
            return new int[] {(int) min, 0};
        }
        return new int[] {windowSize, shiftSize};
    }

    /**
     * @param x {@code [batch, height * width, dim]}
     */
    public NDArray forward(NDArray x, int height, int width) {
        return Scoped.compute(() -> block(x, height, width), x);
    }

    private NDArray block(NDArray x, int height, int width) {
        int[] ws = windowAndShift(height, width);
        int window = ws[0];
        int shift = ws[1];
        Shape s = x.getShape();
        long batch = s.get(0);
        long dim = s.get(2);
        NDArray h = layernormBefore.forward(x).reshape(batch, height, width, dim);
        int padRight = (window - width % window) % window;
        int padBottom = (window - height % window) % window;
        h = SwinOps.padEnd(SwinOps.padEnd(h, 2, padRight), 1, padBottom);
        int hp = height + padBottom;
        int wp = width + padRight;
        if (shift > 0) {
            h = SwinOps.roll(SwinOps.roll(h, -shift, 1), -shift, 2);
        }
        NDArray windows = partition(h, window).reshape(-1, (long) window * window, dim);
        NDArray mask = shift > 0 ? shiftMask(x.getManager(), hp, wp, window, shift) : null;
        NDArray attended = attention.forward(windows, window, mask);
        h = reverse(attended.reshape(-1, window, window, dim), window, hp, wp);
        if (shift > 0) {
            h = SwinOps.roll(SwinOps.roll(h, shift, 1), shift, 2);
        }
        if (padRight > 0 || padBottom > 0) {
            h = h.get(new NDIndex(":, :" + height + ", :" + width + ", :"));
        }
        NDArray hidden = x.add(h.reshape(batch, (long) height * width, dim));
        NDArray mlp = Linear.apply(layernormAfter.forward(hidden), intermediateDenseWeight, intermediateDenseBias);
        mlp = Activations.geluErf(mlp);
        return hidden.add(Linear.apply(mlp, outputDenseWeight, outputDenseBias));
    }

    /** HF {@code window_partition}: {@code [B, H, W, C]} -> {@code [B * nW, w, w, C]}. */
    static NDArray partition(NDArray x, int window) {
        Shape s = x.getShape();
        long b = s.get(0);
        long h = s.get(1);
        long w = s.get(2);
        long c = s.get(3);
        return x.reshape(b, h / window, window, w / window, window, c)
                .transpose(0, 1, 3, 2, 4, 5)
                .reshape(-1, window, window, c);
    }

    /** HF {@code window_reverse}: {@code [B * nW, w, w, C]} -> {@code [B, H, W, C]}. */
    static NDArray reverse(NDArray windows, int window, long height, long width) {
        long c = windows.getShape().get(3);
        return windows.reshape(-1, height / window, width / window, window, window, c)
                .transpose(0, 1, 3, 2, 4, 5)
                .reshape(-1, height, width, c);
    }

    /**
     * HF {@code get_attn_mask}: regions (0..-w, -w..-s, -s..) on each axis numbered, windows of the
     * region map compared pairwise, -100 where two tokens come from different regions.
     *
     * @return {@code [windows, w^2, w^2]}
     */
    static NDArray shiftMask(NDManager manager, int hp, int wp, int window, int shift) {
        int[] region = new int[hp * wp];
        for (int y = 0; y < hp; y++) {
            for (int x = 0; x < wp; x++) {
                region[y * wp + x] = band(y, hp, window, shift) * 3 + band(x, wp, window, shift);
            }
        }
        int nh = hp / window;
        int nw = wp / window;
        int n = window * window;
        float[] mask = new float[nh * nw * n * n];
        for (int wy = 0; wy < nh; wy++) {
            for (int wx = 0; wx < nw; wx++) {
                int base = (wy * nw + wx) * n * n;
                for (int i = 0; i < n; i++) {
                    int ri = region[(wy * window + i / window) * wp + wx * window + i % window];
                    for (int j = 0; j < n; j++) {
                        int rj = region[(wy * window + j / window) * wp + wx * window + j % window];
                        mask[base + i * n + j] = ri == rj ? 0f : -100f;
                    }
                }
            }
        }
        // native storage: a tensor over Java memory must not be what autograd holds on to
        return Scalars.nativeCopy(manager.create(mask, new Shape((long) nh * nw, n, n)));
    }

    private static int band(int pos, int size, int window, int shift) {
        if (pos < size - window) {
            return 0;
        }
        return pos < size - shift ? 1 : 2;
    }
}
