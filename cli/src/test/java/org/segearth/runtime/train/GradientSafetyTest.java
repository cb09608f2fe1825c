package org.segearth.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.runtime.data.LaSeRSDataset;
import org.segearth.runtime.pipeline.ImageEncoding;
import org.segearth.runtime.pipeline.ModelOptions;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.pipeline.PassOptions;
import org.segearth.runtime.pipeline.SegEarthModel;
import org.segearth.runtime.pipeline.SegEarthOutput;
import org.segearth.runtime.pipeline.StageTimer;
import org.segearth.runtime.train.internal.PreparedSample;
import org.segearth.runtime.train.internal.TrainableWeights;

/**
 * Gradients through the whole model stay exact when the JVM collects garbage between the forward
 * and the backward pass (DJL frees the Java memory behind constants and index arrays that autograd
 * still holds unless the model code avoids them), and the mask losses reach the [SEG] queries.
 */
class GradientSafetyTest {

    @TempDir
    Path tmp;

    @Test
    void gradientsAreFiniteAndRepeatableUnderGarbageCollection() throws Exception {
        Path base = TinyTrainingFixture.basePackage(tmp.resolve("base"));
        LaSeRSDataset data = new LaSeRSDataset(TinyTrainingFixture.dataset(tmp.resolve("data")), "train");
        try (SegEarthModel model = SegEarthModel.load(ModelPackage.open(base), ModelOptions.defaults())) {
            List<TrainableParameter> params = TrainableWeights.select(model, TrainingConfig.defaults());
            PreparedSample sample = PreparedSample.of(model, data.get(2));
            float[][] first = gradients(model, params, sample);
            float[][] second = gradients(model, params, sample);
            for (int i = 0; i < params.size(); i++) {
                for (float g : first[i]) {
                    assertTrue(Float.isFinite(g), params.get(i).key() + " has a non-finite gradient");
                }
                assertArrayEquals(first[i], second[i], params.get(i).key());
            }
            int projector = params.size() - 2;
            double sum = 0;
            for (float g : first[projector]) {
                sum += Math.abs(g);
            }
            assertTrue(sum > 0, "the mask losses reach the SEG projector through the head");
        }
    }

    private static float[][] gradients(SegEarthModel model, List<TrainableParameter> params, PreparedSample s) {
        SegEarthLosses losses = new SegEarthLosses(TrainingConfig.MaskLossMode.DENSE, 0.01f);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector();
                NDManager m = model.manager().newSubManager()) {
            ImageEncoding image = model.encodeImage(m, s.image(), false, StageTimer.NONE);
            SegEarthOutput out = model.forward(m, image, s.tokens(), PassOptions.TRAINING, StageTimer.NONE);
            NDArray gt = s.masksArray(m);
            LossParts parts = losses.compute(out, GroundTruth.frame(gt, image.frameSize()), GroundTruth.grid(gt, 4), null);
            churn();
            gc.backward(parts.total());
        }
        float[][] out = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            out[i] = params.get(i).gradient().toFloatArray();
        }
        params.forEach(TrainableParameter::zeroGradient);
        return out;
    }

    /** Collects garbage and reuses freed native memory, as a long training step would. */
    private static void churn() {
        List<ByteBuffer> keep = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            System.gc();
            for (int i = 0; i < 200; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(64);
                b.putLong(0, 0x7FFF_FFFF_FFFFL);
                keep.add(b);
            }
        }
    }
}
