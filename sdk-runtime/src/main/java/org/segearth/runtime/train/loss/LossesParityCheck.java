package org.segearth.runtime.train.loss;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.segearth.spi.ParityCheck;
import org.segearth.spi.ParityContext;
import org.segearth.spi.Weights;

/**
 * Reproduces the {@code losses} dump: the spatial attention loss (grid masks, value and its
 * gradient with respect to the attention logits through a causal softmax), the dense Mask2Former
 * BCE and Dice terms (weight 5) and the shifted text cross-entropy. Tolerance: 1e-5 relative.
 */
public final class LossesParityCheck implements ParityCheck {

    private static final double RTOL = 1e-5;

    @Override
    public String component() {
        return "losses";
    }

    @Override
    public void run(ParityContext context) {
        Weights io = context.io();
        attention(context, io);
        NDArray maskLogits = io.get("mask_logits");
        NDArray maskGt = io.get("mask_gt");
        MaskLoss mask = MaskLosses.defaults().dense(maskLogits, maskGt, maskLogits.getShape().get(0));
        context.compare("mask_bce_x5", mask.bce().reshape(1), 0, RTOL);
        context.compare("mask_dice_x5", mask.dice().reshape(1), 0, RTOL);
        NDArray ce = TextCrossEntropy.compute(io.get("text_logits"), io.get("text_labels"));
        context.compare("text_ce", ce.reshape(1), 0, RTOL);
    }

    private static void attention(ParityContext context, Weights io) {
        NDArray logitsIn = io.get("attn_logits"); // [layers, B, heads, T, T]
        long[] seg = io.get("attn_seg_positions").toType(DataType.INT64, false).toLongArray();
        long[] image = io.get("attn_image_positions").toType(DataType.INT64, false).toLongArray();
        int grid = (int) Math.round(Math.sqrt(image.length));
        NDArray gridMasks = SpatialAttentionLoss.gridMasks(io.get("attn_gt_masks"), grid, grid);
        context.compareExact("attn_grid_masks", gridMasks);

        NDManager manager = context.manager();
        NDArray logits = logitsIn.duplicate();
        logits.attach(manager);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            logits.setRequiresGradient(true);
            NDArray probs = causalSoftmax(logits);
            int layers = (int) logits.getShape().get(0);
            List<NDArray> perLayer = new ArrayList<>();
            for (int l = 0; l < layers; l++) {
                perLayer.add(probs.get(l).get(0));
            }
            NDArray loss = SpatialAttentionLoss.compute(perLayer, seg, image, gridMasks);
            collector.backward(loss);
            context.compare("attn_probs", probs.stopGradient(), 0, RTOL);
            context.compare("attn_loss", loss.stopGradient().reshape(1), 0, RTOL);
        }
        context.compare("attn_loss_grad_wrt_logits", logits.getGradient(), 0, RTOL);
    }

    /** Softmax over the last axis with the positions after the row's own masked out. */
    static NDArray causalSoftmax(NDArray logits) {
        Shape shape = logits.getShape();
        int t = (int) shape.get(shape.dimension() - 1);
        float[] mask = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                mask[i * t + j] = Float.NEGATIVE_INFINITY;
            }
        }
        NDArray bias = logits.getManager().create(mask, new Shape(t, t)).toType(logits.getDataType(), false);
        return logits.add(bias).softmax(-1);
    }
}
