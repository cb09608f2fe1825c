package org.segearth.runtime.pipeline.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;
import org.segearth.api.Heatmap;

/**
 * The {@code [SEG]} -> image attention of each target on the image grid: per layer the
 * probabilities summed over heads, then averaged over layers.
 */
public final class Heatmaps {

    private Heatmaps() {}

    /**
     * @param attentions per layer {@code [1, heads, targets, imageTokens]}
     * @return one heatmap per target ({@code side x side} when the tokens form a square grid, else one row)
     */
    public static List<Heatmap> of(List<NDArray> attentions) {
        NDArray map = NDArrays.stack(new NDList(attentions)).sum(new int[] {2}).mean(new int[] {0}).get(0); // [T, N]
        int targets = (int) map.getShape().get(0);
        int tokens = (int) map.getShape().get(1);
        int side = (int) Math.round(Math.sqrt(tokens));
        boolean square = side * side == tokens;
        List<Heatmap> out = new ArrayList<>();
        for (int t = 0; t < targets; t++) {
            float[] values = map.get(t).toFloatArray();
            out.add(square ? new Heatmap(side, side, values) : new Heatmap(tokens, 1, values));
        }
        return out;
    }
}
