package org.segearth.encoders.swin.internal;

import ai.djl.ndarray.NDArray;
import org.segearth.spi.nn.Scalars;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;
import org.segearth.api.SegEarthException;
import org.segearth.spi.Weights;
import org.segearth.spi.nn.Linear;

/**
 * HF {@code SwinAttention}: {@code SwinSelfAttention} (window attention with a relative position
 * bias) followed by {@code SwinSelfOutput} ({@code output.dense}).
 */
public final class SwinAttention {

    private final int numHeads;
    private final int headDim;
    private final int windowSize;
    private final NDArray queryWeight; // [dim, dim]
    private final NDArray queryBias; // [dim]
    private final NDArray keyWeight; // [dim, dim]
    private final NDArray keyBias; // [dim]
    private final NDArray valueWeight; // [dim, dim]
    private final NDArray valueBias; // [dim]
    private final NDArray relativePositionBiasTable; // [(2w-1)^2, heads], gathered in the forward
    private final NDArray outputDenseWeight; // [dim, dim]
    private final NDArray outputDenseBias; // [dim]
    private final Map<Integer, NDArray> indexByWindow = new HashMap<>(); // per window side, native int64 [n * n]

    /**
     * @param w the view at {@code ...blocks.N.attention}
     */
    public SwinAttention(Weights w, int dim, int numHeads, int windowSize, boolean qkvBias) {
        if (dim % numHeads != 0) {
            throw new SegEarthException("Swin: hidden size " + dim + " is not a multiple of num_heads " + numHeads
                    + "; fix the backbone config");
        }
        this.numHeads = numHeads;
        this.headDim = dim / numHeads;
        this.windowSize = windowSize;
        Weights self = w.prefix("self");
        queryWeight = self.get("query.weight", dim, dim);
        keyWeight = self.get("key.weight", dim, dim);
        valueWeight = self.get("value.weight", dim, dim);
        queryBias = qkvBias ? self.get("query.bias", dim) : null;
        keyBias = qkvBias ? self.get("key.bias", dim) : null;
        valueBias = qkvBias ? self.get("value.bias", dim) : null;
        int side = 2 * windowSize - 1;
        relativePositionBiasTable = self.get("relative_position_bias_table", (long) side * side, numHeads);
        outputDenseWeight = w.get("output.dense.weight", dim, dim);
        outputDenseBias = w.get("output.dense.bias", dim);
        for (int side2 = 1; side2 <= windowSize; side2++) {
            indexByWindow.put(side2, buildIndex(side2)); // at load: they live with the weights
        }
    }

    /**
     * @param windows {@code [batch * windows, window * window, dim]}
     * @param window the effective window side (at most the configured one)
     * @param mask {@code [windows, window^2, window^2]} additive shift mask, or null
     */
    public NDArray forward(NDArray windows, int window, NDArray mask) {
        Shape s = windows.getShape();
        long bw = s.get(0);
        long n = s.get(1);
        NDArray q = heads(Linear.apply(windows, queryWeight, queryBias), bw, n);
        NDArray k = heads(Linear.apply(windows, keyWeight, keyBias), bw, n);
        NDArray v = heads(Linear.apply(windows, valueWeight, valueBias), bw, n);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
        scores = Scalars.div(scores, Math.sqrt(headDim));
        scores = scores.add(relativePositionBias(windows.getManager(), window));
        if (mask != null) {
            long nw = mask.getShape().get(0);
            scores = scores.reshape(bw / nw, nw, numHeads, n, n)
                    .add(mask.expandDims(1).expandDims(0))
                    .reshape(bw, numHeads, n, n);
        }
        NDArray context = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(bw, n, (long) numHeads * headDim);
        return Linear.apply(context, outputDenseWeight, outputDenseBias);
    }

    private NDArray heads(NDArray x, long bw, long n) {
        return x.reshape(bw, n, numHeads, headDim).transpose(0, 2, 1, 3);
    }

    /**
     * The bias {@code [heads, window^2, window^2]} for an effective window side, gathered from the
     * live table (so it trains), in {@code manager}.
     */
    NDArray relativePositionBias(NDManager manager, int window) {
        int n = window * window;
        NDArray index = indexByWindow.get(window);
        if (index == null) {
            throw new SegEarthException("Swin: effective window " + window + " exceeds the configured window "
                    + windowSize + "; the window is min(window_size, stage resolution)");
        }
        NDArray rows = relativePositionBiasTable.get(new NDIndex("{}", index)); // [n * n, heads]
        rows.attach(manager);
        return rows.reshape(n, n, numHeads).transpose(2, 0, 1);
    }

    /**
     * The table rows like HF's {@code relative_position_index}: for tokens i, j of a window,
     * row ((yi - yj) + W - 1) * (2W - 1) + (xi - xj) + W - 1, W the configured window. With the
     * configured window this is HF's index; a smaller effective window reads the centre of the
     * table (HF supports only the configured window; SwinBackbone always uses it). Native storage
     * in the table's manager: it lives as long as the weights, past every backward.
     */
    private NDArray buildIndex(int window) {
        int n = window * window;
        int side = 2 * windowSize - 1;
        long[] out = new long[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int dy = i / window - j / window + windowSize - 1;
                int dx = i % window - j % window + windowSize - 1;
                out[i * n + j] = (long) dy * side + dx;
            }
        }
        return Scalars.nativeCopy(relativePositionBiasTable.getManager().create(out, new Shape(n * n)));
    }
}
