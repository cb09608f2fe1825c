package org.segearth.spi;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Turns mask-encoder features and one query per target into mask logits (Mask2Former for
 * SegEarth-R2, SAM for ablations).
 *
 * <pre>{@code
 * try (SegmentationHead head = new ProviderRegistry().find(SegmentationHeadProvider.class, "mask2former")
 *         .create(context)) {
 *     head.inputSpec().requireSatisfiedBy(encoder.outputSpec(), "swin", "mask2former");
 *     NDArray queries = manager.randomNormal(new Shape(2, head.queryDim())); // one per [SEG]
 *     SegmentationHead.HeadOutput out = head.predict(encoder.encode(pixels), queries);
 *     NDArray logits = out.maskLogits();              // [2, h, w] at out.stride()
 * }
 * }</pre>
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

    /**
     * The weights under their checkpoint keys, live: the arrays the forward computes with (no
     * copies or views made at load time), so that gradients attached to them train the component
     * and values written into them in place take effect. Empty when the component does not
     * support training (the default).
     */
    default java.util.Map<String, NDArray> parameters() {
        return java.util.Map.of();
    }

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
