package org.segearth.runtime.pipeline;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.segearth.runtime.pipeline.internal.MaskPostprocessor;

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
 * @param original the logits and masks at the original image size, made when first asked for
 *     ({@link #fullLogits()}, {@link #masks()}) or packed a band of rows at a time ({@link Original#pack})
 */
public record SegEarthOutput(ImageEncoding image, TokenInput tokens, NDArray labels, NDArray inputsEmbeds,
        NDArray logits, NDArray lastHiddenState, List<NDArray> attentions, int[] imagePositions, int[] segPositions,
        NDArray segHidden, NDArray queries, NDArray maskLogits, List<NDArray> auxMaskLogits, NDArray headScores,
        int stride, Original original) {

    public SegEarthOutput {
        attentions = List.copyOf(attentions);
        auxMaskLogits = List.copyOf(auxMaskLogits);
        imagePositions = imagePositions.clone();
        segPositions = segPositions.clone();
    }

    /**
     * {@code [targets, height, width]} the logits resized to the original image, in the manager of
     * {@link #maskLogits()}; made on the first call (4 bytes per pixel and target: for large images
     * prefer {@link Original#pack}).
     */
    public NDArray fullLogits() {
        return original.logits();
    }

    /** {@code [targets, height, width]} boolean, {@code fullLogits() > 0}; made on the first call. */
    public NDArray masks() {
        return original.masks();
    }

    /**
     * The head's logits on the letterbox frame and what they become at the original size: the
     * whole arrays ({@link #logits()}, {@link #masks()}, made once, when first asked for), or
     * packed masks and scores made a band of rows at a time ({@link #pack}), which never holds a
     * full-size float array.
     */
    public static final class Original {
        private final NDArray frameLogits;
        private final int frame;
        private final int validHeight;
        private final int validWidth;
        private final int height;
        private final int width;
        private NDArray logits;
        private NDArray masks;

        /**
         * @param frameLogits {@code [targets, h, w]} the head's logits on the letterbox frame
         * @param frame side of the letterbox frame
         * @param validHeight rows of the frame that hold the image
         * @param validWidth columns of the frame that hold the image
         * @param height the original image height
         * @param width the original image width
         */
        public Original(NDArray frameLogits, int frame, int validHeight, int validWidth, int height, int width) {
            this.frameLogits = java.util.Objects.requireNonNull(frameLogits, "frameLogits");
            this.frame = frame;
            this.validHeight = validHeight;
            this.validWidth = validWidth;
            this.height = height;
            this.width = width;
        }

        /** {@code [targets, height, width]} float logits at the original size (made once). */
        public synchronized NDArray logits() {
            if (logits == null) {
                logits = MaskPostprocessor.toOriginal(frameLogits, frame, validHeight, validWidth, height, width);
            }
            return logits;
        }

        /** {@code [targets, height, width]} boolean, {@code logits() > 0} (made once). */
        public synchronized NDArray masks() {
            if (masks == null) {
                masks = logits().gt(0);
            }
            return masks;
        }

        /**
         * The masks of {@link #masks()}, bit for bit, and per target the mean sigmoid of the logits
         * inside its mask, made a band of rows at a time (see {@link MaskPostprocessor#pack}).
         *
         * @param keepLogits whether to return the original-size logits as float arrays too
         */
        public MaskPostprocessor.Packed pack(boolean keepLogits) {
            return MaskPostprocessor.pack(frameLogits, frame, validHeight, validWidth, height, width, keepLogits);
        }
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
