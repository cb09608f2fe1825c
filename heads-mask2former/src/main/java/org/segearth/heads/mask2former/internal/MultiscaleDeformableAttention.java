package org.segearth.heads.mask2former.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
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
        // the projected values as they come, [B, S, heads, head width], read as one row per query
        // and head, row (b * S + q) * heads + h (every level is a range of queries, so no relayout
        // per level), each row followed by the next query's: the two horizontal neighbours of a
        // bilinear sample are one row of 2 x head width
        NDArray rows = pairRows(valueProj.forward(hidden), b, s, headDim);
        Samples samples = samples(hidden.add(position), referencePoints, shapes, b, s);
        // the gathered rows exist for one chunk of queries at a time (QUERY_CHUNK x heads x
        // levels x points x 2 pair rows x 2 head widths); each chunk is one gather and one batched
        // product of its weights with its rows (a weighted sum of 48 values per query and head)
        long perHead = (long) numLevels * numPoints * 2;
        long queries = b * s;
        List<NDArray> parts = new ArrayList<>();
        for (long c0 = 0; c0 < queries; c0 += QUERY_CHUNK) {
            long c1 = Math.min(queries, c0 + QUERY_CHUNK);
            long n = c1 - c0;
            NDArray index = samples.index().get(new NDIndex(c0 * numHeads * perHead + ":" + c1 * numHeads * perHead));
            NDArray weight = samples.weight().get(new NDIndex(c0 * numHeads + ":" + c1 * numHeads));
            parts.add(Scoped.compute(() -> weight.batchMatMul(gatherRows(rows, index)
                    .reshape(n * numHeads, perHead * 2, headDim)).reshape(n, dim), weight, index, rows));
            index.close();
            weight.close();
        }
        NDArray merged = parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts), 0);
        return outputProj.forward(merged.reshape(b, s, dim));
    }

    /**
     * {@code [B * S * heads, 2 * headDim]}: row {@code (b * S + q) * heads + h} holds head
     * {@code h}'s values at query {@code q} and then at {@code q + 1} (zeros after the last).
     */
    private NDArray pairRows(NDArray value, long b, long s, int headDim) {
        NDArray next = NDArrays.concat(new NDList(value.get(new NDIndex(":, 1:")),
                value.getManager().zeros(new Shape(b, 1, dim), value.getDataType())), 1);
        return NDArrays.concat(new NDList(value.reshape(b, s, numHeads, headDim), next.reshape(b, s, numHeads, headDim)),
                3).reshape(b * s * numHeads, 2L * headDim);
    }

    /**
     * {@code rows[index]} as an embedding lookup: {@code index_select} copies whole rows, and its
     * backward sums the gradients of repeated rows in a fixed order (the backward of an indexed
     * read adds them with parallel atomics: gradients that differ from run to run).
     */
    private static NDArray gatherRows(NDArray rows, NDArray index) {
        return rows.getNDArrayInternal().embedding(index, rows, SparseFormat.DENSE).singletonOrThrow();
    }

    /**
     * Queries whose sampled rows {@link #forward} gathers together: 512 queries of 8 heads x 3
     * levels x 4 points x 2 pair rows x 64 floats are 24 MiB, which the allocator reuses (blocks
     * above glibc's largest mmap threshold, 32 MiB, are mapped and zero-filled afresh on every
     * request) and the cache partly holds until the product reads them. In a microbenchmark of one
     * layer's gathers and products at the real size (21504 queries, random rows, one row per
     * corner), on a loaded 2-core machine: 2-2.5 s with chunks of 384-512 queries, 10-12 s with
     * 768 or more.
     */
    static final long QUERY_CHUNK = 512;

    /**
     * What every query reads: {@code index} {@code [B * S * heads * levels * points * 2]}, the pair
     * rows ({@link #pairRows}) holding the four bilinear corners of each sampling point (row y0,
     * then row y1), and {@code weight} {@code [B * S * heads, 1, levels * points * 4]}, each
     * corner's bilinear weight (zero outside the map, as {@code grid_sample} with zero padding)
     * times the point's attention weight, in the order of the gathered halves.
     */
    private record Samples(NDArray index, NDArray weight) {}

    private Samples samples(NDArray queries, NDArray referencePoints, int[][] shapes, long b, long s) {
        NDManager outer = queries.getManager();
        // the per-point temporaries are freed here, only the two results stay
        try (NDManager m = outer.newSubManager()) {
            m.tempAttachAll(queries, referencePoints);
            Samples out = samples(m, queries, referencePoints, shapes, b, s);
            out.index().attach(outer);
            out.weight().attach(outer);
            return out;
        }
    }

    private Samples samples(NDManager m, NDArray queries, NDArray referencePoints, int[][] shapes, long b, long s) {
        NDArray offsets = samplingOffsets.forward(queries).reshape(b, s, numHeads, numLevels, numPoints, 2);
        NDArray attention = attentionWeights.forward(queries).reshape(b, s, numHeads, (long) numLevels * numPoints)
                .softmax(-1)
                .reshape(b, s, numHeads, numLevels, numPoints, 1);
        // per-level constants, broadcast over [B, S, heads, levels, points]
        float[] widths = new float[numLevels];
        float[] heights = new float[numLevels];
        float[] starts = new float[numLevels];
        float start = 0;
        for (int l = 0; l < numLevels; l++) {
            heights[l] = shapes[l][0];
            widths[l] = shapes[l][1];
            starts[l] = start;
            start += heights[l] * widths[l];
        }
        NDArray width = levelConstant(m, widths);
        NDArray height = levelConstant(m, heights);
        NDArray refX = referencePoints.get(new NDIndex(":, 0")).reshape(1, s, 1, 1, 1);
        NDArray refY = referencePoints.get(new NDIndex(":, 1")).reshape(1, s, 1, 1, 1);
        NDArray locX = refX.add(offsets.get(new NDIndex(":, :, :, :, :, 0")).div(width));
        NDArray locY = refY.add(offsets.get(new NDIndex(":, :, :, :, :, 1")).div(height));
        // grid_sampler_unnormalize with align_corners=False: ((g + 1) * size - 1) / 2, g = 2 * loc - 1
        NDArray ix = Scalars.div(Scalars.mul(locX, 2).sub(1).add(1).mul(width).sub(1), 2);
        NDArray iy = Scalars.div(Scalars.mul(locY, 2).sub(1).add(1).mul(height).sub(1), 2);
        NDArray x0 = ix.floor();
        NDArray y0 = iy.floor();
        NDArray x1 = x0.add(1);
        NDArray y1 = y0.add(1);
        NDArray wx0 = x1.sub(ix);
        NDArray wx1 = ix.sub(x0);
        NDArray wy0 = y1.sub(iy);
        NDArray wy1 = iy.sub(y0);
        NDArray lastX = width.sub(1);
        NDArray lastY = height.sub(1);
        // the row of pixel p of the flattened levels for query row b and head h: (b * S + p) * heads + h
        NDArray base = m.arange(0, b * s, s, DataType.INT64).reshape(b, 1, 1, 1, 1);
        NDArray head = m.arange(0, numHeads, 1, DataType.INT64).reshape(1, 1, numHeads, 1, 1);
        NDArray first = levelConstant(m, starts);
        // the horizontal pair (x0, x0 + 1) is one row, starting at x0 clamped into the map; where
        // x0 = -1 the row starts at x1 = 0, so x1's weight moves to the row's first half
        NDArray pairStart = x0.maximum(0).minimum(lastX);
        NDArray ax0 = wx0.mul(x0.gte(0).logicalAnd(x0.lte(lastX)).toType(wx0.getDataType(), false));
        NDArray ax1 = wx1.mul(x1.gte(0).logicalAnd(x1.lte(lastX)).toType(wx1.getDataType(), false));
        NDArray left = x0.eq(-1).toType(wx1.getDataType(), false);
        NDArray shifted = ax1.mul(left);
        NDArray firstHalf = ax0.add(shifted);
        NDArray secondHalf = ax1.sub(shifted);
        NDArray[][] rowsY = {{y0, wy0}, {y1, wy1}};
        NDList index = new NDList();
        NDList weight = new NDList();
        for (NDArray[] r : rowsY) {
            NDArray y = r[0];
            NDArray wy = r[1].mul(y.gte(0).logicalAnd(y.lte(lastY)).toType(r[1].getDataType(), false));
            NDArray pixel = y.maximum(0).minimum(lastY).mul(width).add(pairStart).add(first);
            index.add(pixel.toType(DataType.INT64, false).add(base).mul(numHeads).add(head));
            weight.add(NDArrays.stack(new NDList(firstHalf.mul(wy), secondHalf.mul(wy)), 5));
        }
        long perHead = (long) numLevels * numPoints * 4;
        return new Samples(NDArrays.stack(index, 5).reshape(-1),
                NDArrays.stack(weight, 5).mul(attention.expandDims(6)).reshape(b * s * numHeads, 1, perHead));
    }

    /** {@code values} as a native {@code [1, 1, 1, levels, 1]} tensor. */
    private NDArray levelConstant(NDManager m, float[] values) {
        return Scalars.nativeCopy(m.create(values, new Shape(1, 1, 1, numLevels, 1)));
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
