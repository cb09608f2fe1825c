package org.segearth.encoders.swin.internal;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.segearth.spi.Weights;

/**
 * HF {@code SwinStage}: {@code blocks} of {@link SwinLayer} (even blocks plain, odd blocks shifted)
 * and an optional {@link SwinPatchMerging} {@code downsample}.
 */
public final class SwinStage {

    private final List<SwinLayer> blocks = new ArrayList<>();
    private final SwinPatchMerging downsample;

    /** @param w the view at {@code encoder.layers.S} */
    public SwinStage(Weights w, int dim, int depth, int numHeads, int windowSize, double mlpRatio, boolean qkvBias,
            double eps, boolean hasDownsample) {
        for (int i = 0; i < depth; i++) {
            int shift = i % 2 == 0 ? 0 : windowSize / 2;
            blocks.add(new SwinLayer(w.prefix("blocks." + i), dim, numHeads, windowSize, shift, mlpRatio, qkvBias, eps));
        }
        downsample = hasDownsample ? new SwinPatchMerging(w.prefix("downsample"), dim, eps) : null;
    }

    /**
     * @param x {@code [batch, height * width, dim]}
     */
    public Result forward(NDArray x, int height, int width) {
        NDArray h = x;
        for (SwinLayer block : blocks) {
            h = block.forward(h, height, width);
        }
        if (downsample == null) {
            return new Result(h, h, height, width);
        }
        NDArray down = downsample.forward(h, height, width);
        return new Result(h, down, (height + 1) / 2, (width + 1) / 2);
    }

    /**
     * @param beforeDownsampling the stage output at the stage's resolution
     * @param hidden the input of the next stage
     * @param height the next stage's grid height
     * @param width the next stage's grid width
     */
    public record Result(NDArray beforeDownsampling, NDArray hidden, int height, int width) {}
}
