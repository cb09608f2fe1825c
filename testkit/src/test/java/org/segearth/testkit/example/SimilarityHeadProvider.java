package org.segearth.testkit.example;

import org.segearth.spi.ComponentContext;
import org.segearth.spi.SegmentationHead;
import org.segearth.spi.SegmentationHeadProvider;

/**
 * Provider of {@link SimilarityHead}, selected by the name {@code similarity}
 * ({@code Segmenter.builder().head("similarity")}, or {@code "head": "similarity"} in a package's
 * {@code segearth.json}); listed in {@code META-INF/services/org.segearth.spi.SegmentationHeadProvider}.
 */
public final class SimilarityHeadProvider implements SegmentationHeadProvider {

    @Override
    public String name() {
        return "similarity";
    }

    @Override
    public SegmentationHead create(ComponentContext context) {
        return new SimilarityHead(context.weights(), context.config().getInt("hidden_size"),
                context.config().getInt("query_dim"));
    }
}
