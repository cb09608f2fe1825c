package org.segearth.encoders.swin.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;
import org.segearth.api.SegEarthException;
import org.segearth.spi.Weights;

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
    private final float[] relativePositionBiasTable; // [(2w-1)^2, heads], row-major
    private final NDArray outputDenseWeight; // [dim, dim]
    private final NDArray outputDenseBias; // [dim]
    private final Map<Integer, float[]> biasByWindow = new HashMap<>();

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
        relativePositionBiasTable = self.get("relative_position_bias_table", (long) side * side, numHeads).toFloatArray();
        outputDenseWeight = w.get("output.dense.weight", dim, dim);
        outputDenseBias = w.get("output.dense.bias", dim);
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
        NDArray q = heads(SwinOps.linear(windows, queryWeight, queryBias), bw, n);
        NDArray k = heads(SwinOps.linear(windows, keyWeight, keyBias), bw, n);
        NDArray v = heads(SwinOps.linear(windows, valueWeight, valueBias), bw, n);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).div(Math.sqrt(headDim));
        scores = scores.add(relativePositionBias(windows.getManager(), window));
        if (mask != null) {
            long nw = mask.getShape().get(0);
            scores = scores.reshape(bw / nw, nw, numHeads, n, n)
                    .add(mask.expandDims(1).expandDims(0))
                    .reshape(bw, numHeads, n, n);
        }
        NDArray context = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(bw, n, (long) numHeads * headDim);
        return SwinOps.linear(context, outputDenseWeight, outputDenseBias);
    }

    private NDArray heads(NDArray x, long bw, long n) {
        return x.reshape(bw, n, numHeads, headDim).transpose(0, 2, 1, 3);
    }

    /** The bias {@code [heads, window^2, window^2]} for an effective window side. */
    NDArray relativePositionBias(NDManager manager, int window) {
        float[] bias = biasByWindow.computeIfAbsent(window, this::buildBias);
        int n = window * window;
        return manager.create(bias, new Shape(numHeads, n, n));
    }

    /**
     * Gathers the table like HF's {@code relative_position_index}: for tokens i, j of a window,
     * row ((yi - yj) + W - 1) * (2W - 1) + (xi - xj) + W - 1, W the configured window. With the
     * configured window this is HF's index; a smaller effective window reads the centre of the
     * table (HF supports only the configured window; SwinBackbone always uses it).
     */
    private float[] buildBias(int window) {
        int n = window * window;
        int side = 2 * windowSize - 1;
        float[] out = new float[numHeads * n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int dy = i / window - j / window + windowSize - 1;
                int dx = i % window - j % window + windowSize - 1;
                int row = dy * side + dx;
                for (int h = 0; h < numHeads; h++) {
                    out[(h * n + i) * n + j] = relativePositionBiasTable[row * numHeads + h];
                }
            }
        }
        return out;
    }
}
