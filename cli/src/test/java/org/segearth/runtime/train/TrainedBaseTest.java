package org.segearth.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.runtime.data.LaSeRSDataset;
import org.segearth.runtime.pipeline.ModelOptions;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.pipeline.SegEarthModel;
import org.segearth.spi.nn.Precision;

/**
 * A run from a package that was itself trained (a warm-up with every weight, then the official
 * subset) keeps the first run's weights that the second does not train: its package links the
 * original base's parts, so those weights must travel in its own {@code trained.safetensors}.
 */
class TrainedBaseTest {

    @TempDir
    Path tmp;

    private static final List<String> UNTRAINED_BY_SUBSET = List.of("model.layers.0.mlp.fc1.weight",
            "model.final_layernorm.weight");

    @Test
    void aSubsetRunFromATrainedPackageKeepsTheUntrainedWeightsOfThatPackage() throws Exception {
        Path base = TinyTrainingFixture.basePackage(tmp.resolve("base"));
        LaSeRSDataset data = new LaSeRSDataset(TinyTrainingFixture.dataset(tmp.resolve("data")), "train");
        Path first = Trainer.builder().basePackage(base).data(data).output(tmp.resolve("everything"))
                .config(TrainingConfig.builder().trainable(TrainingConfig.Trainable.EVERYTHING).learningRate(1e-2)
                        .seed(3).maxSteps(2).maskLoss(TrainingConfig.MaskLossMode.DENSE).build())
                .build().run().modelPackage();
        Path second = Trainer.builder().basePackage(first).data(data).output(tmp.resolve("subset"))
                .config(TrainingConfig.builder().trainable(TrainingConfig.Trainable.SEGEARTH).learningRate(1e-2)
                        .seed(4).maxSteps(1).maskLoss(TrainingConfig.MaskLossMode.DENSE).build())
                .build().run().modelPackage();
        ModelOptions f32 = ModelOptions.defaults().withMergedAdapter(false).withPrecision(Precision.F32);
        try (SegEarthModel original = SegEarthModel.load(ModelPackage.open(base), f32);
                SegEarthModel warm = SegEarthModel.load(ModelPackage.open(first), f32);
                SegEarthModel subset = SegEarthModel.load(ModelPackage.open(second), f32)) {
            for (String key : UNTRAINED_BY_SUBSET) {
                NDArray o = original.languageModel().parameters().get(key);
                NDArray w = warm.languageModel().parameters().get(key);
                NDArray s = subset.languageModel().parameters().get(key);
                assertFalse(o.contentEquals(w), key + " did not change in the first run; the test needs it to");
                assertTrue(w.contentEquals(s), key + " fell back from the first run's value");
            }
            Map<String, NDArray> swinWarm = warm.maskEncoder().parameters();
            Map<String, NDArray> swinOriginal = original.maskEncoder().parameters();
            Map<String, NDArray> swinSubset = subset.maskEncoder().parameters();
            assertEquals(swinWarm.keySet(), swinSubset.keySet());
            assertTrue(swinWarm.keySet().stream().anyMatch(k -> !swinWarm.get(k).contentEquals(swinOriginal.get(k))));
            assertTrue(swinWarm.keySet().stream().allMatch(k -> swinWarm.get(k).contentEquals(swinSubset.get(k))),
                    "a Swin weight of the first run was lost");
        }
    }
}
