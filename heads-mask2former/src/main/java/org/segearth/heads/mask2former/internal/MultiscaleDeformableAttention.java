package org.segearth.heads.mask2former.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.segearth.spi.Weights;
import org.segearth.spi.nn.Linear;
import org.segearth.spi.nn.Scalars;
import org.segearth.spi.nn.Scoped;

/**
 * HF {@code Mask2FormerPixelDecoderEncoderMultiscaleDeformableAttention}: per query, head, level
 * and point a sampling offset (normalised by the level's width and height) around the query's
 * reference point and a softmax weight; values sampled bilinearly (as {@code grid_sample}).
 */
public final class MultiscaleDeformableAttention {

    private final int numHeads;
    private final int numLevels;
    private final int numPoints;
    private final int dim;
    private final Linear samplingOffsets; // [heads * levels * points * 2, dim]
    private final Linear attentionWeights; // [heads * levels * points, dim]
    private final Linear valueProj; // [dim, dim]
    private final Linear outputProj; // [dim, dim]

    /** @param w the view at {@code encoder.layers.N.self_attn} */
    public MultiscaleDeformableAttention(Weights w, int dim, int numHeads, int numLevels, int numPoints) {
        this.dim = dim;
        this.numHeads = numHeads;
        this.numLevels = numLevels;
        this.numPoints = numPoints;
        long n = (long) numHeads * numLevels * numPoints;
        samplingOffsets = Linear.load(w.prefix("sampling_offsets"), n * 2, dim);
        attentionWeights = Linear.load(w.prefix("attention_weights"), n, dim);
        valueProj = Linear.load(w.prefix("value_proj"), dim, dim);
        outputProj = Linear.load(w.prefix("output_proj"), dim, dim);
    }

    /**
     * @param hidden {@code [B, S, dim]} (queries and values: the flattened levels)
     * @param position {@code [B or 1, S, dim]} added to the queries
     * @param referencePoints {@code [S, 2]} (x, y) in [0, 1]
     * @param shapes {height, width} per level, coarsest first
     */
    public NDArray forward(NDArray hidden, NDArray position, NDArray referencePoints, int[][] shapes) {
        long b = hidden.getShape().get(0);
        long s = hidden.getShape().get(1);
        int headDim = dim / numHeads;
        NDArray value = valueProj.forward(hidden).reshape(b, s, numHeads, headDim);
        NDArray[] values = new NDArray[numLevels];
        long start = 0;
        for (int l = 0; l < numLevels; l++) {
            long hw = (long) shapes[l][0] * shapes[l][1];
            values[l] = value.get(new NDIndex(":, " + start + ":" + (start + hw)))
                    .transpose(0, 2, 3, 1)
                    .reshape(b * numHeads, headDim, hw);
            start += hw;
        }
        // queries are independent: attend chunk by chunk so that the sampled values (points x
        // heads x head width per query) exist for one chunk at a time, not for every query
        List<NDArray> parts = new ArrayList<>();
        for (long c0 = 0; c0 < s; c0 += QUERY_CHUNK) {
            String rows = c0 + ":" + Math.min(s, c0 + QUERY_CHUNK);
            NDArray[] inputs = new NDArray[numLevels + 3];
            inputs[0] = hidden.get(new NDIndex(":, " + rows));
            inputs[1] = position.get(new NDIndex(":, " + rows));
            inputs[2] = referencePoints.get(new NDIndex(rows));
            System.arraycopy(values, 0, inputs, 3, numLevels);
            parts.add(Scoped.compute(() -> attend(inputs[0], inputs[1], inputs[2], values, shapes), inputs));
            for (int i = 0; i < 3; i++) {
                inputs[i].close();
            }
        }
        NDArray merged = parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts), 1);
        return outputProj.forward(merged);
    }

    /** Queries processed together by {@link #forward}. */
    static final long QUERY_CHUNK = 4096;

    /** The sampled, weighted values of the queries {@code hidden} ({@code [B, S', dim]}), heads merged. */
    private NDArray attend(NDArray hidden, NDArray position, NDArray referencePoints, NDArray[] values,
            int[][] shapes) {
        long b = hidden.getShape().get(0);
        long s = hidden.getShape().get(1);
        int headDim = dim / numHeads;
        NDArray queries = hidden.add(position);
        NDArray offsets = samplingOffsets.forward(queries).reshape(b, s, numHeads, numLevels, numPoints, 2);
        NDArray weights = attentionWeights.forward(queries).reshape(b, s, numHeads, (long) numLevels * numPoints)
                .softmax(-1)
                .reshape(b, s, numHeads, numLevels, numPoints);
        NDArray refX = referencePoints.get(new NDIndex(":, 0")).reshape(1, s, 1, 1);
        NDArray refY = referencePoints.get(new NDIndex(":, 1")).reshape(1, s, 1, 1);
        NDArray out = null;
        for (int l = 0; l < numLevels; l++) {
            int h = shapes[l][0];
            int w = shapes[l][1];
            // [B, S, heads, points] -> [B * heads, S * points]
            NDArray offX = offsets.get(new NDIndex(":, :, :, " + l + ", :, 0"));
            NDArray offY = offsets.get(new NDIndex(":, :, :, " + l + ", :, 1"));
            NDArray locX = flattenHeads(refX.add(Scalars.div(offX, w)), b, s);
            NDArray locY = flattenHeads(refY.add(Scalars.div(offY, h)), b, s);
            NDArray sampled = Mask2FormerOps.gridSample(values[l], locX, locY, h, w);
            NDArray weightL = flattenHeads(weights.get(new NDIndex(":, :, :, " + l + ", :")), b, s).expandDims(1);
            NDArray contribution = sampled.mul(weightL).reshape(b * numHeads, headDim, s, numPoints).sum(new int[] {3});
            out = out == null ? contribution : out.add(contribution);
        }
        return out.reshape(b, (long) numHeads * headDim, s).transpose(0, 2, 1);
    }

    private NDArray flattenHeads(NDArray x, long b, long s) {
        return x.transpose(0, 2, 1, 3).reshape(b * numHeads, s * numPoints);
    }

    /** The reference points of HF's {@code get_reference_points} (valid ratios 1): cell centres. */
    public static NDArray referencePoints(ai.djl.ndarray.NDManager manager, int[][] shapes) {
        int total = 0;
        for (int[] hw : shapes) {
            total += hw[0] * hw[1];
        }
        float[] out = new float[total * 2];
        int i = 0;
        for (int[] hw : shapes) {
            for (int y = 0; y < hw[0]; y++) {
                for (int x = 0; x < hw[1]; x++) {
                    out[2 * i] = (x + 0.5f) / hw[1];
                    out[2 * i + 1] = (y + 0.5f) / hw[0];
                    i++;
                }
            }
        }
        return Scalars.nativeCopy(manager.create(out, new Shape(total, 2)));
    }
}
