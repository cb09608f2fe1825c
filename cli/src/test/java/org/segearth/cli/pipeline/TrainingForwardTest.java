package org.segearth.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.runtime.image.ImageDecoder;
import org.segearth.runtime.pipeline.ImageEncoding;
import org.segearth.runtime.pipeline.ModelOptions;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.pipeline.PassOptions;
import org.segearth.runtime.pipeline.SegEarthModel;
import org.segearth.runtime.pipeline.SegEarthOutput;
import org.segearth.runtime.pipeline.StageTimer;
import org.segearth.runtime.pipeline.TokenInput;

/** The teacher-forced forward runs under a gradient collector, as the training facade will run it. */
class TrainingForwardTest {

    @TempDir
    Path dir;

    @Test
    void textAttentionAndQueryGradientsReachTheProjectorAndTheAdapter() {
        check(out -> out.queries().mean().add(out.logits().mean())
                .add(NDArrays.stack(new NDList(out.attentions())).mean()));
    }

    @Test
    void maskLogitGradientsReachTheProjectorAndTheAdapter() {
        check(out -> out.maskLogits().mean().add(NDArrays.stack(new NDList(out.auxMaskLogits())).mean()));
    }

    private void check(Function<SegEarthOutput, NDArray> loss) {
        Path pkg = TinyModel.create(dir);
        try (SegEarthModel model = SegEarthModel.load(ModelPackage.open(pkg), ModelOptions.defaults());
                NDManager m = model.manager().newSubManager()) {
            NDArray projector = model.projector().weight();
            projector.setRequiresGradient(true);
            Map<String, NDArray> adapter = model.languageModel().adapterTensors();
            assertFalse(adapter.isEmpty(), "the adapter stays separate by default");
            adapter.values().forEach(a -> a.setRequiresGradient(true));
            ImageEncoding image = model.encodeImage(m, ImageDecoder.fromBufferedImage(TinyModel.image()), false,
                    StageTimer.NONE);
            TokenInput tokens = model.tokens("segment the ships", "the ships [SEG] and the port [SEG]");
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                SegEarthOutput out = model.forward(m, image, tokens, PassOptions.TRAINING, StageTimer.NONE);
                assertEquals(3, out.attentions().size());
                assertEquals(2, out.attentions().get(0).getShape().get(2), "[SEG] rows");
                assertEquals(16, out.attentions().get(0).getShape().get(3), "image columns");
                collector.backward(loss.apply(out));
            }
            assertTrue(projector.getGradient().abs().sum().getFloat() > 0, "no gradient at the SEG projector");
            for (Map.Entry<String, NDArray> e : adapter.entrySet()) {
                assertTrue(e.getValue().getGradient().abs().sum().getFloat() > 0, "no gradient at " + e.getKey());
            }
        }
    }
}
