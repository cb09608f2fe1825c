package org.segearth.spi;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Turns mask-encoder features and one query per target into mask logits (Mask2Former for
 * SegEarth-R2, SAM for ablations).
 */
public interface SegmentationHead extends AutoCloseable {

    /** What the head needs from the mask encoder. */
    FeatureSpec inputSpec();

    /** Width of one query (the SEG projector's output). */
    int queryDim();

    /**
     * @param features the mask encoder's outputs for one image
     * @param queries {@code [targets, queryDim]}, one per [SEG]
     * @return the mask logits for every target
     */
    HeadOutput predict(List<NDArray> features, NDArray queries);

    @Override
    void close();

    /**
     * Mask logits of a head.
     *
     * @param maskLogits {@code [targets, h, w]} final logits at {@code stride}
     * @param auxMaskLogits intermediate predictions (deep supervision), possibly empty
     * @param scores {@code [targets]} a head's own quality score, or null
     * @param stride input pixels per logit cell
     */
    record HeadOutput(NDArray maskLogits, List<NDArray> auxMaskLogits, NDArray scores, int stride) {
        public HeadOutput {
            auxMaskLogits = List.copyOf(auxMaskLogits);
        }
    }
}
