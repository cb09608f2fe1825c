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
        compare(context, out, "");
    }

    /**
     * Like {@link #compare(ParityContext, SegEarthOutput)} against the expected losses named with
     * {@code prefix} (e.g. {@code hf_semantics_loss_total}); losses the dump has no such tensor for
     * are skipped when the prefix is not empty, and so are the ground-truth conversions.
     */
    public static void compare(ParityContext context, SegEarthOutput out, String prefix) {
        Weights io = context.io();
        NDArray gt = io.get("gt_masks");
        NDArray frame = GroundTruth.frame(gt, out.image().frameSize());
        if (prefix.isEmpty()) {
            context.compareExact("gt_masks_frame", frame);
        }
        int side = (int) Math.round(Math.sqrt(out.imagePositions().length));
        NDArray grid = GroundTruth.grid(gt, side);
        if (prefix.isEmpty()) {
            context.compareExact("gt_grid", grid);
        }
        LossParts parts = new SegEarthLosses(TrainingConfig.MaskLossMode.DENSE, ATTENTION_WEIGHT)
                .compute(out, frame, grid, null);
        compareLoss(context, prefix, "loss_text_ce", parts.textCe());
        compareLoss(context, prefix, "loss_mask_bce_x5", parts.maskBce());
        compareLoss(context, prefix, "loss_mask_dice_x5", parts.maskDice());
        compareLoss(context, prefix, "loss_attention", parts.attention());
        compareLoss(context, prefix, "loss_total", parts.total());
    }

    private static void compareLoss(ParityContext context, String prefix, String name, NDArray value) {
        if (prefix.isEmpty() || context.io().contains(prefix + name)) {
            context.compare(prefix + name, value.reshape(1), 0, RTOL);
        }
    }
}
