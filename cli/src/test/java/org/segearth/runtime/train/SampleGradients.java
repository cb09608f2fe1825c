package org.segearth.runtime.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.segearth.runtime.pipeline.ImageEncoding;
import org.segearth.runtime.pipeline.PassOptions;
import org.segearth.runtime.pipeline.SegEarthModel;
import org.segearth.runtime.pipeline.SegEarthOutput;
import org.segearth.runtime.pipeline.StageTimer;
import org.segearth.runtime.train.internal.PreparedSample;

/** Test helper: the gradients of one sample's losses (dense masks, lambda_S 0.01) for every trained parameter. */
final class SampleGradients {

    private SampleGradients() {}

    /**
     * One forward and backward of {@code s}; {@code beforeBackward} runs between them (garbage
     * collection, memory churn). Returns each parameter's gradient and zeroes it.
     */
    static float[][] of(SegEarthModel model, List<TrainableParameter> params, PreparedSample s, Runnable beforeBackward) {
        SegEarthLosses losses = new SegEarthLosses(TrainingConfig.MaskLossMode.DENSE, 0.01f);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector();
                NDManager m = model.manager().newSubManager()) {
            ImageEncoding image = model.encodeImage(m, s.image(), false, StageTimer.NONE);
            SegEarthOutput out = model.forward(m, image, s.tokens(), PassOptions.TRAINING, StageTimer.NONE);
            NDArray gt = s.masksArray(m);
            LossParts parts = losses.compute(out, GroundTruth.frame(gt, image.frameSize()), GroundTruth.grid(gt, 4), null);
            beforeBackward.run();
            gc.backward(parts.total());
        }
        float[][] out = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            out[i] = params.get(i).gradient().toFloatArray();
        }
        params.forEach(TrainableParameter::zeroGradient);
        return out;
    }
}
