package org.segearth.runtime.eval;

import java.awt.image.BufferedImage;
import java.util.List;
import org.segearth.api.Mask;

/**
 * What the {@link Evaluator} evaluates: one image and one instruction in, the answer text and one
 * mask per target out (masks at the image's size, in target order). In teacher-forced mode the
 * reference answer (with its {@code [SEG]}s) is given and the function segments one target per
 * {@code [SEG]} of it instead of writing its own answer.
 *
 * <pre>{@code
 * SegmentationFunction f = (image, instruction, answer) -> {
 *     SegmentationResult r = segmenter.segment(image, instruction);
 *     return new SegmentationFunction.Output(r.answer(), r.targets().stream().map(Target::mask).toList());
 * };
 * }</pre>
 */
@FunctionalInterface
public interface SegmentationFunction {

    /**
     * Segments {@code image}.
     *
     * @param instruction the instruction or question
     * @param answer the reference answer in teacher-forced mode, null in generative mode
     */
    Output segment(BufferedImage image, String instruction, String answer);

    /**
     * {@code segmenter} as a function: {@code segment} in generative mode,
     * {@code segmentWithAnswer} in teacher-forced mode.
     */
    static SegmentationFunction of(org.segearth.api.Segmenter segmenter) {
        return (image, instruction, answer) -> {
            org.segearth.api.ImageSource source = org.segearth.api.ImageSource.of(image);
            org.segearth.api.SegmentationResult r = answer == null ? segmenter.segment(source, instruction)
                    : segmenter.segmentWithAnswer(source, instruction, answer);
            return new Output(r.answer(), r.targets().stream().map(org.segearth.api.Target::mask).toList());
        };
    }

    /**
     * The function's result.
     *
     * @param answer the answer text (the given one in teacher-forced mode)
     * @param masks one mask per target, in order; empty when the model found no target
     * @param frameMasks the same targets in the padded square frame, padding included (what the
     *     official evaluation scores, see {@link EvalProtocol#OFFICIAL}); empty when the function
     *     does not give them
     * @param frame the side of the padded square frame, 0 when the function does not give it
     */
    record Output(String answer, List<Mask> masks, List<Mask> frameMasks, int frame) {
        public Output {
            masks = List.copyOf(masks);
            frameMasks = List.copyOf(frameMasks);
            if (!frameMasks.isEmpty() && frameMasks.size() != masks.size()) {
                throw new IllegalArgumentException(frameMasks.size() + " frame masks for " + masks.size() + " masks");
            }
        }

        /** A result at the original size only. */
        public Output(String answer, List<Mask> masks) {
            this(answer, masks, List.of(), 0);
        }
    }
}
