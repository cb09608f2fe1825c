package org.segearth.runtime.train;

import ai.djl.ndarray.NDArray;
import org.segearth.runtime.pipeline.SegEarthOutput;
import org.segearth.spi.ParityContext;
import org.segearth.spi.Weights;

/**
 * The training-loss part of the {@code segearth_r2_tiny} parity: from a teacher-forced pass (with
 * logits and attentions) and the dump's {@code gt_masks}, the ground truth in the letterbox frame
 * and on the grid (exact), then {@code loss_text_ce}, {@code loss_mask_bce_x5},
 * {@code loss_mask_dice_x5}, {@code loss_attention} and {@code loss_total} with the dense mask
 * losses and lambda_S 0.01, 1e-4 relative as the notes say.
 *
 * <pre>{@code
 * SegEarthOutput out = model.forward(m, image, tokens, new PassOptions(true, PassOptions.Attentions.ALL), timer);
 * SegEarthLossParity.compare(context, out);
 * }</pre>
 */
public final class SegEarthLossParity {

    /** The notes' "losses 1e-4 relative". */
    public static final double RTOL = 1e-4;
    /** lambda_S of the dump. */
    public static final float ATTENTION_WEIGHT = 0.01f;

    private SegEarthLossParity() {
    }

    /** Compares the ground-truth conversions and every loss of the dump. */
    public static void compare(ParityContext context, SegEarthOutput out) {
        Weights io = context.io();
        NDArray gt = io.get("gt_masks");
        NDArray frame = GroundTruth.frame(gt, out.image().frameSize());
        context.compareExact("gt_masks_frame", frame);
        int side = (int) Math.round(Math.sqrt(out.imagePositions().length));
        NDArray grid = GroundTruth.grid(gt, side);
        context.compareExact("gt_grid", grid);
        LossParts parts = new SegEarthLosses(TrainingConfig.MaskLossMode.DENSE, ATTENTION_WEIGHT)
                .compute(out, frame, grid, null);
        context.compare("loss_text_ce", parts.textCe().reshape(1), 0, RTOL);
        context.compare("loss_mask_bce_x5", parts.maskBce().reshape(1), 0, RTOL);
        context.compare("loss_mask_dice_x5", parts.maskDice().reshape(1), 0, RTOL);
        context.compare("loss_attention", parts.attention().reshape(1), 0, RTOL);
        context.compare("loss_total", parts.total().reshape(1), 0, RTOL);
    }
}
