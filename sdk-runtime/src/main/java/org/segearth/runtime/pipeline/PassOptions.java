package org.segearth.runtime.pipeline;

/**
 * What a teacher-forced {@link SegEarthModel#forward} computes besides the masks.
 *
 * <pre>{@code
 * PassOptions training = PassOptions.TRAINING;                  // logits + [SEG] -> image attentions
 * PassOptions parity = new PassOptions(true, PassOptions.Attentions.ALL);
 * }</pre>
 *
 * @param logits whether to compute the logits at every position ({@code lm_head} over the whole
 *     sequence: the text loss needs them, inference does not)
 * @param attentions which attention probabilities to capture
 */
public record PassOptions(boolean logits, Attentions attentions) {

    /** Which attention probabilities a pass captures. */
    public enum Attentions {
        /** None. */
        NONE,
        /** Per layer, the {@code [SEG]} rows at the image-token columns ({@code [1, heads, targets, imageTokens]}). */
        SEG_TO_IMAGE,
        /** Per layer, every row and column ({@code [1, heads, L, L]}). */
        ALL
    }

    /** Masks only. */
    public static final PassOptions INFERENCE = new PassOptions(false, Attentions.NONE);

    /** What training needs: the logits and the [SEG] -> image attentions. */
    public static final PassOptions TRAINING = new PassOptions(true, Attentions.SEG_TO_IMAGE);

    public PassOptions {
        if (attentions == null) {
            attentions = Attentions.NONE;
        }
    }

    /** These options with {@code which} attentions. */
    public PassOptions withAttentions(Attentions which) {
        return new PassOptions(logits, which);
    }
}
