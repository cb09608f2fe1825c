package org.segearth.testkit.example;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.segearth.api.SegEarthException;
import org.segearth.spi.FeatureSpec;
import org.segearth.spi.SegmentationHead;
import org.segearth.spi.Weights;

/**
 * The head of the README's "Adding a head" walkthrough: each [SEG] query, projected to the
 * channels of the finest feature map ({@code query_proj.weight}), is dotted with every cell of that
 * map; the products are the mask logits at stride 4.
 */
public final class SimilarityHead implements SegmentationHead {

    private final FeatureSpec spec;
    private final int queryDim;
    private final NDArray queryProjT; // [queryDim, channels]

    SimilarityHead(Weights weights, int channels, int queryDim) {
        this.spec = new FeatureSpec(List.of(new FeatureSpec.Level(channels, 4)));
        this.queryDim = queryDim;
        // transposed once here, in the weights' manager: predict() must not create arrays there
        this.queryProjT = weights.get("query_proj.weight", channels, queryDim).transpose();
    }

    @Override
    public FeatureSpec inputSpec() {
        return spec;
    }

    @Override
    public int queryDim() {
        return queryDim;
    }

    @Override
    public HeadOutput predict(List<NDArray> features, NDArray queries) {
        if (features.size() != 1 || features.get(0).getShape().dimension() != 4
                || features.get(0).getShape().get(1) != spec.levels().get(0).channels()) {
            throw new SegEarthException("the similarity head takes one [1, " + spec.levels().get(0).channels()
                    + ", h, w] feature map, got " + features.size() + " map(s)"
                    + (features.isEmpty() ? "" : ", the first " + features.get(0).getShape()));
        }
        if (queries.getShape().dimension() != 2 || queries.getShape().get(1) != queryDim) {
            throw new SegEarthException("similarity head queries have shape " + queries.getShape()
                    + "; expected [targets, " + queryDim + "]");
        }
        NDArray map = features.get(0);
        long c = map.getShape().get(1);
        long h = map.getShape().get(2);
        long w = map.getShape().get(3);
        // computed from the queries: the results belong to the caller's manager
        NDArray projected = queries.dot(queryProjT);                          // [targets, c]
        NDArray logits = projected.dot(map.reshape(c, h * w)).reshape(-1, h, w); // [targets, h, w]
        return new HeadOutput(logits, List.of(), null, 4);
    }

    @Override
    public void close() {
        // the weights belong to the checkpoint's manager; nothing else is held
    }
}
