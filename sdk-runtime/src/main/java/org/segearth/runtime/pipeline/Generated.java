package org.segearth.runtime.pipeline;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * What the model wrote in generative mode, with what the generation pass itself computed for the
 * answer's {@code [SEG]}s (no second, teacher-forced pass is needed for the masks).
 *
 * @param tokens the prompt and the answer (with its end token when generation stopped there): the
 *     ids a teacher-forced pass over the same answer takes
 * @param answerIds the generated ids, without the end token
 * @param stoppedAtEos whether generation ended at the end token (else at the token limit)
 * @param segPositions positions of the answer's {@code [SEG]}s in the sequence with the image
 *     tokens spliced in, one per target
 * @param segHidden {@code [targets, hidden]} the final-layernorm hidden states at {@code segPositions}
 * @param attentions per layer, the {@code [SEG]} rows at the image-token columns
 *     ({@code [1, heads, targets, imageTokens]}) when asked for and there is a target, else empty
 */
public record Generated(TokenInput tokens, long[] answerIds, boolean stoppedAtEos, int[] segPositions,
        NDArray segHidden, List<NDArray> attentions) {

    public Generated {
        answerIds = answerIds.clone();
        segPositions = segPositions.clone();
        attentions = List.copyOf(attentions);
    }

    @Override
    public long[] answerIds() {
        return answerIds.clone();
    }

    @Override
    public int[] segPositions() {
        return segPositions.clone();
    }

    /** Number of targets (generated {@code [SEG]}s). */
    public int numTargets() {
        return segPositions.length;
    }
}
