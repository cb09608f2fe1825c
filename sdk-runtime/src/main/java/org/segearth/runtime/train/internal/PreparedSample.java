package org.segearth.runtime.train.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.segearth.api.InvalidInputException;
import org.segearth.api.Mask;
import org.segearth.runtime.data.Sample;
import org.segearth.runtime.image.ImageDecoder;
import org.segearth.runtime.image.RgbImage;
import org.segearth.runtime.pipeline.SegEarthModel;
import org.segearth.runtime.pipeline.TokenInput;
import org.segearth.runtime.train.GroundTruth;

/**
 * One training sample ready for a pass: the image, the token ids of the model's prompt template
 * (LaSeRS human turn with the instruction and one extra [SEG] at {@code <refer>}, the answer as
 * the assistant's turn, labels on the answer only) and the ground-truth masks, one per answer [SEG].
 *
 * @param id the sample's id (for errors and logs)
 * @param image the decoded image
 * @param tokens the teacher-forced ids
 * @param masks the targets in answer order
 */
public record PreparedSample(String id, RgbImage image, TokenInput tokens, List<Mask> masks) {

    /** Prepares {@code sample} for {@code model}; fails when the answer's [SEG]s and the masks disagree. */
    public static PreparedSample of(SegEarthModel model, Sample sample) {
        if (!sample.hasGroundTruth()) {
            throw new InvalidInputException("training sample " + sample.id() + " has no ground-truth masks"
                    + " (an unannotated split?)");
        }
        List<Mask> masks = sample.targets();
        // datasets without answer texts (RefSegRS, RRSIS-D) train on one [SEG] per target
        String answer = sample.answerOr(masks.size());
        TokenInput tokens = model.tokens(sample.instruction(), answer);
        int segs = tokens.segPositions(model.segTokenId(), 1).length;
        if (segs != masks.size()) {
            throw new InvalidInputException("training sample " + sample.id() + ": the answer \"" + answer + "\" has "
                    + segs + " [SEG] tokens but the record " + masks.size() + " masks; every [SEG] needs one mask");
        }
        return new PreparedSample(sample.id(), ImageDecoder.fromBufferedImage(sample.image()), tokens, masks);
    }

    /** The masks as {@code [S, H, W]} in {@code manager}. */
    public NDArray masksArray(NDManager manager) {
        return GroundTruth.original(manager, masks, image.width(), image.height());
    }
}
