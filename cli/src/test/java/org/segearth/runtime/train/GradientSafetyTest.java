package org.segearth.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.runtime.data.LaSeRSDataset;
import org.segearth.runtime.pipeline.ModelOptions;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.pipeline.SegEarthModel;
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
            float[][] first = SampleGradients.of(model, params, sample, GradientSafetyTest::churn);
            float[][] second = SampleGradients.of(model, params, sample, GradientSafetyTest::churn);
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
