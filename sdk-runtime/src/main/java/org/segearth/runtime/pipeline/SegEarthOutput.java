package org.segearth.runtime.pipeline;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Everything one teacher-forced pass computes, as arrays of the caller's manager: what the
 * {@code segearth_r2_tiny} golden compares and what training's losses need.
 *
 * @param image both branches' inputs and encodings
 * @param tokens the ids of the pass
 * @param labels {@code [1, L]} int64: -100 over the prompt and image, the answer's ids after
 * @param inputsEmbeds {@code [1, L, hidden]} token embeddings with the image tokens spliced in
 * @param logits {@code [1, L, vocab]}, or null when not asked for
 * @param lastHiddenState {@code [1, L, hidden]} after the final layernorm
 * @param attentions per layer, as {@link PassOptions#attentions()} asked (empty for none)
 * @param imagePositions positions of the image tokens
 * @param segPositions positions of the answer's {@code [SEG]}s, one per target
 * @param segHidden {@code [targets, hidden]} the hidden states at {@code segPositions}
 * @param queries {@code [targets, queryDim]} the projected [SEG] hidden states
 * @param maskLogits {@code [targets, h, w]} the head's final logits on the letterbox frame at {@code stride}
 * @param auxMaskLogits the head's intermediate predictions, each {@code [targets, h, w]}
 * @param headScores {@code [targets]} the head's own quality scores, or null
 * @param stride letterbox pixels per logit cell
 * @param fullLogits {@code [targets, height, width]} the logits resized to the original image
 * @param masks {@code [targets, height, width]} boolean, {@code fullLogits > 0}
 */
public record SegEarthOutput(ImageEncoding image, TokenInput tokens, NDArray labels, NDArray inputsEmbeds,
        NDArray logits, NDArray lastHiddenState, List<NDArray> attentions, int[] imagePositions, int[] segPositions,
        NDArray segHidden, NDArray queries, NDArray maskLogits, List<NDArray> auxMaskLogits, NDArray headScores,
        int stride, NDArray fullLogits, NDArray masks) {

    public SegEarthOutput {
        attentions = List.copyOf(attentions);
        auxMaskLogits = List.copyOf(auxMaskLogits);
        imagePositions = imagePositions.clone();
        segPositions = segPositions.clone();
    }

    /** Number of targets (answer {@code [SEG]}s). */
    public int numTargets() {
        return segPositions.length;
    }

    @Override
    public int[] imagePositions() {
        return imagePositions.clone();
    }

    @Override
    public int[] segPositions() {
        return segPositions.clone();
    }
}
